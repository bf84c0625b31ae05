"""The account center on the Account API gateway (``"auto"``) against a real Logto whose account
center is enabled: the user's own changes reach Logto through ``/api/my-account`` with their own
token and Logto's verification records, never through the Management API.

The evidence is Logto's: its own access log (:class:`~.helpers.LogtoRequests`) lists what it
answered during the journey, and the Management API reads the result back. And Logto itself
refuses a change without a valid verification record, whatever the app believes.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Page, expect

from account_center.auth.oidc_settings import sign_in_scopes
from account_center.logto.client import LogtoClient
from account_center.logto.errors import LogtoVerificationRequired
from tests.helpers import confirm_with_password, sign_in

from .conftest import EDIT_ALL, DemoSetup, E2EUser, tenant_account_center
from .helpers import (
    Answered,
    E2E_ENDPOINT,
    LogtoRequests,
    OwnToken,
    STEP_UP_DIALOG,
    my_account_calls,
    own_access_token,
    sign_in_at_logto,
    statuses,
    writes_to_user,
)

pytestmark = pytest.mark.real_logto

# Logto's answer to a change that needs proof of identity and has none that is valid
# (packages/core/src/routes/account/index.ts: ``verification_record.permission_denied``, 401).
PERMISSION_DENIED = (401, "verification_record.permission_denied")


@pytest.fixture(scope="module")
def account_center_on(logto_admin: LogtoClient) -> Iterator[None]:
    """The tenant's account center enabled with every field the app uses Edit, for the module
    (before the demo starts: it keeps Logto's settings a minute); as it was afterwards."""
    with tenant_account_center(logto_admin, enabled=True, fields=EDIT_ALL):
        yield


@pytest.fixture(scope="module")
def demo_setup(account_center_on: None) -> DemoSetup:
    return DemoSetup(env={"ACCOUNT_CENTER_LOGTO_GATEWAY": "auto"})



def test_own_changes_go_through_the_account_api(
    page: Page,
    demo: str,
    e2e_user: E2EUser,
    logto_admin: LogtoClient,
    logto_requests: LogtoRequests,
) -> None:
    new_username = f"e2e_acc_{secrets.token_hex(4)}"
    new_password = f"New-{secrets.token_urlsafe(12)}"
    sign_in(page, demo, e2e_user, fill=sign_in_at_logto)

    page.goto(f"{demo}/account/profile/")
    page.get_by_role("link", name="Edit profile").click()
    page.get_by_label("Name", exact=True).fill("Renamed Via Account API")
    page.get_by_role("button", name="Save").click()
    page.locator("#ac-profile").get_by_text("Saved.").wait_for()

    page.goto(f"{demo}/account/security/")
    page.locator("#ac-username").get_by_role("link", name="Change username").click()
    page.locator("#ac-username").get_by_label("Username").fill(new_username)
    page.get_by_role("button", name="Save username").click()
    # Logto's verification record is made from the password typed here.
    confirm_with_password(page.locator(STEP_UP_DIALOG), e2e_user.password)
    page.locator("#ac-username").get_by_text("Saved.").wait_for()

    # The same record serves the password change (Logto's records are not single-use).
    page.locator("#ac-password").get_by_role("link", name="Change password").click()
    page.get_by_label("New password", exact=True).fill(new_password)
    page.get_by_label("Repeat the new password").fill(new_password)
    page.get_by_role("button", name="Save password").click()
    page.locator("#ac-password").get_by_text("Saved.").wait_for()
    expect(page.locator(STEP_UP_DIALOG)).to_be_hidden()

    # Sessions and connected apps: Logto lists them only with the record, which is still fresh.
    page.goto(f"{demo}/account/sessions/")
    sessions = page.locator("#ac-sessions .ac-list > li")
    expect(sessions.first).to_be_visible()
    assert "Chrome" in sessions.first.inner_text()
    page.goto(f"{demo}/account/apps/")
    expect(page.locator("#ac-apps")).to_be_visible()
    expect(page.get_by_text("Server Error")).to_have_count(0)

    # Logto has the changes...
    user = logto_admin.get_user(e2e_user.id)
    assert (user.name, user.username) == ("Renamed Via Account API", new_username)
    assert logto_admin.verify_password(e2e_user.id, new_password)
    # ...and its own log says how they came: the Account API, with the user's token.
    # (The test's own password check is the last request: all the journey's are logged then.)
    seen = logto_requests.wait_for("POST", f"/api/users/{e2e_user.id}/password/verify")
    assert statuses(seen, "POST", "/api/verifications/password") == [201]
    assert statuses(seen, "PATCH", "/api/my-account") == [200, 200]  # the name, the username
    assert statuses(seen, "POST", "/api/my-account/password") == [204]
    # Listed only with the record, and never asked for without one (the overview, before it).
    assert set(statuses(seen, "GET", "/api/my-account/sessions")) == {200}
    assert set(statuses(seen, "GET", "/api/my-account/grants")) == {200}
    # None of the user's own changes went through the Management API: the one change there is
    # the test's own check of the new password, above.
    assert writes_to_user(seen, e2e_user.id) == [
        Answered("POST", f"/api/users/{e2e_user.id}/password/verify", 204)
    ]


def test_logto_refuses_a_change_without_a_valid_verification_record(
    page: Page,
    e2e_user: E2EUser,
    logto_admin: LogtoClient,
    settings,
    expire_verification_records: Callable[[str], int],
) -> None:
    """Logto is the judge: the user's own token through the app's service layer, with no
    ``logto-verification-id``, an unknown one, and one Logto has let expire."""
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "auto"  # the scopes the app asks on this gateway
    token = own_access_token(
        page, E2E_ENDPOINT, e2e_user.username, e2e_user.password, scopes=sign_in_scopes()
    )
    me = OwnToken(e2e_user.id, token)
    new_username = f"e2e_rec_{secrets.token_hex(4)}"
    attempts: dict[str, Callable[[str | None], object]] = {
        "username": lambda record: logto_admin.update_own_account(
            me, username=new_username, verification_id=record
        ),
        "password": lambda record: logto_admin.set_own_password(
            me, f"Other-{secrets.token_urlsafe(12)}", verification_id=record
        ),
    }
    unknown = secrets.token_hex(10)
    for what, attempt in attempts.items():
        for record in (None, unknown):
            with pytest.raises(LogtoVerificationRequired) as refused:
                attempt(record)
            assert (refused.value.status, refused.value.code) == PERMISSION_DENIED, (what, record)

    # A record Logto made for the password, then let expire: refused the same way.
    record = logto_admin.verify_own_password(me, e2e_user.password)
    assert expire_verification_records(e2e_user.id) >= 1
    for what, attempt in attempts.items():
        with pytest.raises(LogtoVerificationRequired) as refused:
            attempt(record.id)
        assert (refused.value.status, refused.value.code) == PERMISSION_DENIED, what

    # Nothing changed at Logto.
    assert logto_admin.get_user(e2e_user.id).username == e2e_user.username
    assert logto_admin.verify_password(e2e_user.id, e2e_user.password)

    # A fresh record opens the same change: the refusals above were for the record alone.
    fresh = logto_admin.verify_own_password(me, e2e_user.password)
    attempts["username"](fresh.id)
    assert logto_admin.get_user(e2e_user.id).username == new_username


def test_a_record_logto_ended_early_asks_the_user_again_in_words(
    page: Page,
    demo: str,
    e2e_user: E2EUser,
    logto_admin: LogtoClient,
    expire_verification_records: Callable[[str], int],
    logto_requests: LogtoRequests,
) -> None:
    """The app's step-up window outliving Logto's record (here Logto ends it early): the change
    is refused by Logto, and the user is asked to confirm again, in words, not shown an error."""
    first = f"e2e_one_{secrets.token_hex(4)}"
    second = f"e2e_two_{secrets.token_hex(4)}"
    sign_in(page, demo, e2e_user, fill=sign_in_at_logto)
    page.goto(f"{demo}/account/security/")
    username = page.locator("#ac-username")
    username.get_by_role("link", name="Change username").click()
    username.get_by_label("Username").fill(first)
    page.get_by_role("button", name="Save username").click()
    confirm_with_password(page.locator(STEP_UP_DIALOG), e2e_user.password)
    username.get_by_text("Saved.").wait_for()

    # The app still counts the user as verified; Logto no longer has the record.
    assert expire_verification_records(e2e_user.id) >= 1
    username.get_by_role("link", name="Change username").click()
    username.get_by_label("Username").fill(second)
    page.get_by_role("button", name="Save username").click()
    dialog = page.locator(STEP_UP_DIALOG)
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Current password")).to_be_visible()
    expect(page.get_by_text("Server Error")).to_have_count(0)
    assert logto_admin.get_user(e2e_user.id).username == first
    confirm_with_password(dialog, e2e_user.password)
    username.get_by_text("Saved.").wait_for()
    assert logto_admin.get_user(e2e_user.id).username == second
    # Logto refused the change sent with the ended record, then took it with a new one.
    seen = logto_requests.wait_for("PATCH", "/api/my-account", count=3)
    assert [a.status for a in my_account_calls(seen) if a.method == "PATCH"] == [200, 401, 200]
