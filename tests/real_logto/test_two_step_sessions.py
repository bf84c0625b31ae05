"""The two-step verification loop on a real Logto: enrol an authenticator app in the account
center, turn MFA on in Logto's sign-in experience, sign in again at Logto's own page with the app's
code, and find this session marked as the current one."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator

import pyotp
import pytest
from playwright.sync_api import Page

from account_center.logto.client import LogtoClient
from tests.helpers import confirm_with_password, sign_in

from .conftest import E2EUser
from .helpers import (
    E2E_ENDPOINT,
    IDENTIFIER,
    OVERVIEW,
    STEP_UP_DIALOG,
    sign_in_at_logto,
)

APP_ID = os.environ.get("LOGTO_E2E_APP_ID", "")

pytestmark = pytest.mark.real_logto


@pytest.fixture
def turn_on_totp_at_sign_in(logto_admin: LogtoClient) -> Iterator[Callable[[], None]]:
    """Call it to make Logto ask for a TOTP code at sign-in; the lab's own settings come back
    afterwards. (Turned on after enrolment: before it, Logto would ask to set one up.)"""
    # Logto sets adaptiveMfa to {"enabled": false} on any change of mfa: it comes back too.
    settings = logto_admin._request("GET", "/api/sign-in-exp")
    before, adaptive = settings["mfa"], settings.get("adaptiveMfa", {})

    def turn_on() -> None:
        logto_admin._request(
            "PATCH",
            "/api/sign-in-exp",
            json={"mfa": {**before, "factors": ["Totp"], "policy": "PromptAtSignInAndSignUp"}},
        )

    yield turn_on
    logto_admin._request("PATCH", "/api/sign-in-exp", json={"mfa": before, "adaptiveMfa": adaptive})


@pytest.fixture
def sid_in_id_tokens(logto_admin: LogtoClient, demo: str) -> Iterator[None]:
    """Logto (oidc-provider) puts ``sid`` in the ID token only for an app with back-channel
    logout and "session required": the setting docs/logto-console.md asks for. Restored afterwards."""
    path = f"/api/applications/{APP_ID}"
    metadata = logto_admin._request("GET", path)["oidcClientMetadata"]
    logto_admin._request(
        "PATCH",
        path,
        json={
            "oidcClientMetadata": {
                **metadata,
                "backchannelLogoutUri": f"{demo}/account/oidc/backchannel-logout/",
                "backchannelLogoutSessionRequired": True,
            }
        },
    )
    yield
    logto_admin._request("PATCH", path, json={"oidcClientMetadata": metadata})


def test_enrol_app_then_sign_in_with_its_code_and_see_this_session(
    page: Page,
    demo: str,
    e2e_user: E2EUser,
    logto_admin: LogtoClient,
    turn_on_totp_at_sign_in: Callable[[], None],
    sid_in_id_tokens: None,
) -> None:
    sign_in(page, demo, e2e_user, fill=sign_in_at_logto)
    page.goto(f"{demo}/account/two-step/")
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Set up an authenticator app").click()
    confirm_with_password(page.locator(STEP_UP_DIALOG), e2e_user.password)
    page.locator(".ac-secret").wait_for()
    secret = page.locator(".ac-secret").inner_text().replace(" ", "")
    page.get_by_label("Code from your app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Confirm and turn on").click()
    page.get_by_text("Your authenticator app is set up.").wait_for()
    factors = logto_admin.list_mfa_verifications(e2e_user.id)
    assert [f.type for f in factors] == ["Totp"]
    # The user's own switch, as Logto's account center offers it: on by default with a factor.
    assert "enabled" not in logto_admin.get_logto_configs(e2e_user.id)["mfa"]
    page.get_by_role("button", name="Turn off the second step").click()
    page.get_by_role("button", name="Turn on the second step").wait_for()
    assert logto_admin.get_logto_configs(e2e_user.id)["mfa"]["enabled"] is False
    page.get_by_role("button", name="Turn on the second step").click()
    page.get_by_role("button", name="Turn off the second step").wait_for()
    assert logto_admin.get_logto_configs(e2e_user.id)["mfa"]["enabled"] is True

    # Sign out, and in again at Logto's own page: it asks for the app's code.
    turn_on_totp_at_sign_in()
    page.locator(".ac-topbar").get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("networkidle")
    page.goto(f"{demo}/account/login/")
    page.locator(IDENTIFIER).wait_for()
    sign_in_at_logto(page, e2e_user.username, e2e_user.password)
    page.wait_for_url(re.compile(re.escape(E2E_ENDPOINT) + r"/mfa-verification.*"))
    first_box = page.locator("input[inputmode='numeric']").first
    first_box.wait_for()
    first_box.click()
    page.keyboard.type(pyotp.TOTP(secret).now())
    page.wait_for_url(OVERVIEW)

    page.goto(f"{demo}/account/sessions/")
    current = page.locator("#ac-sessions .ac-list > li", has=page.locator(".ac-badge"))
    assert current.count() == 1
    assert "This session" in current.inner_text()
    assert "Chrome" in current.inner_text()
