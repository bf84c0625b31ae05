"""The security rules, checked for every URL of the account center (the URLconf is walked, so a
new page is covered the day it is added):

* every POST without a CSRF token is refused, htmx or not;
* no change reaches Logto without a fresh step-up, nor after the step-up window;
* redirect targets (``next``) never leave the site.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import pytest
import responses
from django.test import Client
from django.urls import URLPattern, URLResolver, reverse

from account_center import urls as account_urls
from account_center.conf.app_settings import app_settings
from account_center.flows import stepup
from tests.helpers import ENDPOINT, SUB, logto_user, signed_in

# Changes that need no step-up by design (the profile is not a way in), the step-up itself, and
# the sign-in area's own views.
NO_STEP_UP = {
    "profile_edit",
    "custom_data",
    "step_up",
    "login",
    "login_failed",
    "oidc_callback",
    "logout",
    "reauthenticate",
}
# Logto answers POSTed by machines, not browsers: they prove themselves by signature, not CSRF.
CSRF_EXEMPT = re.compile(r"webhook")
# Calls that change nothing at Logto although they are not GETs.
READS = re.compile(r"/check-password$|/oidc/token$|/password/verify$")

# Every field name and action the account forms use, so the POSTs below are not merely refused
# for being empty.
FILLED = {
    "username": "new_name",
    "email": "new@example.com",
    "phone": "+44 20 7946 0958",
    "password": "A-good-passw0rd-2024",
    "confirm": "A-good-passw0rd-2024",
    "confirmation": "alice",
    "code": "123456",
    "name": "token-1",
    "new_name": "token-2",
    "current_name": "token-1",
    "factor": "f1",
    "kind": "Totp",
    "factor_id": "f1",
    "verification_id": "f1",
    "session_id": "s1",
    "uid": "s1",
    "target": "mock-social",
    "connector_id": "mock-social",
    "expiry": "90",
    "mfa_enabled": "on",
    "passkey_skipped": "on",
    "grant": "g1",
    "device": "d1",
}
ACTIONS = [None, "send", "verify", "remove", "delete", "revoke", "revoke_others", "start"]
ACTIONS += ["confirm", "replace", "create", "rename", "link", "unlink", "download", "save"]
ACTIONS += ["forget", "forget_all"]


def _named_urls() -> list[tuple[str, str]]:
    """``(name, path)`` for every named URL of the account center, with sample arguments."""
    found: list[tuple[str, str]] = []

    def walk(patterns: list[Any]) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                kwargs = {key: "x1" for key in pattern.pattern.converters}
                path = reverse(f"account_center:{pattern.name}", kwargs=kwargs or None)
                found.append((pattern.name, path))

    walk(account_urls.urlpatterns)
    return found


URLS = _named_urls()
CHANGES = [(name, path) for name, path in URLS if name not in NO_STEP_UP]


def _logto_answers(mock: responses.RequestsMock, writes: list[str]) -> None:
    """A Logto that answers every read plausibly and notes every write."""

    def read(request: Any) -> tuple[int, dict[str, str], str]:
        import json

        path = request.path_url.split("?")[0]
        if path == "/oidc/.well-known/openid-configuration":
            oidc = f"{ENDPOINT}/oidc"
            body: Any = {
                "issuer": oidc,
                "authorization_endpoint": f"{oidc}/auth",
                "token_endpoint": f"{oidc}/token",
                "userinfo_endpoint": f"{oidc}/me",
                "jwks_uri": f"{oidc}/jwks",
                "end_session_endpoint": f"{oidc}/session/end",
            }
        elif path.endswith(
            (
                "/mfa-verifications",
                "/personal-access-tokens",
                "/api/connectors",
                "/trusted-devices",
                "/organizations",
            )
        ):
            body = []
        elif path.endswith("/sessions"):
            body = {"sessions": []}
        elif path.endswith("/grants"):
            body = {"grants": []}
        elif path.endswith(("/logto-configs", "/custom-data", "/all-identities")):
            body = {}
        elif path.endswith("/has-password"):
            body = {"hasPassword": True}
        elif path == "/api/users":
            body = []
        elif path.startswith("/api/sign-in-exp"):
            body = {
                "signIn": {
                    "methods": [
                        {
                            "identifier": "username",
                            "password": True,
                            "verificationCode": False,
                            "isPasswordPrimary": True,
                        }
                    ]
                },
                "socialSignInConnectorTargets": [],
                "mfa": {"factors": [], "policy": "UserControlled"},
            }
        else:
            body = logto_user(primaryPhone="442079460958")
        return 200, {"Content-Type": "application/json"}, json.dumps(body)

    def write(request: Any) -> tuple[int, dict[str, str], str]:
        import json

        path = request.path_url.split("?")[0]
        if not READS.search(path):
            writes.append(f"{request.method} {path}")
        body: Any = {}
        if re.fullmatch(r"/api/users/[^/]+(/password)?", path):
            body = logto_user()
        elif path.endswith("/personal-access-tokens"):
            body = {"name": "token-1", "value": "pat_x", "createdAt": 0, "expiresAt": None}
        return 200, {"Content-Type": "application/json"}, json.dumps(body)

    mock.add(
        responses.POST,
        f"{ENDPOINT}/oidc/token",
        json={"access_token": "tok", "expires_in": 3600, "token_type": "Bearer"},
    )
    any_url = re.compile(re.escape(ENDPOINT) + r"/.*")
    mock.add_callback(responses.GET, any_url, callback=read)
    for method in (responses.POST, responses.PATCH, responses.PUT, responses.DELETE):
        mock.add_callback(method, any_url, callback=write)


@pytest.fixture
def logto_writes() -> Any:
    writes: list[str] = []
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        _logto_answers(mock, writes)
        yield writes


@pytest.mark.parametrize(("name", "path"), [u for u in URLS if not CSRF_EXEMPT.search(u[0])])
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_every_post_without_a_csrf_token_is_refused(name, path, htmx, user, logto_writes):
    client = Client(enforce_csrf_checks=True)
    signed_in(client, user)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}

    answer = client.post(path, FILLED, **headers)

    assert answer.status_code == 403, f"{name} accepted a POST without a CSRF token"
    assert logto_writes == []


def _post_every_way(client: Client, path: str) -> list[int]:
    statuses = []
    for action in ACTIONS:
        data = dict(FILLED) if action is None else {**FILLED, "action": action}
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            statuses.append(client.post(path, data, **headers).status_code)
    return statuses


@pytest.mark.parametrize(("name", "path"), CHANGES)
def test_no_change_reaches_logto_without_a_fresh_step_up(name, path, auth_client, logto_writes):
    statuses = _post_every_way(auth_client, path)

    assert logto_writes == [], f"{name} changed Logto without step-up"
    assert all(status < 500 for status in statuses)


@pytest.mark.parametrize(("name", "path"), CHANGES)
def test_no_change_reaches_logto_once_the_step_up_window_passed(
    name, path, auth_client, clock, logto_writes
):
    session = auth_client.session
    verified_at = clock[0] - app_settings.STEP_UP_SECONDS - 1
    session[stepup.SESSION_KEY] = {"method": "password", "at": verified_at, "sub": SUB}
    session.save()

    _post_every_way(auth_client, path)

    assert logto_writes == [], f"{name} changed Logto after the step-up window"


OTHER_PLACES = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "http:evil.example",
    " https://evil.example",
    "https:/\\evil.example",
]


@pytest.mark.parametrize("target", OTHER_PLACES)
def test_verifying_never_sends_the_user_to_another_site(target, auth_client, logto_writes):
    page = auth_client.get(f"{reverse('account_center:step_up')}?next={quote(target)}")
    assert "evil.example" not in page.content.decode().replace(quote(target), "")

    answer = auth_client.post(
        reverse("account_center:step_up"),
        {"action": "password", "password": "right-password", "next": target},
    )
    assert answer.status_code == 302
    location = answer.headers["Location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\"))
    assert "evil.example" not in location


@pytest.mark.parametrize("name", ["username", "email", "password", "tokens"])
def test_the_matrix_posts_reach_logto_once_verified(name, auth_client, monkeypatch, logto_writes):
    """The POSTs above are complete enough to change Logto once step-up holds: the refusals the
    matrix sees come from step-up, not from forms it filled wrong."""
    monkeypatch.setattr(stepup, "is_verified", lambda request: True)
    monkeypatch.setattr(stepup, "remaining_seconds", lambda request: 300)

    _post_every_way(auth_client, reverse(f"account_center:{name}"))

    assert logto_writes, f"{name}: no POST of the matrix reached Logto even when verified"
