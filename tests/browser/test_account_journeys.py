"""Journeys through the account pages in headless Chromium, against the demo and the emulator."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session

from account_center import clock
from logto_emulator.state import check_password

from .helpers import confirm_with_password, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_change_name(page, demo, demo_user, gateway) -> None:
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/profile/")
    page.get_by_role("link", name="Edit profile").click()
    page.get_by_label("Name", exact=True).fill("Renamed Person")
    page.get_by_label("Nickname").fill("Renny")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved.").wait_for()
    assert page.locator("#ac-profile").get_by_text("Renamed Person").is_visible()
    assert page.locator("#ac-profile").get_by_text("Renny").is_visible()
    # The top bar names the user as the page does, at once (swapped out of band).
    assert page.locator(".ac-topbar-user").inner_text() == "Renamed Person"
    assert page.locator("#ac-topbar-user").count() == 1
    gateway.went_through(("PATCH", "/api/my-account"), ("PATCH", "/api/my-account/profile"))


def test_set_then_change_password_with_step_up_then_expiry(
    page, demo, demo_user, logto_emulator, monkeypatch, gateway
) -> None:
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/security/")
    page.locator("#ac-password").get_by_role("link").click()
    page.get_by_label("New password", exact=True).fill("Br4nd-new-secret!")
    page.get_by_label("Repeat the new password").fill("Br4nd-new-secret!")
    page.get_by_role("button", name="Save password").click()
    # Refused: a dialog asks for the current password beside the untouched form...
    dialog = page.locator("dialog#ac-step-up")
    dialog.get_by_label("Current password").wait_for()
    assert page.get_by_label("New password", exact=True).input_value() == "Br4nd-new-secret!"
    assert dialog.evaluate("d => d.open && d.contains(document.activeElement)")
    assert "Br4nd-new-secret!" not in _session_store()
    confirm_with_password(dialog, demo_user.password)
    # ...then the browser submits that form again: no retyping, and the dialog is gone.
    page.locator("#ac-password").get_by_text("Saved.").wait_for()
    assert not dialog.is_visible()
    assert _logto_password_is(logto_emulator, demo_user, "Br4nd-new-secret!")
    assert "Br4nd-new-secret!" not in _session_store()

    # Within the window: no new dialog.
    page.locator("#ac-password").get_by_role("link", name="Change password").click()
    page.get_by_label("New password", exact=True).fill("Another-s3cret-pass")
    page.get_by_label("Repeat the new password").fill("Another-s3cret-pass")
    page.get_by_role("button", name="Save password").click()
    page.locator("#ac-password").get_by_text("Saved.").wait_for()

    # After the window: asked again.
    real_now = clock.source
    monkeypatch.setattr(clock, "source", lambda: real_now() + 601)
    page.locator("#ac-password").get_by_role("link", name="Change password").click()
    page.get_by_label("New password", exact=True).fill("Third-s3cret-pass")
    page.get_by_label("Repeat the new password").fill("Third-s3cret-pass")
    page.get_by_role("button", name="Save password").click()
    page.locator("dialog#ac-step-up").get_by_label("Current password").wait_for()
    # Closing the dialog gives focus back to the form, still filled in.
    page.keyboard.press("Escape")
    page.locator("dialog#ac-step-up").wait_for(state="hidden")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Save password"
    assert page.get_by_label("New password", exact=True).input_value() == "Third-s3cret-pass"
    assert _logto_password_is(logto_emulator, demo_user, "Another-s3cret-pass")
    gateway.went_through(
        ("POST", "/api/verifications/password"), ("POST", "/api/my-account/password")
    )


def test_remove_username_with_step_up_keeps_the_clicked_action(
    page, demo, demo_user, logto_emulator, gateway
) -> None:
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/security/")
    page.locator("#ac-username").get_by_role("link", name="Change username").click()
    page.get_by_role("button", name="Remove username").click()
    dialog = page.locator("dialog#ac-step-up")
    confirm_with_password(dialog, demo_user.password)
    page.locator("#ac-username").get_by_text("Saved.").wait_for()
    assert page.locator("#ac-username").get_by_text("No username yet.").is_visible()
    user = logto_emulator.state.find_user_by("primaryEmail", demo_user.primary_email)
    assert user is not None and user["username"] is None
    gateway.went_through(("POST", "/api/verifications/password"), ("PATCH", "/api/my-account"))


def test_email_already_used_by_another_account_is_refused(
    page, demo, demo_user, logto_emulator, gateway
) -> None:
    logto_emulator.state.create_user(username="other", primary_email="taken@example.com")
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/security/")
    page.locator("#ac-email").get_by_role("link", name="Change email").click()
    page.get_by_label("New email address").fill("Taken@example.com")
    page.get_by_role("button", name="Send a code").click()
    dialog = page.locator("dialog#ac-step-up")
    confirm_with_password(dialog, demo_user.password)
    if not gateway.account_api:
        # The Management API's user search refuses it before a code is sent.
        page.get_by_text("This email address is already used by another account.").wait_for()
        assert logto_emulator.state.last_code(email="taken@example.com") is None
    else:
        # The Account API has no user search: Logto refuses it when it is saved.
        page.get_by_label("Verification code").wait_for()
        page.get_by_label("Verification code").fill(
            logto_emulator.state.last_code(email="taken@example.com")
        )
        page.get_by_role("button", name="Confirm").click()
        page.get_by_text("This email address is used by another account.").wait_for()
        user = logto_emulator.state.find_user_by("username", demo_user.username)
        assert user["primaryEmail"] == demo_user.primary_email
    gateway.went_through(("POST", "/api/my-account/primary-email"))


def _session_store() -> str:
    """Everything the session store holds, decoded, as one string."""
    return "".join(s.session_data + str(s.get_decoded()) for s in Session.objects.all())


def _logto_password_is(emulator, demo_user, password: str) -> bool:
    user = emulator.state.find_user_by("username", demo_user.username)
    return check_password(password, user["_password"])


def test_change_email_with_code_from_emulator(
    page, demo, demo_user, logto_emulator, gateway
) -> None:
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/security/")
    page.locator("#ac-email").get_by_role("link", name="Change email").click()
    page.get_by_label("New email address").fill("moved@example.com")
    page.get_by_role("button", name="Send a code").click()
    confirm_with_password(page, demo_user.password)
    page.get_by_label("Verification code").wait_for()
    code = logto_emulator.state.last_code(email="moved@example.com")
    assert code
    page.get_by_label("Verification code").fill(code)
    page.get_by_role("button", name="Confirm").click()
    page.locator("#ac-email").get_by_text("Saved.").wait_for()
    assert page.locator("#ac-email").get_by_text("moved@example.com").is_visible()
    gateway.went_through(
        ("POST", "/api/verifications/verification-code"),
        ("POST", "/api/verifications/verification-code/verify"),
        ("POST", "/api/my-account/primary-email"),
    )


def test_add_phone_after_step_up_by_a_code_to_the_email(
    page, demo, demo_user, logto_emulator, gateway
) -> None:
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/security/")
    page.locator("#ac-phone").get_by_role("link").click()
    page.get_by_label("New phone number").fill("+44 7911 123456")
    page.get_by_role("button", name="Send a code").click()
    # Step-up by a code to the user's own email, not the password.
    dialog = page.locator("dialog#ac-step-up")
    dialog.get_by_role("button", name=f"Send a code to {demo_user.primary_email}").click()
    dialog.get_by_label("Verification code").wait_for()
    dialog.get_by_label("Verification code").fill(
        logto_emulator.state.last_code(email=demo_user.primary_email)
    )
    dialog.get_by_role("button", name="Confirm with code").click()
    # The form is sent again: the code goes to the new number.
    page.get_by_text("Enter the code we sent to").wait_for()
    code = logto_emulator.state.last_code(phone="447911123456")
    assert code
    page.get_by_label("Verification code").fill(code)
    page.get_by_role("button", name="Confirm").click()
    page.locator("#ac-phone").get_by_text("Saved.").wait_for()
    user = logto_emulator.state.find_user_by("username", demo_user.username)
    assert user["primaryPhone"] == "447911123456"
    gateway.went_through(
        ("POST", "/api/verifications/verification-code"),
        ("POST", "/api/verifications/verification-code/verify"),
        ("POST", "/api/my-account/primary-phone"),
    )
