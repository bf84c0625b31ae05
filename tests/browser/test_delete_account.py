"""Deleting the account in a browser: the phrase, step-up, then the account is gone at Logto and
here, and its old credentials no longer sign in."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from .helpers import confirm_with_password, fill_logto_sign_in_form, sign_in
from .test_accessibility import assert_no_violations


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_delete_my_account(browser, demo, demo_user, logto_emulator, javascript):
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/delete/")
    if javascript:
        assert_no_violations(page)
    phrase = page.locator(".ac-phrase").inner_text()
    page.get_by_label("Type the words shown above").fill(phrase)
    page.get_by_role("button", name="Delete my account").click()
    if javascript:
        # In place: the typed words stay, and the deletion goes on once confirmed.
        confirm_with_password(page.locator("dialog#ac-step-up"), demo_user.password)
    else:
        page.wait_for_url(re.compile(r".*/account/verify/.*"))
        confirm_with_password(page, demo_user.password)
        page.wait_for_url(re.compile(r".*/account/delete/$"))
        page.get_by_label("Type the words shown above").fill(phrase)
        page.get_by_role("button", name="Delete my account").click()
    page.wait_for_url(re.compile(r".*/account/ended/\?reason=closed$"))
    assert "Your account was deleted" in page.content()
    if javascript:
        assert_no_violations(page)

    users = logto_emulator.state.users.values()
    assert not [u for u in users if u["username"] == demo_user.username]
    assert not get_user_model().objects.filter(logto_identity__isnull=False).exists()
    page.goto(f"{demo}/account/login/")
    fill_logto_sign_in_form(page, demo_user.username, demo_user.password)
    assert "/account/" not in page.url or "/oidc/" in page.url
    context.close()
