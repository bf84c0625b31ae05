"""Issue 9 in the browser: an admin suspends a user from the linked-users list in Django admin;
Logto has the user suspended, and the user's next page view signs them out with words."""

from __future__ import annotations

import re

import pytest

from .helpers import admin_signed_in, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_suspends_a_user_and_their_next_page_view_signs_them_out(
    page, browser, demo, demo_user, logto_emulator
) -> None:
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/")
    page.get_by_role("heading", level=1).wait_for()

    admin = admin_signed_in(browser, demo, "/admin/account_center/logtoidentity/")
    admin.wait_for_url(re.compile(r".*/admin/account_center/logtoidentity/$"))
    # The row shows Logto's details (one batched read): the demo user's username.
    row = admin.locator("#result_list tbody tr").filter(has_text=demo_user.username)
    row.locator("input[name=_selected_action]").check()
    admin.locator("select[name=action]").select_option("suspend")
    admin.locator(".actions button[name=index]").click()  # "Go" on Django 5.2, "Run" on 6
    admin.locator(".messagelist").get_by_text(re.compile("suspended")).wait_for()
    admin.context.close()

    stored = logto_emulator.state.find_user_by("username", demo_user.username)
    assert stored is not None and stored["isSuspended"] is True

    page.goto(f"{demo}/account/profile/")
    page.get_by_role("heading", name="You were signed out").wait_for()
    page.get_by_role("alert").get_by_text("Your account is suspended.").wait_for()
    # Signed out here: the account pages ask for a sign-in again.
    answer = page.request.get(f"{demo}/account/", max_redirects=0)
    assert answer.status == 302 and "/account/login/" in answer.headers["location"]
