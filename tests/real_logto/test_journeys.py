"""What a person does in the account center, signed in through a real Logto's sign-in page.

Every change made in the browser is checked on Logto's side through the Management API.
"""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import Page, expect

from account_center.logto.client import LogtoClient
from tests.helpers import confirm_with_password, sign_in

from .conftest import E2EUser
from .helpers import E2E_ENDPOINT, IDENTIFIER, STEP_UP_DIALOG, sign_in_at_logto

SECURITY = re.compile(r"^http://127\.0\.0\.1:8000/account/security/")

pytestmark = pytest.mark.real_logto


def test_sign_in_at_logto_lands_on_the_overview(page: Page, demo: str, e2e_user: E2EUser) -> None:
    page.goto(f"{demo}/account/")
    # Not signed in: the account center sends the browser to Logto's own sign-in page.
    page.locator(IDENTIFIER).wait_for()
    assert page.url.startswith(f"{E2E_ENDPOINT}/sign-in")
    sign_in_at_logto(page, e2e_user.username, e2e_user.password)
    page.wait_for_url(f"{demo}/account/")
    # The overview is headed by the account's name.
    expect(page.get_by_role("heading", level=1, name="E2E Person")).to_be_visible()
    expect(page.locator("dd", has_text=e2e_user.username)).to_be_visible()


def test_change_name_in_place_reaches_logto(
    page: Page, demo: str, e2e_user: E2EUser, logto_admin: LogtoClient
) -> None:
    sign_in(page, demo, e2e_user, fill=sign_in_at_logto)
    page.goto(f"{demo}/account/profile/")
    page.get_by_role("link", name="Edit profile").click()
    page.get_by_label("Name", exact=True).fill("Renamed In Browser")
    page.get_by_role("button", name="Save").click()
    page.locator("#ac-profile").get_by_text("Saved.").wait_for()
    expect(page.locator("#ac-profile").get_by_text("Renamed In Browser")).to_be_visible()
    assert page.url == f"{demo}/account/profile/"  # swapped in place, no navigation
    assert logto_admin.get_user(e2e_user.id).name == "Renamed In Browser"


def test_change_password_with_step_up_by_current_password(
    page: Page, demo: str, e2e_user: E2EUser, logto_admin: LogtoClient
) -> None:
    new_password = f"New-{secrets.token_urlsafe(12)}"
    sign_in(page, demo, e2e_user, fill=sign_in_at_logto)
    page.goto(f"{demo}/account/security/")
    page.locator("#ac-password").get_by_role("link", name="Change password").click()
    page.get_by_label("New password", exact=True).fill(new_password)
    page.get_by_label("Repeat the new password").fill(new_password)
    page.get_by_role("button", name="Save password").click()
    # Refused for lack of a recent verification: the dialog asks for the current password.
    confirm_with_password(page.locator(STEP_UP_DIALOG), e2e_user.password)
    page.locator("#ac-password").get_by_text("Saved.").wait_for()
    expect(page.locator("dialog#ac-step-up")).to_be_hidden()
    assert logto_admin.verify_password(e2e_user.id, new_password)
    assert not logto_admin.verify_password(e2e_user.id, e2e_user.password)


def test_change_username_with_step_up(
    page: Page, demo: str, e2e_user: E2EUser, logto_admin: LogtoClient
) -> None:
    new_username = f"e2e_new_{secrets.token_hex(4)}"
    sign_in(page, demo, e2e_user, fill=sign_in_at_logto)
    page.goto(f"{demo}/account/security/")
    page.locator("#ac-username").get_by_role("link", name="Change username").click()
    page.locator("#ac-username").get_by_label("Username").fill(new_username)
    page.get_by_role("button", name="Save username").click()
    confirm_with_password(page.locator(STEP_UP_DIALOG), e2e_user.password)
    page.locator("#ac-username").get_by_text("Saved.").wait_for()
    expect(page.locator("#ac-username").get_by_text(new_username)).to_be_visible()
    assert logto_admin.get_user(e2e_user.id).username == new_username


def test_step_up_by_signing_in_again_at_logto_returns_to_the_page(
    page: Page, demo: str, e2e_user: E2EUser, logto_admin: LogtoClient
) -> None:
    new_username = f"e2e_re_{secrets.token_hex(4)}"
    sign_in(page, demo, e2e_user, fill=sign_in_at_logto)
    page.goto(f"{demo}/account/security/")
    page.locator("#ac-username").get_by_role("link", name="Change username").click()
    page.locator("#ac-username").get_by_label("Username").fill(new_username)
    page.get_by_role("button", name="Save username").click()
    dialog = page.locator("dialog#ac-step-up")
    dialog.get_by_role("link", name="Sign in again instead").click()
    # prompt=login: Logto asks again although its own session is alive.
    page.locator(IDENTIFIER).wait_for()
    assert page.url.startswith(f"{E2E_ENDPOINT}/sign-in")
    sign_in_at_logto(page, e2e_user.username, e2e_user.password)
    page.wait_for_url(SECURITY)
    # Back on the page with the form open and the typed username kept; verified, the same
    # change now goes through without another dialog.
    expect(page.locator("#ac-username").get_by_label("Username")).to_have_value(new_username)
    page.get_by_role("button", name="Save username").click()
    page.locator("#ac-username").get_by_text("Saved.").wait_for()
    expect(dialog).to_be_hidden()
    assert logto_admin.get_user(e2e_user.id).username == new_username


def test_sign_out_ends_at_home_and_the_account_needs_sign_in_again(
    page: Page, demo: str, e2e_user: E2EUser
) -> None:
    sign_in(page, demo, e2e_user, fill=sign_in_at_logto)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{demo}/")
    expect(page.get_by_role("link", name="Sign in with Logto")).to_be_visible()
    # Logto's session ended too: no silent sign-in, its sign-in page asks again.
    page.goto(f"{demo}/account/")
    page.locator(IDENTIFIER).wait_for()
    assert page.url.startswith(f"{E2E_ENDPOINT}/sign-in")


def test_email_change_without_a_connector_says_so_in_words(
    page: Page, demo: str, e2e_user: E2EUser, logto_admin: LogtoClient
) -> None:
    # Logto answers POST /api/verification-codes with 501 {"code": "connector.not_found"}
    # when no email connector is set up.
    address = f"e2e-{secrets.token_hex(4)}@example.com"
    sign_in(page, demo, e2e_user, fill=sign_in_at_logto)
    page.goto(f"{demo}/account/security/")
    page.locator("#ac-email").get_by_role("link", name=re.compile("email", re.IGNORECASE)).click()
    page.get_by_label("New email address").fill(address)
    page.get_by_role("button", name="Send a code").click()
    confirm_with_password(page.locator(STEP_UP_DIALOG), e2e_user.password)
    section = page.locator("#ac-email")
    expect(section.get_by_text("Sending codes is not set up on this site.")).to_be_visible()
    expect(page.get_by_text("Server Error")).to_have_count(0)
    assert logto_admin.get_user(e2e_user.id).primary_email is None
