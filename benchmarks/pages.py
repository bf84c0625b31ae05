"""The pages both benchmarks measure: (label, path, sent as an htmx request?). The baseline, a
bare signed-in page behind the same middleware, comes first: the others are compared to it."""

PAGES = [
    ("baseline (no Logto)", "/_baseline/", False),
    ("overview", "/account/", False),
    ("profile page", "/account/profile/", False),
    ("security page", "/account/security/", False),
    ("profile form (htmx)", "/account/profile/edit/", True),
    ("username form (htmx)", "/account/security/username/", True),
    ("email form (htmx)", "/account/security/email/", True),
    ("password form (htmx)", "/account/security/password/", True),
]
