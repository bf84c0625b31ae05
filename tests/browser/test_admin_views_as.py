"""Issue 21 in the browser: support views a user's account from Django admin. The banner is on
the account pages and the site's own, a change is refused in words and changes nothing at Logto,
and the way back ends the view at the admin's sign-in. The user's activity then says so."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from .helpers import admin_signed_in, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A POST of the password form as the page's own (with the CSRF token), whatever the page shows.
POST_A_PASSWORD = """(action) => {
  const form = document.createElement("form");
  form.method = "post";
  form.action = action;
  const token = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
  for (const [name, value] of [
    ["csrfmiddlewaretoken", token.split("=")[1]],
    ["password", "A-new-passw0rd-from-support"],
    ["confirm", "A-new-passw0rd-from-support"],
  ]) {
    const input = document.createElement("input");
    input.type = "hidden"; input.name = name; input.value = value;
    form.appendChild(input);
  }
  document.body.appendChild(form);
  form.submit();
}"""


def test_support_views_an_account_changes_nothing_and_goes_back(
    page, browser, demo, demo_user, logto_emulator
) -> None:
    sign_in(page, demo, demo_user)  # links the user, as their first sign-in does
    page.goto(f"{demo}/account/")
    page.get_by_role("heading", level=1).wait_for()
    stored = logto_emulator.state.find_user_by("username", demo_user.username)
    password_before = stored["_password"]

    admin = admin_signed_in(browser, demo, "/admin/account_center/logtoidentity/")
    admin.locator("#result_list tbody tr").filter(has_text=demo_user.username).locator(
        "th a"
    ).click()
    admin.get_by_role("link", name="View as this user").click()
    admin.get_by_label("Why do you need to view this account?").fill("Ticket 7: MFA help")
    admin.get_by_role("button", name="View as this user").click()

    banner = admin.get_by_role("region", name="Viewing as this user")
    banner.get_by_text("You are viewing this account as support").wait_for()
    admin.goto(f"{demo}/")  # the site's own page carries it too
    banner.get_by_role("button", name="Stop viewing and go back").wait_for()

    admin.goto(f"{demo}/account/")
    with admin.expect_navigation() as refused:
        admin.evaluate(POST_A_PASSWORD, reverse("account_center:password"))
    assert refused.value.status == 403
    admin.get_by_role("heading", name="Nothing was changed").wait_for()
    admin.get_by_text("nothing can be changed while viewing as someone").wait_for()
    stored = logto_emulator.state.find_user_by("username", demo_user.username)
    assert stored["_password"] == password_before

    banner.get_by_role("button", name="Stop viewing and go back").click()
    admin.wait_for_url(re.compile(r".*/admin/login/\?next=.*"))
    admin.get_by_text("You stopped viewing the account.").wait_for()
    admin.context.close()

    page.goto(f"{demo}/account/activity/")
    page.get_by_text("Support viewed your account").first.wait_for()
    page.get_by_text("Support tried a change while viewing your account").first.wait_for()
