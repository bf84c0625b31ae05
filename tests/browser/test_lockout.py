"""The demo user cannot remove every way to sign in (issue: a seeded SSO identity the emulator
cannot sign in with used to count as one)."""

from __future__ import annotations

from .helpers import confirm_with_password, sign_in


def test_the_demo_user_keeps_a_way_to_sign_in(page, demo, demo_user, logto_emulator):
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/security/")
    page.locator("#ac-username").get_by_role("link", name="Change username").click()
    page.get_by_role("button", name="Remove username").click()
    dialog = page.locator("dialog#ac-step-up")
    confirm_with_password(dialog, demo_user.password)
    page.locator("#ac-username").get_by_text("Saved.").wait_for()

    page.locator("#ac-email").get_by_role("link", name="Change email").click()
    page.locator("#ac-email").get_by_role("button", name="Remove email").click()
    page.get_by_text("You need at least one other way to sign in").wait_for()
    user = logto_emulator.state.find_user_by("primaryEmail", demo_user.primary_email)
    assert user is not None and user["primaryEmail"] == demo_user.primary_email
