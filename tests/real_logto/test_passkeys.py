"""A passkey added in the account center on a real Logto, then used to sign in at Logto's own
sign-in page, renamed and removed; made by Chromium's virtual authenticator (DevTools
``WebAuthn``) in the browser context of the journey.

A passkey's relying party is the host name the site reaches Logto at, and an IP address cannot be
one: the demo is served at ``http://localhost:8000`` and reaches Logto as
``http://localhost:3001``, so the browser meets Logto's sign-in page there too, and the passkey
made in the account center is one Logto's page can ask for. Logto still names itself by its own
issuer (``http://127.0.0.1:3001/oidc``): the demo is told it (``LOGTO_ISSUER``, the site's
explicit ``OIDC_OP_ISSUER``), else it would refuse the ID tokens of a Logto that the discovery
document at ``localhost`` describes under another name.

The tenant gets, for the module and restored after: the account center enabled (every field Edit)
with ``http://localhost:8000`` among its ``webauthnRelatedOrigins``; the web app's redirect URIs
with the localhost ones; and, once the user has signed in, passkey sign-in on in the sign-in
experience (before that, Logto would ask this user to set a passkey up at sign-in).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Page, expect

from account_center.logto.client import LogtoClient
from tests.helpers import confirm_with_password, sign_in, virtual_authenticator

from .conftest import EDIT_ALL, DemoSetup, E2EUser, tenant_account_center
from .helpers import (
    E2E_ENDPOINT,
    IDENTIFIER,
    STEP_UP_DIALOG,
    Answered,
    LogtoRequests,
    sign_in_at_logto,
)

pytestmark = pytest.mark.real_logto

SITE = "http://localhost:8000"
# The lab's Logto under the host name a relying party can have.
LOGTO = re.sub(r"^(https?://)127\.0\.0\.1(?=[:/]|$)", r"\1localhost", E2E_ENDPOINT)
APP_ID = os.environ.get("LOGTO_E2E_APP_ID", "")
# Logto's experience app, "Continue with passkey" (packages/experience, PasskeySignInButton).
PASSKEY_VERIFIED = Answered(
    "POST", "/api/experience/verification/sign-in-passkey/authentication/verify", 200
)


@pytest.fixture(scope="module")
def localhost_site(logto_admin: LogtoClient) -> Iterator[None]:
    """The tenant ready for a site at ``localhost:8000``; everything as it was afterwards."""
    if LOGTO == E2E_ENDPOINT:
        pytest.skip(f"{E2E_ENDPOINT} is not reached at 127.0.0.1: no localhost twin to use")
    path = f"/api/applications/{APP_ID}"
    metadata = logto_admin._request("GET", path)["oidcClientMetadata"]
    logto_admin._request(
        "PATCH",
        path,
        json={
            "oidcClientMetadata": {
                **metadata,
                "redirectUris": [*metadata["redirectUris"], f"{SITE}/account/oidc/callback/"],
                "postLogoutRedirectUris": [*metadata["postLogoutRedirectUris"], f"{SITE}/"],
            }
        },
    )
    try:
        with tenant_account_center(
            logto_admin, enabled=True, fields=EDIT_ALL, webauthnRelatedOrigins=[SITE]
        ):
            yield
    finally:
        logto_admin._request("PATCH", path, json={"oidcClientMetadata": metadata})


@pytest.fixture(scope="module")
def demo_setup(localhost_site: None, logto_admin: LogtoClient) -> DemoSetup:
    issuer = logto_admin.discovery()["issuer"]
    return DemoSetup(
        origin=SITE,
        endpoint=LOGTO,
        env={"ACCOUNT_CENTER_LOGTO_GATEWAY": "auto", "LOGTO_ISSUER": issuer},
    )


@pytest.fixture
def turn_on_passkey_sign_in(logto_admin: LogtoClient) -> Iterator[Callable[[], None]]:
    """Call it to turn passkey sign-in on (with its button on Logto's sign-in page); the sign-in
    experience's own value comes back afterwards."""
    before = logto_admin._request("GET", "/api/sign-in-exp")["passkeySignIn"]

    def turn_on() -> None:
        logto_admin._request(
            "PATCH",
            "/api/sign-in-exp",
            json={"passkeySignIn": {**before, "enabled": True, "showPasskeyButton": True}},
        )

    yield turn_on
    logto_admin._request("PATCH", "/api/sign-in-exp", json={"passkeySignIn": before})




def _passkeys(logto_admin: LogtoClient, user_id: str) -> list[dict]:
    return [
        factor
        for factor in logto_admin._request("GET", f"/api/users/{user_id}/mfa-verifications")
        if factor["type"] == "WebAuthn"
    ]


def test_add_a_passkey_then_sign_in_with_it_at_logto(
    page: Page,
    demo: str,
    e2e_user: E2EUser,
    logto_admin: LogtoClient,
    turn_on_passkey_sign_in: Callable[[], None],
    logto_requests: LogtoRequests,
) -> None:
    assert demo == SITE
    sign_in(page, demo, e2e_user, fill=sign_in_at_logto)
    turn_on_passkey_sign_in()
    virtual_authenticator(page)
    user_agent = page.evaluate("navigator.userAgent")

    page.goto(f"{demo}/account/two-step/")
    section = page.locator("#ac-two-step-passkeys")
    section.get_by_role("button", name="Add a passkey").click()
    confirm_with_password(page.locator(STEP_UP_DIALOG), e2e_user.password)
    section.get_by_text("Your passkey is added").wait_for()
    [passkey] = _passkeys(logto_admin, e2e_user.id)
    # Logto names the device after the browser's User-Agent, relayed by the site.
    assert passkey["agent"] == user_agent

    section.get_by_role("button", name=re.compile("^Rename")).click()
    section.get_by_label("Name", exact=True).fill("Virtual key")
    section.get_by_role("button", name="Save name").click()
    section.get_by_text("Renamed.").wait_for()
    assert _passkeys(logto_admin, e2e_user.id)[0]["name"] == "Virtual key"

    # Signed out of the site and of Logto, then in again at Logto's page with the passkey alone.
    page.locator(".ac-topbar").get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{demo}/")
    page.goto(f"{demo}/account/login/")
    page.locator(IDENTIFIER).wait_for()
    assert page.url.startswith(f"{LOGTO}/sign-in")
    second_sign_in = LogtoRequests(logto_requests.path)
    page.get_by_role("button", name="Continue with passkey").click()
    page.wait_for_url(f"{demo}/account/")
    expect(page.get_by_role("heading", level=1, name="E2E Person")).to_be_visible()
    assert _passkeys(logto_admin, e2e_user.id)[0].get("lastUsedAt")
    # Logto's log: the sign-in was its passkey sign-in, no password was checked.
    seen = second_sign_in.wait_for("POST", "/api/experience/submit")
    assert PASSKEY_VERIFIED in seen
    assert not [a for a in seen if a.path == "/api/experience/verification/password"]

    # Removed from the account center (Logto wants proof of identity again: a new session).
    page.goto(f"{demo}/account/two-step/")
    section.get_by_role("button", name="Remove Virtual key").click()
    section.get_by_role("button", name="Yes, remove it").click()
    confirm_with_password(page.locator(STEP_UP_DIALOG), e2e_user.password)
    section.get_by_text("Removed.").wait_for()
    assert _passkeys(logto_admin, e2e_user.id) == []
