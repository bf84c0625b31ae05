"""A linked Mock Social account is a way to sign in, in the demo too: the emulator's sign-in page
offers it (as Logto's lists the tenant's social connectors), so a user who links it and then
removes their username and email can still sign in; the security page says what is left."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from .helpers import confirm_with_password, sign_in
from .test_accessibility import assert_no_violations

pytestmark = pytest.mark.django_db(transaction=True)


def _sign_out(page, demo: str) -> None:
    page.goto(f"{demo}/")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{demo}/")


def test_a_user_left_with_a_linked_social_account_signs_in_with_it(
    page, demo, demo_user, logto_emulator
):
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/connections/")
    page.get_by_role("button", name="Link Mock Social").click()
    confirm_with_password(page.locator("dialog#ac-step-up"), demo_user.password)
    page.get_by_label("Social account id").fill("mock-social-sub-only-way")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r".*/account/connections/$"))
    # What is left after the username and the email go (as a user removes them on the page).
    stored = logto_emulator.state.find_user_by("username", demo_user.username)
    with logto_emulator.state.lock:
        stored["username"] = stored["primaryEmail"] = None
    cache.clear()  # changed at Logto behind the site's back: no kept reads
    page.goto(f"{demo}/account/security/")
    password_card = page.locator("#ac-password")
    password_card.get_by_text("no username, email or phone").wait_for()
    _sign_out(page, demo)

    page.goto(f"{demo}/account/login/")
    assert_no_violations(page)
    page.get_by_role("link", name="Continue with Mock Social").click()
    # The provider remembers who signed in at it in this browser.
    assert page.get_by_label("Social account id").input_value() == "mock-social-sub-only-way"
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r".*/account/$"))
    assert page.get_by_role("heading", level=1).is_visible()


def test_a_social_account_nobody_linked_is_refused_in_words(page, demo, logto_emulator):
    page.goto(f"{demo}/account/login/")
    page.get_by_role("link", name="Continue with Mock Social").click()
    page.get_by_label("Social account id").fill("mock-social-sub-stranger")
    page.get_by_role("button", name="Continue").click()
    alert = page.get_by_role("alert")
    alert.get_by_text("The social account has not been registered yet.").wait_for()
    assert page.get_by_label("Username, email or phone").is_visible()
