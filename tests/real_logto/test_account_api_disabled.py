"""The Account API gateway (``"auto"``) on a tenant whose account center is disabled (a fresh
Logto's state): the same pages work, through the Management API, and Logto's own log shows it."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page

from account_center.logto.client import LogtoClient
from tests.helpers import confirm_with_password, sign_in

from .conftest import DemoSetup, E2EUser, tenant_account_center
from .helpers import STEP_UP_DIALOG, LogtoRequests, my_account_calls, sign_in_at_logto

pytestmark = pytest.mark.real_logto


@pytest.fixture(scope="module")
def account_center_off(logto_admin: LogtoClient) -> Iterator[None]:
    """Disabled for the module (it is on a fresh Logto; said again in case), as it was after."""
    with tenant_account_center(logto_admin, enabled=False):
        yield


@pytest.fixture(scope="module")
def demo_setup(account_center_off: None) -> DemoSetup:
    return DemoSetup(env={"ACCOUNT_CENTER_LOGTO_GATEWAY": "auto"})


def test_pages_fall_back_to_the_management_api(
    page: Page,
    demo: str,
    e2e_user: E2EUser,
    logto_admin: LogtoClient,
    logto_requests: LogtoRequests,
) -> None:
    new_username = f"e2e_off_{secrets.token_hex(4)}"
    sign_in(page, demo, e2e_user, fill=sign_in_at_logto)

    page.goto(f"{demo}/account/profile/")
    page.get_by_role("link", name="Edit profile").click()
    page.get_by_label("Name", exact=True).fill("Renamed Via Management API")
    page.get_by_role("button", name="Save").click()
    page.locator("#ac-profile").get_by_text("Saved.").wait_for()

    page.goto(f"{demo}/account/security/")
    page.locator("#ac-username").get_by_role("link", name="Change username").click()
    page.locator("#ac-username").get_by_label("Username").fill(new_username)
    page.get_by_role("button", name="Save username").click()
    confirm_with_password(page.locator(STEP_UP_DIALOG), e2e_user.password)
    page.locator("#ac-username").get_by_text("Saved.").wait_for()

    user = logto_admin.get_user(e2e_user.id)
    assert (user.name, user.username) == ("Renamed Via Management API", new_username)
    user_path = f"/api/users/{e2e_user.id}"
    seen = logto_requests.wait_for("PATCH", user_path, count=2)
    changes = [(a.method, a.path, a.status) for a in seen if a.method != "GET"]
    # The name, the step-up's password check, the username: all with the M2M token.
    assert ("POST", f"{user_path}/password/verify", 204) in changes
    assert [c for c in changes if c[:2] == ("PATCH", user_path)] == [
        ("PATCH", user_path, 200),
        ("PATCH", user_path, 200),
    ]
    # Nothing was tried through the Account API (it would answer 400 account_center.not_enabled).
    assert my_account_calls(seen) == []
