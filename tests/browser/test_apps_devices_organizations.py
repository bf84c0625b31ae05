"""Journeys through connected apps, remembered devices and the organizations card, in headless
Chromium against the demo and the emulator, with and without JavaScript."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from .helpers import confirm_with_password, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0"
CHROME_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
# The sign-in experience's remembered-devices policy, on (Logto's default is off).
REMEMBERING = {"enabled": True, "durationDays": 30}


def assert_no_violations(page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def user_id(emulator, username: str) -> str:
    return emulator.state.find_user_by_identifier(username)["id"]


def grants_of(emulator, uid: str) -> list[dict]:
    return [g for g in emulator.state.grants.values() if g["accountId"] == uid]


def test_organizations_card_and_connected_app_removed_with_javascript(
    page, demo, demo_user, logto_emulator, gateway
):
    sign_in(page, demo, demo_user)
    if not gateway.account_api:  # organizations: only the Management API has them
        card = page.locator("section", has=page.locator("#ac-ov-organizations"))
        assert "Demo Organization" in card.inner_text() and "editor" in card.inner_text()
        assert card.locator("form").count() == 0

    page.goto(f"{demo}/account/apps/")
    if gateway.account_api:
        # Logto lists grants only with a verification record: the user confirms first.
        confirm_with_password(page, demo_user.password)
        page.wait_for_url(re.compile(r".*/account/apps/$"))
    page.wait_for_load_state("networkidle")
    section = page.locator("#ac-apps")
    assert "Photo Prints" in section.inner_text()
    assert_no_violations(page)
    page.get_by_role("button", name="Remove access of Photo Prints").click()
    page.get_by_role("button", name="Yes, remove access").click()
    if not gateway.account_api:
        confirm_with_password(page.locator("dialog#ac-step-up"), demo_user.password)
    page.get_by_text("“Photo Prints” no longer has access to your account.").wait_for()
    assert "No app of another company has access" in section.inner_text()
    assert grants_of(logto_emulator, user_id(logto_emulator, demo_user.username)) == []

    page.goto(f"{demo}/account/activity/")
    assert "Access of the app “Photo Prints” removed" in page.content()
    gateway.went_through(("GET", "/api/my-account/grants"), ("DELETE", "/api/my-account/grants/"))


def test_remembered_devices_forget_one_then_all_with_javascript(
    page, demo, demo_user, logto_emulator
):
    state = logto_emulator.state
    state.configure_dev_features()
    state.sign_in_experience_changes["trustedDevice"] = REMEMBERING
    uid = user_id(logto_emulator, demo_user.username)
    state.add_trusted_device(uid, user_agent=FIREFOX, country="TW", city="Taipei")
    state.add_trusted_device(uid, user_agent=CHROME_MAC, country="DE", city="Berlin")
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/remembered-devices/")
    page.wait_for_load_state("networkidle")
    section = page.locator("#ac-trusted-devices")
    assert "Firefox on Linux" in section.inner_text() and "Taipei, TW" in section.inner_text()
    assert_no_violations(page)
    page.get_by_role("button", name="Forget Firefox on Linux").click()
    page.get_by_role("button", name="Yes, forget it").click()
    confirm_with_password(page.locator("dialog#ac-step-up"), demo_user.password)
    page.get_by_text("Firefox on Linux forgotten").wait_for()
    assert "Firefox on Linux" not in section.locator(".ac-list").inner_text()
    page.get_by_role("button", name="Forget all devices").click()
    page.get_by_role("button", name="Yes, forget them all").click()
    page.get_by_text("1 device forgotten").wait_for()
    assert [d for d in state.trusted_devices if d["userId"] == uid] == []


def test_sign_in_settings_that_remember_no_device_are_said_in_a_sentence(
    page, demo, demo_user, logto_emulator
):
    state = logto_emulator.state
    state.configure_dev_features()  # the policy left as Logto's default: off
    state.add_trusted_device(user_id(logto_emulator, demo_user.username), user_agent=FIREFOX)
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/remembered-devices/")
    section = page.locator("#ac-trusted-devices").inner_text()
    assert "its sign-in settings don't remember devices" in section
    assert "Firefox on Linux" not in section
    assert_no_violations(page)


def test_production_logto_says_so_in_a_sentence(page, demo, demo_user):
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/remembered-devices/")
    assert "Remembered devices are not available on this sign-in service" in page.content()
    page.goto(f"{demo}/account/")
    assert page.locator(".ac-nav a", has_text="Remembered devices").count() == 0


def test_apps_and_devices_without_javascript(browser, demo, demo_user, logto_emulator):
    state = logto_emulator.state
    state.configure_dev_features()
    state.sign_in_experience_changes["trustedDevice"] = REMEMBERING
    uid = user_id(logto_emulator, demo_user.username)
    state.add_trusted_device(uid, user_agent=FIREFOX, country="TW", city="Taipei")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, demo, demo_user)

    page.goto(f"{demo}/account/apps/")
    page.get_by_role("button", name="Remove access of Photo Prints").click()
    page.get_by_role("button", name="Yes, remove access").click()
    page.wait_for_url(re.compile(r".*/account/verify/.*"))
    confirm_with_password(page, demo_user.password)
    page.wait_for_url(re.compile(r".*/account/apps/.*"))
    # Back on the page, confirmed: the change is asked for once more, as on every page.
    assert "Confirmed" in page.locator(".ac-messages").inner_text()
    page.get_by_role("button", name="Remove access of Photo Prints").click()
    page.get_by_role("button", name="Yes, remove access").click()
    page.wait_for_url(re.compile(r".*/account/apps/$"))
    assert "no longer has access to your account" in page.locator(".ac-messages").inner_text()
    assert grants_of(logto_emulator, uid) == []

    page.goto(f"{demo}/account/remembered-devices/")
    page.get_by_role("button", name="Forget all devices").click()
    page.get_by_role("button", name="Yes, forget them all").click()
    page.wait_for_url(re.compile(r".*/account/remembered-devices/$"))
    assert "1 device forgotten" in page.locator(".ac-messages").inner_text()
    assert [d for d in state.trusted_devices if d["userId"] == uid] == []
    context.close()
