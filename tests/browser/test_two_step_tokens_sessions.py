"""Journeys through two-step verification, developer tokens and sessions, in headless Chromium
against the demo and the emulator, with and without JavaScript."""

from __future__ import annotations

import re

import pyotp
import pytest
from axe_playwright_python.sync_playwright import Axe

from .helpers import confirm_with_password, fill_logto_sign_in_form, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE_LABEL = "6-digit code from your authenticator app, or a backup code"


def assert_no_violations(page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def factors(emulator, username: str) -> list[str]:
    user = emulator.state.find_user_by_identifier(username)
    return sorted(f["type"] for f in user["_mfa"])


def step_up_in_dialog(page, password: str) -> None:
    dialog = page.locator("dialog#ac-step-up")
    confirm_with_password(dialog, password)


def sign_out(page) -> None:
    page.locator(".ac-topbar").get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("networkidle")


def sign_in_with_second_step(page, demo, user, code: str) -> None:
    page.goto(f"{demo}/account/login/")
    fill_logto_sign_in_form(page, user.username, user.password)
    page.get_by_label(CODE_LABEL).fill(code)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r".*/account/$"))


def enrol_app(page, demo, user) -> str:
    """Set up an authenticator app from the two-step page; answers the secret shown."""
    page.goto(f"{demo}/account/two-step/")
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Set up an authenticator app").click()
    step_up_in_dialog(page, user.password)
    key = page.locator(".ac-secret")
    key.wait_for()
    return key.inner_text().replace(" ", "")


def test_authenticator_app_backup_codes_and_removal(
    page, demo, demo_user, logto_emulator, gateway
):
    sign_in(page, demo, demo_user)
    secret = enrol_app(page, demo, demo_user)
    assert page.locator("svg.ac-qr").is_visible()
    assert_no_violations(page)  # the QR step
    # A wrong code is refused in words; nothing is saved.
    page.get_by_label("Code from your app").fill(
        "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"
    )
    page.get_by_role("button", name="Confirm and turn on").click()
    page.get_by_text("This code is not correct").wait_for()
    assert factors(logto_emulator, demo_user.username) == []
    page.get_by_label("Code from your app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Confirm and turn on").click()
    page.get_by_text("Your authenticator app is set up.").wait_for()
    assert factors(logto_emulator, demo_user.username) == ["Totp"]

    # Sign out, and in again with the app's code at the emulator's form.
    sign_out(page)
    sign_in_with_second_step(page, demo, demo_user, pyotp.TOTP(secret).now())

    # Backup codes: shown once, downloadable as a plain file.
    page.goto(f"{demo}/account/two-step/")
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Make backup codes").click()
    step_up_in_dialog(page, demo_user.password)
    page.get_by_text("shown only this once").wait_for()
    codes = page.locator(".ac-codes code").all_inner_texts()
    assert len(codes) == 10
    assert_no_violations(page)  # the shown-once state
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as .txt").click()
    download = download_info.value
    assert download.suggested_filename == "backup-codes.txt"
    assert open(download.path()).read().split() == codes
    page.reload()
    assert codes[0] not in page.content()
    assert "10 codes left." in page.content()

    sign_out(page)
    sign_in_with_second_step(page, demo, demo_user, codes[0])
    page.goto(f"{demo}/account/two-step/")
    assert "9 codes left." in page.content()

    # The user's switch: off means Logto no longer asks for the second step at sign-in.
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Turn off the second step").click()
    step_up_in_dialog(page, demo_user.password)
    page.locator("#ac-two-step-settings").get_by_text("Saved.").wait_for()
    user = logto_emulator.state.find_user_by_identifier(demo_user.username)
    assert user["logtoConfig"]["mfa"]["enabled"] is False
    sign_out(page)
    sign_in(page, demo, demo_user)  # no code asked
    page.goto(f"{demo}/account/two-step/")

    # Remove the app (step-up is asked again: the sign-in above started a new session).
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Remove authenticator app").click()
    page.get_by_role("button", name="Yes, remove it").click()
    step_up_in_dialog(page, demo_user.password)
    # The backup codes go with the last other factor: alone they are no second step.
    app = page.locator("#ac-two-step-app")
    app.get_by_text("Removed, and your backup codes with it.").wait_for()
    assert factors(logto_emulator, demo_user.username) == []
    assert "No backup codes." in page.locator("#ac-two-step-backup").inner_text()
    gateway.went_through(
        ("POST", "/api/my-account/mfa-verifications"),  # the app, then the backup codes
        ("POST", "/api/my-account/mfa-verifications/backup-codes/generate"),
        ("PATCH", "/api/my-account/logto-configs"),
        ("DELETE", "/api/my-account/mfa-verifications/"),
    )


def test_tokens_create_rename_delete(page, demo, demo_user, logto_emulator):
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/tokens/")
    page.wait_for_load_state("networkidle")
    page.get_by_label("Name", exact=True).fill("ci script")
    page.get_by_label("Expires").select_option("30")
    page.get_by_role("button", name="Create token").click()
    step_up_in_dialog(page, demo_user.password)
    value_box = page.locator("#ac-token-value")
    value_box.wait_for()
    value = value_box.input_value()
    assert value.startswith("pat_")
    assert_no_violations(page)  # the shown-once state
    page.reload()
    assert value not in page.content()
    assert "ci script" in page.content()

    page.get_by_text("Rename ci script").click()
    page.get_by_label("New name").fill("deploy")
    page.get_by_role("button", name="Save name").click()
    page.get_by_text("Renamed to “deploy”.").wait_for()
    page.get_by_role("button", name="Delete deploy").click()
    page.get_by_role("button", name="Yes, delete it").click()
    page.get_by_text("Token “deploy” deleted.").wait_for()
    assert "No tokens yet." in page.content()


def test_enrol_and_tokens_without_javascript(browser, demo, demo_user, logto_emulator):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/two-step/")
    page.get_by_role("button", name="Set up an authenticator app").click()
    page.wait_for_url(re.compile(r".*/account/verify/.*"))
    confirm_with_password(page, demo_user.password)
    page.wait_for_url(re.compile(r".*/account/two-step/app/$"))
    page.get_by_role("button", name="Set up an authenticator app").click()
    secret = page.locator(".ac-secret").inner_text().replace(" ", "")
    assert page.locator("svg.ac-qr").is_visible()
    page.get_by_label("Code from your app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Confirm and turn on").click()
    page.wait_for_url(re.compile(r".*/account/two-step/$"))
    assert "Your authenticator app is set up." in page.locator(".ac-messages").inner_text()
    assert factors(logto_emulator, demo_user.username) == ["Totp"]

    page.goto(f"{demo}/account/tokens/")
    page.get_by_label("Name", exact=True).fill("plain")
    page.get_by_role("button", name="Create token").click()
    value = page.locator("#ac-token-value").input_value()
    assert value.startswith("pat_")
    page.goto(f"{demo}/account/tokens/")
    assert value not in page.content()
    page.get_by_text("Rename plain").click()
    page.get_by_label("New name").fill("plain two")
    page.get_by_role("button", name="Save name").click()
    page.wait_for_url(re.compile(r".*/account/tokens/$"))
    assert "Renamed to “plain two”." in page.locator(".ac-messages").inner_text()
    page.get_by_role("button", name="Delete plain two").click()
    page.get_by_role("button", name="Yes, delete it").click()
    page.wait_for_url(re.compile(r".*/account/tokens/$"))
    assert "No tokens yet." in page.content()
    context.close()


def test_revoke_another_browsers_session(browser, page, demo, demo_user, gateway):
    sign_in(page, demo, demo_user)
    other_context = browser.new_context()
    other = other_context.new_page()
    sign_in(other, demo, demo_user)

    page.goto(f"{demo}/account/sessions/")
    if gateway.account_api:
        # Logto lists sessions only with a verification record: the user confirms first.
        confirm_with_password(page, demo_user.password)
        page.wait_for_url(re.compile(r".*/account/sessions/$"))
    page.wait_for_load_state("networkidle")
    assert page.locator(".ac-badge", has_text="This session").count() == 1
    assert_no_violations(page)
    entries = page.locator("#ac-sessions .ac-list > li")
    assert entries.count() == 2
    entries.filter(has_not=page.locator(".ac-badge")).get_by_role("button").click()
    page.get_by_role("button", name="Yes, sign it out").click()
    if not gateway.account_api:
        step_up_in_dialog(page, demo_user.password)
    page.get_by_text("Session signed out.").wait_for()
    assert page.locator("#ac-sessions .ac-list > li").count() == 1

    # The other browser is told why, on this site, before any trip to Logto's sign-in.
    other.goto(f"{demo}/")
    other.get_by_role("alert").get_by_text("signed out from the Sessions page").wait_for()
    assert_no_violations(other)
    other.get_by_role("link", name="Sign in again").click()
    assert "/oidc/" in other.url
    page.goto(f"{demo}/account/activity/")
    assert "signed out" in page.content()
    assert_no_violations(page)
    other_context.close()
    gateway.went_through(
        ("GET", "/api/my-account/sessions"), ("DELETE", "/api/my-account/sessions/")
    )
