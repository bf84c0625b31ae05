"""Journeys through the account pages in headless Chromium, against the demo and the emulator."""

from __future__ import annotations

import re

import pytest

from account_center.flows import stepup
from logto_emulator.pytest_plugin import logto_emulator  # noqa: F401  (when not pip-installed)
from tests.browser.conftest import browser_type_launch_args, demo, demo_user  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # pytest-base-url (pulled in by pytest-playwright) trips a pytest 9 deprecation warning.
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]


def sign_in(page, demo, demo_user) -> None:
    page.goto(f"{demo}/account/login/")
    page.get_by_label("Username, email or phone").fill(demo_user.username)
    page.get_by_label("Password").fill(demo_user.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/account/$"))


def test_change_name(page, demo, demo_user) -> None:
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/profile/")
    page.get_by_role("link", name="Edit profile").click()
    page.get_by_label("Name", exact=True).fill("Renamed Person")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved.").wait_for()
    assert page.locator("#ac-profile").get_by_text("Renamed Person").is_visible()


def test_set_then_change_password_with_step_up_then_expiry(
    page, demo, demo_user, logto_emulator, monkeypatch
) -> None:
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/security/")
    page.locator("#ac-password").get_by_role("link").click()
    page.get_by_label("New password", exact=True).fill("Br4nd-new-secret!")
    page.get_by_label("Repeat the new password").fill("Br4nd-new-secret!")
    page.get_by_role("button", name="Save password").click()
    # Refused in place: the dialog asks for the current password, then the change continues.
    page.get_by_label("Current password").fill(demo_user.password)
    page.get_by_role("button", name="Confirm with password").click()
    page.locator("#ac-password").get_by_text("Saved.").wait_for()

    # Within the window: no new dialog.
    page.locator("#ac-password").get_by_role("link", name="Change password").click()
    page.get_by_label("New password", exact=True).fill("Another-s3cret-pass")
    page.get_by_label("Repeat the new password").fill("Another-s3cret-pass")
    page.get_by_role("button", name="Save password").click()
    page.locator("#ac-password").get_by_text("Saved.").wait_for()

    # After the window: asked again.
    real_now = stepup.now
    monkeypatch.setattr(stepup, "now", lambda: real_now() + 601)
    page.locator("#ac-password").get_by_role("link", name="Change password").click()
    page.get_by_label("New password", exact=True).fill("Third-s3cret-pass")
    page.get_by_label("Repeat the new password").fill("Third-s3cret-pass")
    page.get_by_role("button", name="Save password").click()
    page.get_by_label("Current password").wait_for()


def test_change_email_with_code_from_emulator(page, demo, demo_user, logto_emulator) -> None:
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/security/")
    page.locator("#ac-email").get_by_role("link", name="Change email").click()
    page.get_by_label("New email address").fill("moved@example.com")
    page.get_by_role("button", name="Send a code").click()
    page.get_by_label("Current password").fill(demo_user.password)
    page.get_by_role("button", name="Confirm with password").click()
    page.get_by_label("Verification code").wait_for()
    code = logto_emulator.state.last_code(email="moved@example.com")
    assert code
    page.get_by_label("Verification code").fill(code)
    page.get_by_role("button", name="Confirm").click()
    page.locator("#ac-email").get_by_text("Saved.").wait_for()
    assert page.locator("#ac-email").get_by_text("moved@example.com").is_visible()
