"""Changing a value in the browser, with JavaScript and without: a malformed value gets field
errors before any step-up; the step-up dialog's states; the typed value kept across step-up or
signing in again; a saved notice shown once and gone when another section changes."""

from __future__ import annotations

import re

import pytest

from .helpers import confirm_with_password, fill_logto_sign_in_form, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("javascript", [True, False])
def test_malformed_username_gets_a_field_error_not_a_step_up(
    browser, demo, demo_user, javascript
) -> None:
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    try:
        sign_in(page, demo, demo_user)
        page.goto(f"{demo}/account/security/username/")
        page.get_by_role("textbox", name="Username").fill("1-not a username")
        page.get_by_role("button", name="Save username").click()
        error = page.get_by_text("Use letters, digits and underscores, starting with a letter")
        error.first.wait_for()
        assert not page.get_by_text("Confirm it's you").first.is_visible()
        assert "/verify/" not in page.url
    finally:
        context.close()


def test_saved_message_without_javascript_is_shown_once(browser, demo, demo_user) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/profile/edit/")
    page.get_by_label("Name", exact=True).fill("Plain Form Person")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r".*/account/profile/$"))
    status = page.locator(".ac-messages[role='status'][aria-live='polite']")
    assert status.inner_text() == "Saved."
    assert page.get_by_text("Plain Form Person").first.is_visible()
    page.reload()
    assert status.inner_text() == ""
    context.close()


def test_typed_address_comes_back_after_no_js_step_up(browser, demo, demo_user) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/security/email/")
    page.get_by_label("New email address").fill("kept@example.com")
    page.get_by_role("button", name="Send a code").click()
    page.wait_for_url(re.compile(r".*/account/verify/.*"))
    confirm_with_password(page, demo_user.password)
    # The typed address comes back from the session: it is in no URL (history, server logs).
    page.wait_for_url(re.compile(r".*/account/security/email/$"))
    assert page.get_by_label("New email address").input_value() == "kept@example.com"
    assert "Confirmed." in page.locator(".ac-messages").inner_text()
    # Still one step: the code goes to the kept address.
    page.get_by_role("button", name="Send a code").click()
    page.get_by_text("Enter the code we sent to kept@example.com").wait_for()
    context.close()


def test_sign_in_again_instead_brings_the_user_back_with_a_notice(browser, demo, demo_user) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/security/username/")
    page.get_by_role("textbox", name="Username").fill("renamed_by_reauth")
    page.get_by_role("button", name="Save username").click()
    page.get_by_role("link", name="Sign in again instead").click()
    fill_logto_sign_in_form(page, demo_user.username, demo_user.password)
    page.wait_for_url(re.compile(r".*/account/security/username/$"))
    assert page.get_by_role("textbox", name="Username").input_value() == "renamed_by_reauth"
    assert "You signed in again" in page.locator(".ac-messages").inner_text()
    context.close()


def test_step_up_dialog_buttons_apart_and_one_field_once_a_code_is_sent(
    page, demo, demo_user
) -> None:
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/security/")
    page.wait_for_load_state("networkidle")
    page.locator("#ac-username").get_by_role("link").click()
    page.get_by_role("textbox", name="Username").fill("dialog_user")
    page.get_by_role("button", name="Save username").click()
    dialog = page.locator("dialog#ac-step-up")
    confirm = dialog.get_by_role("button", name="Confirm with password")
    confirm.wait_for()
    send = dialog.get_by_role("button", name=re.compile("Send a code to"))
    a, b = confirm.bounding_box(), send.bounding_box()
    gap = b["y"] - (a["y"] + a["height"])
    assert gap >= 8, f"the dialog's buttons are {gap}px apart"
    send.click()
    dialog.get_by_label("Verification code").wait_for()
    assert not dialog.get_by_label("Current password").is_visible()
    dialog.get_by_text("Confirm another way").click()
    assert dialog.get_by_label("Current password").is_visible()


def test_old_saved_notice_leaves_when_another_section_changes(page, demo, demo_user) -> None:
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/security/")
    page.wait_for_load_state("networkidle")
    page.locator("#ac-username").get_by_role("link").click()
    page.get_by_role("textbox", name="Username").fill("notice_user")
    page.get_by_role("button", name="Save username").click()
    dialog = page.locator("dialog#ac-step-up")
    confirm_with_password(dialog, demo_user.password)
    page.locator("#ac-username").get_by_text("Saved.").wait_for()
    page.locator("#ac-password").get_by_role("link").click()
    page.get_by_label("New password", exact=True).wait_for()
    assert page.get_by_text("Saved.").count() == 0


def test_sign_in_again_from_the_dialog_comes_back_to_the_typed_value(page, demo, demo_user) -> None:
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/security/")
    page.wait_for_load_state("networkidle")
    page.locator("#ac-username").get_by_role("link").click()
    page.get_by_role("textbox", name="Username").fill("typed_in_dialog")
    page.get_by_role("button", name="Save username").click()
    again = page.locator("dialog#ac-step-up").get_by_role("link", name="Sign in again instead")
    assert "typed_in_dialog" not in (again.get_attribute("href") or "")
    again.click()
    fill_logto_sign_in_form(page, demo_user.username, demo_user.password)
    page.wait_for_url(re.compile(r".*/account/security/username/$"))
    assert page.get_by_role("textbox", name="Username").input_value() == "typed_in_dialog"
    assert "You signed in again" in page.locator(".ac-messages").inner_text()


def test_second_demo_user_makes_taken_address_visible(page, demo, demo_user, settings) -> None:
    from logto_emulator.seed import DEMO_USER_2

    settings.LOGTO_EMULATOR_MOUNTED = True  # the home page then lists the demo accounts
    page.goto(f"{demo}/")
    assert page.get_by_text(DEMO_USER_2.password).is_visible()  # the home page lists both
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/security/")
    page.wait_for_load_state("networkidle")
    page.locator("#ac-email").get_by_role("link").click()
    page.get_by_label("New email address").fill(DEMO_USER_2.primary_email)
    page.get_by_role("button", name="Send a code").click()
    dialog = page.locator("dialog#ac-step-up")
    confirm_with_password(dialog, demo_user.password)
    page.get_by_text("already used by another account").wait_for()
