"""The account center's own server-side time per page, with Logto's answers taken out.

Logto is replaced by an in-memory stand-in that answers at once, so what is measured is the
app's work (middleware, views, templates, session) next to a bare page behind the same
middleware, in one process and one run. Prints milliseconds per request and the ratio.

    .venv-test/bin/python benchmarks/app_time.py [--requests 500]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.setdefault("DJANGO_DEBUG", "0")

from pages import PAGES  # noqa: E402  (this folder is on sys.path when the script runs)


class InstantLogto:
    """Answers the reads these pages make, at once, with a typical user."""

    def __init__(self) -> None:
        from account_center.logto.models import LogtoUser

        self.user = LogtoUser(
            id="bench-user",
            username="alice",
            name="Alice Example",
            primary_email="alice@example.com",
            has_password=True,
        )
        self.document = {
            key: f"https://logto.test/oidc/{path}"
            for key, path in (
                ("authorization_endpoint", "auth"),
                ("token_endpoint", "token"),
                ("userinfo_endpoint", "me"),
                ("jwks_uri", "jwks"),
                ("end_session_endpoint", "session/end"),
            )
        } | {
            "issuer": "https://logto.test/oidc",
            "id_token_signing_alg_values_supported": ["ES384"],
        }

    def get_user(self, *args, **kwargs):
        return self.user

    def list_mfa_verifications(self, *args, **kwargs):
        return []

    def get_custom_data(self, *args, **kwargs):
        return {}

    def get_logto_configs(self, *args, **kwargs):
        return {}

    def list_personal_access_tokens(self, *args, **kwargs):
        return []

    def list_sessions(self, *args, **kwargs):
        return []

    def list_social_connectors(self, *args, **kwargs):
        return []

    def list_user_organizations(self, *args, **kwargs):
        return []

    def list_grants(self, *args, **kwargs):
        return []

    def list_trusted_devices(self, *args, **kwargs):
        return []

    def discovery(self, **kwargs):
        return self.document


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=500)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings

    # docs/speed.md's first table: the Management API (InstantLogto answers its reads), not the
    # package's default gateway ("auto"), which would first ask Logto's account-center settings.
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "management"
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from account_center.logto import client as logto_client
    from account_center.models import LogtoIdentity

    call_command("migrate", verbosity=0)
    logto_client._client = InstantLogto()
    user = get_user_model().objects.create_user("bench")
    LogtoIdentity.objects.create(user=user, sub="bench-user")
    browser = Client()
    browser.force_login(user)
    session = browser.session
    session["oidc_id_token_expiration"] = time.time() + 3600  # a fresh sign-in: no refresh
    session.save()

    print(
        f"\nServer-side time per request, Logto answering instantly in memory "
        f"({args.requests} requests per page, best of 10 rounds):\n"
    )
    print(f"{'page':28} {'ms/request':>11}")
    for _label, path, htmx in PAGES:
        headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        assert browser.get(path, **headers).status_code == 200, path  # warm up
    # Pages take turns, round after round, and each keeps its best round (as timeit does):
    # the figure least disturbed by warm-up and by whatever else the machine is doing.
    best = {path: float("inf") for _label, path, _htmx in PAGES}
    per_round = max(1, args.requests // 10)
    for _ in range(10):
        for _label, path, htmx in PAGES:
            headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
            started = time.perf_counter()
            for _ in range(per_round):
                browser.get(path, **headers)
            best[path] = min(best[path], (time.perf_counter() - started) / per_round * 1000)
    baseline = best[PAGES[0][1]]
    for label, path, _htmx in PAGES:
        line = f"{label:28} {best[path]:11.2f}"
        if path != PAGES[0][1]:
            line += f"   ({best[path] / baseline:.1f}x baseline)"
        print(line)


if __name__ == "__main__":
    main()
