"""What tests share besides fixtures (those are in ``tests/fixtures.py``): the Logto the tests
mock and its user, a signed-in Django test client, and the browser journeys' sign-in and step-up.
"""

from __future__ import annotations

import django

import json
import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import responses
    from django.test import Client

# The Logto every test that mocks HTTP talks to (tests/settings.py points LOGTO_ENDPOINT at it).
ENDPOINT = "https://logto.test"
SUB = "u1"
USERS_URL = f"{ENDPOINT}/api/users"
USER_URL = f"{USERS_URL}/{SUB}"


def logto_user(**overrides: Any) -> dict[str, Any]:
    data = {
        "id": SUB,
        "username": "alice",
        "primaryEmail": "alice@example.com",
        "primaryPhone": None,
        "name": "Alice",
        "avatar": None,
        "customData": {"plan": "pro"},
        "profile": {},
        "identities": {},
        "hasPassword": True,
        "isSuspended": False,
    }
    data.update(overrides)
    return data


def signed_in(client: Client, user: Any) -> Client:
    """``client`` signed in as ``user`` as after a real sign-in through Logto: its ID token is
    fresh (with an expired one, every change is refused until the user signs in again)."""
    client.force_login(user)
    session = client.session
    session["oidc_id_token_expiration"] = time.time() + 3600
    session.save()
    return client


def calls(mock: responses.RequestsMock, method: str, url: str) -> list[Any]:
    return [
        c for c in mock.calls if c.request.method == method and c.request.url.split("?")[0] == url
    ]


def body(call: Any) -> Any:
    return json.loads(call.request.body)


# --- browser journeys (Playwright pages), against the emulator or a real Logto ---------------


class Person(Protocol):
    username: str
    password: str


def fill_logto_sign_in_form(page: Any, username: str, password: str) -> None:
    """Fill and submit the sign-in form on Logto's side (the emulator's)."""
    page.get_by_label("Username, email or phone").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_in(
    page: Any,
    demo: str,
    user: Person,
    *,
    fill: Callable[[Any, str, str], None] = fill_logto_sign_in_form,
    check: Callable[[Any], None] | None = None,
) -> None:
    """Sign ``user`` in from the account center's login URL and wait for the overview.

    ``fill`` fills Logto's sign-in page (the emulator's form unless told otherwise);
    ``check(page)`` runs on it before it is filled (e.g. an accessibility scan).
    """
    page.goto(f"{demo}/account/login/")
    if check is not None:
        check(page)
    fill(page, user.username, user.password)
    page.wait_for_url(re.compile(rf"^{re.escape(demo)}/account/$"))


def confirm_with_password(scope: Any, password: str) -> None:
    """Step up with the current password, in the dialog or on the no-JavaScript page (``scope``)."""
    scope.get_by_label("Current password").fill(password)
    scope.get_by_role("button", name="Confirm with password").click()


# Who gets Django's error mails in the tests that read them: Django 6 takes addresses and deprecates
# the (name, address) pairs Django 5.2 still needs.
ADMINS: list = (
    ["admin@example.com"] if django.VERSION >= (6, 0) else [("Site admin", "admin@example.com")]
)


def virtual_authenticator(page: Any) -> None:
    """Chromium's virtual authenticator in the page's browser context (DevTools' WebAuthn
    domain): a platform passkey that verifies its user, for the passkey journeys."""
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
