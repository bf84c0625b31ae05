from __future__ import annotations

# The journeys' sign-in and step-up live with every other shared helper (tests/helpers.py);
# named here too so each journey imports its helpers from one place.
from tests.helpers import (
    confirm_with_password,
    fill_logto_sign_in_form,
    sign_in,
    virtual_authenticator,
)

__all__ = [
    "FORM_PAGES",
    "admin_signed_in",
    "confirm_with_password",
    "fill_logto_sign_in_form",
    "menu_pages",
    "sign_in",
    "virtual_authenticator",
]

# The overview, and the pages whose forms have no JavaScript-free twin elsewhere: the journeys
# that walk pages start with these, then add their own.
FORM_PAGES = [
    "/account/",
    "/account/profile/",
    "/account/profile/edit/",
    "/account/security/",
    "/account/security/username/",
    "/account/security/email/",
    "/account/security/phone/",
    "/account/security/password/",
]


def menu_pages(page, demo: str) -> list[str]:
    """The paths the account menu links to (every section, whoever added it)."""
    page.goto(f"{demo}/account/")
    return page.locator(".ac-nav a").evaluate_all("links => links.map(a => a.pathname)")


def admin_signed_in(browser, demo: str, next_path: str):
    """A second browser context with a superuser signed in to Django admin at ``next_path``
    (the account center's users are someone else); close it with ``page.context.close()``."""
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("boss", password="a-long-admin-passw0rd")
    admin = browser.new_context().new_page()
    admin.goto(f"{demo}/admin/login/?next={next_path}")
    admin.get_by_label("Username").fill("boss")
    admin.get_by_label("Password").fill("a-long-admin-passw0rd")
    admin.get_by_role("button", name="Log in").click()
    return admin
