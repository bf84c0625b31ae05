"""A deleted or suspended Logto user is signed out with words (never "Logto is unavailable")."""

from __future__ import annotations

import re

import pytest

from account_center.logto.client import get_client

from .helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _logto_id(logto_emulator, user) -> str:
    found = logto_emulator.state.find_user_by("username", user.username)
    assert found is not None
    return found["id"]


def test_deleted_user_is_signed_out_and_told_so(page, demo, demo_user, logto_emulator) -> None:
    sign_in(page, demo, demo_user)
    get_client().delete_user(_logto_id(logto_emulator, demo_user))
    page.get_by_role("link", name="Profile").first.click()
    page.wait_for_url(re.compile(r".*/account/.*"))
    assert page.get_by_role("alert").filter(has_text="Your account no longer exists.").is_visible()
    assert "unavailable" not in page.content()
    # Signed out here: the account asks to sign in at Logto again.
    page.goto(f"{demo}/account/")
    page.get_by_role("button", name="Sign in").wait_for()


def test_suspended_user_is_signed_out_at_the_next_check(
    page, demo, demo_user, logto_emulator, settings
) -> None:
    settings.ACCOUNT_CENTER_ACCOUNT_CHECK_SECONDS = 0
    sign_in(page, demo, demo_user)
    get_client().set_suspended(_logto_id(logto_emulator, demo_user), True)
    page.goto(f"{demo}/account/security/")
    assert page.get_by_role("alert").filter(has_text="Your account is suspended.").is_visible()
