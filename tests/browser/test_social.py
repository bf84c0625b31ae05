"""Linking and unlinking a social account in a browser, through the emulator's provider page
(it stands in for the provider, as Logto's mock social connector does)."""

from __future__ import annotations

import re

from .helpers import confirm_with_password, sign_in
from .test_accessibility import assert_no_violations


def _identities(logto_emulator, username: str) -> dict:
    user = next(u for u in logto_emulator.state.users.values() if u["username"] == username)
    return dict(user.get("identities") or {})


def test_link_and_unlink_a_social_account(page, demo, demo_user, logto_emulator, gateway):
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/connections/")
    page.get_by_role("button", name="Link Mock Social").click()
    dialog = page.locator("dialog#ac-step-up")
    confirm_with_password(dialog, demo_user.password)
    # The provider's page: a person picks the account to link.
    page.get_by_label("Social account id").wait_for()
    assert_no_violations(page)
    page.get_by_label("Social account id").fill("mock-social-sub-journey")
    page.get_by_label("Email at the provider (optional)").fill("demo@social.test")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r".*/account/connections/$"))
    assert "Linked." in page.locator(".ac-messages").inner_text()
    assert "demo@social.test" in page.locator("#ac-connections").inner_text()
    assert "mock-social" in _identities(logto_emulator, demo_user.username)

    page.get_by_role("button", name="Unlink Mock Social").click()
    page.get_by_role("button", name="Yes, unlink it").click()
    page.locator("#ac-connections").get_by_text("Unlinked.").wait_for()
    assert _identities(logto_emulator, demo_user.username) == {}
    gateway.went_through(
        ("POST", "/api/verifications/social"),
        ("POST", "/api/verifications/social/verify"),
        ("POST", "/api/my-account/identities"),
        ("DELETE", "/api/my-account/identities/"),
    )


def test_a_replayed_callback_links_nothing(page, demo, demo_user, logto_emulator):
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/connections/")
    page.get_by_role("button", name="Link Mock Social").click()
    dialog = page.locator("dialog#ac-step-up")
    confirm_with_password(dialog, demo_user.password)
    with page.expect_request(re.compile(r".*/account/connections/callback/.*")) as sent:
        page.get_by_role("button", name="Continue").click()
    callback = sent.value.url
    page.wait_for_url(re.compile(r".*/account/connections/$"))
    page.get_by_role("button", name="Unlink Mock Social").click()
    page.get_by_role("button", name="Yes, unlink it").click()
    page.locator("#ac-connections").get_by_text("Unlinked.").wait_for()

    page.goto(callback)
    assert "Nothing was linked" in page.content()
    assert _identities(logto_emulator, demo_user.username) == {}


def test_link_without_javascript(browser, demo, demo_user, logto_emulator):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/connections/")
    page.get_by_role("button", name="Link Mock Social").click()
    page.wait_for_url(re.compile(r".*/account/verify/.*"))
    confirm_with_password(page, demo_user.password)
    page.wait_for_url(re.compile(r".*/account/connections/$"))
    page.get_by_role("button", name="Link Mock Social").click()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r".*/account/connections/$"))
    assert "Linked." in page.locator(".ac-messages").inner_text()
    assert "mock-social" in _identities(logto_emulator, demo_user.username)
    context.close()
