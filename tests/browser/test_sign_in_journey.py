"""The first journey: open the demo, sign in through Logto's (the emulator's) form, land on the
account center, sign out."""

from __future__ import annotations

import re

import pytest

from .helpers import fill_logto_sign_in_form

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_lands_on_account_center_and_sign_out_ends_session(page, demo, demo_user):
    page.goto(f"{demo}/")
    page.get_by_role("link", name="Sign in with Logto").click()

    fill_logto_sign_in_form(page, demo_user.username, demo_user.password)

    page.wait_for_url(re.compile(r".*/account/$"))
    assert page.get_by_role("heading", level=1).first.is_visible()
    assert page.get_by_text(demo_user.primary_email).first.is_visible()

    page.goto(f"{demo}/")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{demo}/")
    assert page.get_by_role("link", name="Sign in with Logto").is_visible()

    # The Django session is gone: the account center asks for a sign-in again, and Logto's
    # session is gone too, so its form is shown rather than a silent sign-in.
    page.goto(f"{demo}/account/")
    page.get_by_label("Password").wait_for()


def test_wrong_password_keeps_user_on_logto_form(page, demo, demo_user):
    page.goto(f"{demo}/account/login/")
    fill_logto_sign_in_form(page, demo_user.username, "not-the-password")
    page.get_by_role("alert").wait_for()
    # Still on Logto's side: no session was created on the site.
    assert "/oidc/" in page.url
    page.goto(f"{demo}/account/")
    page.get_by_label("Password").wait_for()
