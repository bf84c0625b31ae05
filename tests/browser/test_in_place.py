"""Issue 18 in the browser: what happens in place with JavaScript (copy buttons, focus, a picture
that does not load, the token's date field, confirmations before undo-free actions, the danger
zone's dialog), and that the same pages still work without it."""

from __future__ import annotations

import re

import pyotp
import pytest

from .helpers import confirm_with_password, sign_in
from .test_accessibility import assert_no_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def step_up_in_dialog(page, password: str) -> None:
    confirm_with_password(page.locator("dialog#ac-step-up"), password)


def no_js_page(browser):
    return browser.new_context(java_script_enabled=False).new_page()


def enrol_app(page, demo, user, *, step_up: bool = True) -> str:
    """An authenticator app set up from the two-step page; answers its secret."""
    page.goto(f"{demo}/account/two-step/")
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Set up an authenticator app").click()
    if step_up:
        step_up_in_dialog(page, user.password)
    key = page.locator(".ac-secret")
    key.wait_for()
    secret = key.inner_text().replace(" ", "")
    page.get_by_label("Code from your app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Confirm and turn on").click()
    page.get_by_text("Your authenticator app is set up.").wait_for()
    return secret


def test_copy_buttons_appear_for_a_new_token_and_new_backup_codes(browser, demo, demo_user):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/tokens/")
    page.wait_for_load_state("networkidle")
    page.get_by_label("Name", exact=True).fill("copied")
    page.get_by_role("button", name="Create token").click()
    step_up_in_dialog(page, demo_user.password)
    copy = page.get_by_role("button", name="Copy token")
    copy.wait_for()
    value = page.locator("#ac-token-value").input_value()
    copy.click()
    page.get_by_role("button", name="Copied", exact=True).wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == value

    enrol_app(page, demo, demo_user, step_up=False)  # still verified from the token
    page.get_by_role("button", name="Make backup codes").click()
    page.get_by_role("button", name="Copy codes").wait_for()
    context.close()


def test_opening_a_form_puts_focus_in_its_first_field(page, demo, demo_user):
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/security/")
    page.wait_for_load_state("networkidle")
    page.locator("#ac-username").get_by_role("link").click()
    field = page.get_by_role("textbox", name="Username")
    field.wait_for()
    assert field.evaluate("el => el === document.activeElement")
    page.locator("#ac-email").get_by_role("link").click()
    field = page.get_by_label("New email address")
    field.wait_for()
    assert field.evaluate("el => el === document.activeElement")


def test_a_picture_that_does_not_load_shows_the_initials(page, demo, demo_user, logto_emulator):
    account = logto_emulator.state.find_user_by_identifier(demo_user.username)
    account["avatar"] = f"{demo}/static/account_center/no-such-picture.png"
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/")
    initials = page.locator(".ac-avatar--initials").first
    initials.wait_for()
    assert initials.is_visible()
    assert page.locator("img.ac-avatar").count() == 0
    page.goto(f"{demo}/account/profile/")
    page.locator(".ac-avatar--initials").first.wait_for()
    assert page.locator("img.ac-avatar").count() == 0


def test_token_date_field_only_with_on_a_date(page, browser, demo, demo_user):
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/tokens/")
    page.wait_for_load_state("networkidle")
    date = page.get_by_label("Expiry date")
    assert not date.is_visible()
    page.get_by_label("Expires").select_option("date")
    assert date.is_visible()
    page.get_by_label("Expires").select_option("30")
    assert not date.is_visible()

    plain = no_js_page(browser)
    sign_in(plain, demo, demo_user)
    plain.goto(f"{demo}/account/tokens/")
    assert plain.get_by_label("Expiry date").is_visible()
    plain.context.close()


def test_setup_key_has_no_name_its_role_forbids(page, demo, demo_user):
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/two-step/")
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Set up an authenticator app").click()
    step_up_in_dialog(page, demo_user.password)
    page.locator(".ac-secret").wait_for()
    assert_no_violations(page)
    assert page.locator(".ac-secret").get_attribute("aria-label") is None


def test_activity_has_its_own_menu_item(page, demo, demo_user):
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/activity/")
    current = page.locator(".ac-nav a[aria-current='page']")
    assert current.count() == 1
    assert current.inner_text() == "Recent security activity"
    assert re.search(r"/account/activity/$", current.evaluate("a => a.href"))


def test_delete_asks_in_place_and_cancel_keeps_the_token(page, demo, demo_user):
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/tokens/")
    page.wait_for_load_state("networkidle")
    page.get_by_label("Name", exact=True).fill("kept")
    page.get_by_role("button", name="Create token").click()
    step_up_in_dialog(page, demo_user.password)
    page.locator("#ac-token-value").wait_for()
    page.set_viewport_size({"width": 320, "height": 800})
    page.get_by_role("button", name="Delete kept").click()
    question = page.get_by_text("Delete the token “kept”?")
    question.wait_for()
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    ), "the question makes the page scroll sideways at 320 px"
    # Focus lands on the question, so a screen reader says what is asked.
    assert page.evaluate("document.activeElement.id") == "ac-confirm-question"
    assert_no_violations(page)
    page.locator("#ac-confirm").get_by_role("link", name="Cancel").click()
    page.get_by_role("button", name="Delete kept").wait_for()
    assert question.count() == 0
    page.get_by_role("button", name="Delete kept").click()
    page.get_by_role("button", name="Yes, delete it").click()
    page.get_by_text("Token “kept” deleted.").wait_for()


def test_removing_backup_codes_left_alone_without_javascript(
    browser, demo, demo_user, logto_emulator
):
    # Left alone by an older version of this app, or made in the Logto console.
    account = logto_emulator.state.find_user_by_identifier(demo_user.username)
    codes = [{"code": f"{i:010x}", "usedAt": None} for i in range(10)]
    account["_mfa"].append(
        {"id": "alone", "type": "BackupCode", "codes": codes, "createdAt": "2026-01-01T00:00:00Z"}
    )
    page = no_js_page(browser)
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/two-step/")
    assert "Turn on the second step" not in page.content()
    page.get_by_role("button", name="Remove backup codes").click()
    page.wait_for_url(re.compile(r".*/account/two-step/\?confirm=backup_codes.*#ac-confirm$"))
    page.get_by_role("button", name="Yes, remove them").click()
    page.wait_for_url(re.compile(r".*/account/verify/.*"))
    confirm_with_password(page, demo_user.password)
    page.wait_for_url(re.compile(r".*/account/two-step/.*"))
    page.goto(f"{demo}/account/two-step/")
    page.get_by_role("button", name="Remove backup codes").click()
    page.get_by_role("button", name="Yes, remove them").click()
    page.wait_for_url(re.compile(r".*/account/two-step/$"))
    assert "Removed." in page.locator(".ac-messages").inner_text()
    assert "No backup codes." in page.content()
    page.context.close()


def test_code_step_cancel_without_javascript(browser, demo, demo_user):
    page = no_js_page(browser)
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/security/email/")
    page.get_by_label("New email address").fill("other@example.com")
    page.get_by_role("button", name="Send a code").click()
    page.wait_for_url(re.compile(r".*/account/verify/.*"))
    confirm_with_password(page, demo_user.password)
    page.get_by_role("button", name="Send a code").click()
    page.get_by_text("Enter the code we sent to other@example.com").wait_for()
    page.get_by_role("link", name="Cancel").click()
    page.wait_for_url(re.compile(r".*/account/security/$"))
    email = page.locator("#ac-email")
    assert "A code was sent" not in email.inner_text()
    assert email.get_by_role("link", name="Change email").is_visible()
    page.context.close()


def test_danger_zone_asks_in_place_and_keeps_what_was_typed(page, demo, demo_user):
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/delete/")
    page.wait_for_load_state("networkidle")
    dialog = page.locator("dialog#ac-step-up")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download my data").click()
        dialog.get_by_label("Current password").wait_for()
        assert "confirm it's you before you go on" in dialog.inner_text()
        step_up_in_dialog(page, demo_user.password)
    assert download_info.value.suggested_filename == "my-account-data.json"
    assert page.url.endswith("/account/delete/")

    page.context.clear_cookies()  # a new sign-in: step-up is asked again
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/delete/")
    page.wait_for_load_state("networkidle")
    phrase = page.locator(".ac-phrase").inner_text()
    page.get_by_label("Type the words shown above").fill("not the phrase")
    page.get_by_role("button", name="Delete my account").click()
    # The refused form comes back swapped in (marked invalid); htmx must have taken it over
    # before the next click, or the click posts it without JavaScript.
    page.locator("#ac-delete input[aria-invalid='true']").wait_for()
    page.wait_for_load_state("networkidle")
    page.get_by_label("Type the words shown above").fill(phrase)
    page.get_by_role("button", name="Delete my account").click()
    step_up_in_dialog(page, demo_user.password)
    page.wait_for_url(re.compile(r".*/account/ended/\?reason=closed$"))
