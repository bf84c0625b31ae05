"""Issue 9, Off / ReadOnly / Edit in the browser: a superuser turns "Username" to read-only on
the Django admin settings page; a username form the user left open is refused in place with
words, the next page shows the username without any button, and a forged POST is refused by
the server with 403."""

from __future__ import annotations

import re

import pytest

from .helpers import admin_signed_in, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FORGED_POST = """async () => {
  const token = document.querySelector('input[name=csrfmiddlewaretoken]').value;
  const answer = await fetch('/account/security/username/', {
    method: 'POST',
    headers: {'X-CSRFToken': token, 'Content-Type': 'application/x-www-form-urlencoded'},
    body: 'username=forged_name',
  });
  return [answer.status, await answer.text()];
}"""


def test_admin_turns_username_read_only_and_the_server_refuses_a_forged_post(
    page, browser, demo, demo_user, logto_emulator
) -> None:
    admin = admin_signed_in(browser, demo, "/admin/account_center/sitesettings/")
    admin.wait_for_url(re.compile(r".*/admin/account_center/sitesettings/add/$"))

    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/security/")
    # The user opens the form before the admin's change, and sends it after.
    page.get_by_role("link", name="Change username").click()
    page.locator("#ac-username input[name=username]").fill("too_late_name")

    admin.locator("#id_feature__username").select_option("readonly")
    admin.get_by_role("button", name="Save", exact=True).click()
    admin.wait_for_url(re.compile(r".*/admin/.*"))
    assert "was added successfully" in admin.content()
    admin.context.close()

    page.locator("#ac-username").get_by_role("button", name=re.compile("Save")).click()
    page.get_by_role("alert").filter(has_text="can only be viewed here, not changed").wait_for()

    page.goto(f"{demo}/account/security/")
    section = page.locator("#ac-username")
    section.get_by_text(demo_user.username).wait_for()
    assert section.get_by_role("link").count() == 0
    assert section.get_by_role("button").count() == 0

    status, text = page.evaluate(FORGED_POST)

    assert status == 403
    assert "can only be viewed here, not changed" in text
    # Neither the form left open nor the forged POST changed the username at Logto.
    assert logto_emulator.state.find_user_by("username", demo_user.username) is not None
    assert logto_emulator.state.find_user_by("username", "forged_name") is None
    assert logto_emulator.state.find_user_by("username", "too_late_name") is None


def test_read_only_pages_and_the_refusal_have_no_axe_violations(
    page, demo, demo_user, settings
) -> None:
    """Every page with every feature read-only (sections without their buttons), at a phone's
    width, and the refusal swapped in place of a form left open."""
    from account_center.conf.features import SECTION_FEATURES

    from .helpers import menu_pages
    from .test_accessibility import assert_no_violations

    page.set_viewport_size({"width": 320, "height": 800})
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/security/")
    page.get_by_role("link", name="Change username").click()
    page.locator("#ac-username input[name=username]").fill("too_late_name")
    every = [name for names in SECTION_FEATURES.values() for name in names]
    settings.ACCOUNT_CENTER_FEATURES = dict.fromkeys(every, "readonly")

    page.locator("#ac-username").get_by_role("button", name=re.compile("Save")).click()
    page.get_by_role("alert").filter(has_text="can only be viewed here").wait_for()
    assert_no_violations(page)
    for path in menu_pages(page, demo):
        page.goto(f"{demo}{path}")
        assert page.locator("main form[method=post]:not(:has([value=download]))").count() == 0
        assert_no_violations(page)


REFUSALS = {
    "readonly": "This can only be viewed here, not changed. Nothing was changed.",
    "off": "This is not offered here any more. Nothing was changed.",
}


@pytest.mark.parametrize("level", sorted(REFUSALS))
def test_a_form_left_open_is_refused_in_place_in_debug_too(
    page, demo, demo_user, settings, logto_emulator, level
) -> None:
    """With DEBUG on, django-htmx's error handler replaces the whole page with any 403 or 404
    answer (Django's technical 404 page, or the bare refusal): the refusal must be neither."""
    settings.DEBUG = True
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/security/")
    page.get_by_role("link", name="Change username").click()
    page.locator("#ac-username input[name=username]").fill("too_late_name")

    settings.ACCOUNT_CENTER_FEATURES = {"username": level}
    page.locator("#ac-username").get_by_role("button", name=re.compile("Save")).click()

    section = page.locator("#ac-username")
    section.get_by_role("alert").filter(has_text=REFUSALS[level]).wait_for()
    # The rest of the page is still there, in its style.
    assert page.locator(".ac-topbar").is_visible() and page.locator("#ac-email").is_visible()
    assert page.locator("main").evaluate("e => getComputedStyle(e).display") != "inline"
    assert logto_emulator.state.find_user_by("username", "too_late_name") is None


@pytest.mark.parametrize("level", sorted(REFUSALS))
def test_without_javascript_the_refusal_is_a_page_in_the_site_style(
    browser, demo, demo_user, settings, level
) -> None:
    settings.DEBUG = True
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/security/username/")
    page.get_by_role("textbox", name="Username").fill("too_late_name")

    settings.ACCOUNT_CENTER_FEATURES = {"username": level}
    page.get_by_role("button", name=re.compile("Save")).click()

    page.get_by_role("alert").filter(has_text=REFUSALS[level]).wait_for()
    assert page.locator(".ac-topbar").is_visible()
    assert page.locator("link[rel=stylesheet][href*='account_center.css']").count() == 1
    context.close()
