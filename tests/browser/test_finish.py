"""Issue 8 in the browser: what a new user hit (layout at 320 px, no-JS messages and step-up,
the step-up dialog's states, links, focus, skip link, favicon), each checked as a person would."""

from __future__ import annotations

import re

import pytest

from logto_emulator.seed import DemoUser

from .helpers import (
    FORM_PAGES,
    confirm_with_password,
    fill_logto_sign_in_form,
    menu_pages,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    *FORM_PAGES,
    "/account/verify/?next=/account/",
]
LONG = "W" * 128  # no spaces: nothing to break at


def _long_user(logto_emulator) -> DemoUser:
    user = DemoUser(
        username="L" + "o" * 127,
        password="long-values-pass-2024",
        primary_email=("e" * 60) + "@" + ("x" * 50) + ".example.com",
        name=LONG,
    )
    logto_emulator.state.create_user(
        username=user.username,
        password=user.password,
        primary_email=user.primary_email,
        primary_phone="442079460958",
        name=user.name,
        profile={"nickname": LONG, "website": "https://" + "w" * 100 + ".example"},
    )
    return user


def _scrolls_sideways(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )


@pytest.mark.parametrize("width", [320, 375, 768, 1280])
def test_no_page_scrolls_sideways_even_with_128_character_values(
    page, demo, logto_emulator, width
) -> None:
    sign_in(page, demo, _long_user(logto_emulator))
    page.set_viewport_size({"width": width, "height": 800})
    for path in [*PAGES, *(p for p in menu_pages(page, demo) if p not in PAGES)]:
        page.goto(f"{demo}{path}")
        assert not _scrolls_sideways(page), f"{path} scrolls sideways at {width} px"
    # The full values stay readable: wrapped, not cut.
    page.goto(f"{demo}/account/")
    assert page.get_by_role("heading", level=1).inner_text().replace("\n", "") == LONG


def test_phone_menu_is_one_compact_bar(page, demo, demo_user) -> None:
    sign_in(page, demo, demo_user)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{demo}/account/security/")
    nav = page.get_by_role("navigation", name="Account").bounding_box()
    assert nav is not None and nav["height"] < 80
    current = page.locator(".ac-nav a[aria-current='page']")
    assert current.inner_text() == "Sign-in & security" and current.is_visible()


def test_saved_message_without_javascript_is_shown_once(browser, demo, demo_user) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/profile/edit/")
    page.get_by_label("Name", exact=True).fill("Plain Form Person")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r".*/account/profile/$"))
    status = page.locator(".ac-messages[role='status'][aria-live='polite']")
    assert status.inner_text() == "Saved."
    assert page.get_by_text("Plain Form Person").first.is_visible()
    page.reload()
    assert status.inner_text() == ""
    context.close()


def test_typed_address_comes_back_after_no_js_step_up(browser, demo, demo_user) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/security/email/")
    page.get_by_label("New email address").fill("kept@example.com")
    page.get_by_role("button", name="Send a code").click()
    page.wait_for_url(re.compile(r".*/account/verify/.*"))
    confirm_with_password(page, demo_user.password)
    # The typed address comes back from the session: it is in no URL (history, server logs).
    page.wait_for_url(re.compile(r".*/account/security/email/$"))
    assert page.get_by_label("New email address").input_value() == "kept@example.com"
    assert "Confirmed." in page.locator(".ac-messages").inner_text()
    # Still one step: the code goes to the kept address.
    page.get_by_role("button", name="Send a code").click()
    page.get_by_text("Enter the code we sent to kept@example.com").wait_for()
    context.close()


def test_sign_in_again_instead_brings_the_user_back_with_a_notice(browser, demo, demo_user) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/security/username/")
    page.get_by_role("textbox", name="Username").fill("renamed_by_reauth")
    page.get_by_role("button", name="Save username").click()
    page.get_by_role("link", name="Sign in again instead").click()
    fill_logto_sign_in_form(page, demo_user.username, demo_user.password)
    page.wait_for_url(re.compile(r".*/account/security/username/$"))
    assert page.get_by_role("textbox", name="Username").input_value() == "renamed_by_reauth"
    assert "You signed in again" in page.locator(".ac-messages").inner_text()
    context.close()


def test_step_up_dialog_buttons_apart_and_one_field_once_a_code_is_sent(
    page, demo, demo_user
) -> None:
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/security/")
    page.wait_for_load_state("networkidle")
    page.locator("#ac-username").get_by_role("link").click()
    page.get_by_role("textbox", name="Username").fill("dialog_user")
    page.get_by_role("button", name="Save username").click()
    dialog = page.locator("dialog#ac-step-up")
    confirm = dialog.get_by_role("button", name="Confirm with password")
    confirm.wait_for()
    send = dialog.get_by_role("button", name=re.compile("Send a code to"))
    a, b = confirm.bounding_box(), send.bounding_box()
    gap = b["y"] - (a["y"] + a["height"])
    assert gap >= 8, f"the dialog's buttons are {gap}px apart"
    send.click()
    dialog.get_by_label("Verification code").wait_for()
    assert not dialog.get_by_label("Current password").is_visible()
    dialog.get_by_text("Confirm another way").click()
    assert dialog.get_by_label("Current password").is_visible()


def test_old_saved_notice_leaves_when_another_section_changes(page, demo, demo_user) -> None:
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/security/")
    page.wait_for_load_state("networkidle")
    page.locator("#ac-username").get_by_role("link").click()
    page.get_by_role("textbox", name="Username").fill("notice_user")
    page.get_by_role("button", name="Save username").click()
    dialog = page.locator("dialog#ac-step-up")
    confirm_with_password(dialog, demo_user.password)
    page.locator("#ac-username").get_by_text("Saved.").wait_for()
    page.locator("#ac-password").get_by_role("link").click()
    page.get_by_label("New password", exact=True).wait_for()
    assert page.get_by_text("Saved.").count() == 0


def _contrast(page, foreground: str, background: str) -> float:
    return page.evaluate(
        """([fg, bg]) => {
          const rgb = c => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
          const lum = c => { const [r, g, b] = rgb(c).map(v => { v /= 255;
            return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
            return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
          const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
          return (a + 0.05) / (b + 0.05); }""",
        [foreground, background],
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_links_focus_ring_and_skip_link(page, demo, demo_user, scheme) -> None:
    page.emulate_media(color_scheme=scheme)
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/")
    # The first Tab reaches the skip link, which takes focus to the content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("el => el === document.activeElement") and skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "ac-main"
    link = page.get_by_role("link", name="Manage sign-in & security")
    color = link.evaluate("el => getComputedStyle(el).color")
    assert color not in ("rgb(0, 0, 238)", "rgb(85, 26, 139)"), "the browser's default link blue"
    link.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    ring = link.evaluate("el => getComputedStyle(el).outlineColor")
    card = link.evaluate("el => getComputedStyle(el.closest('.ac-card')).backgroundColor")
    body = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert _contrast(page, ring, card) >= 3 and _contrast(page, ring, body) >= 3


def test_favicon_is_served(page, demo) -> None:
    assert page.request.get(f"{demo}/favicon.ico").status == 200
    page.goto(f"{demo}/")
    icon = page.locator("link[rel='icon']").get_attribute("href")
    assert icon and page.request.get(f"{demo}{icon}").status == 200


def test_sign_in_again_from_the_dialog_comes_back_to_the_typed_value(page, demo, demo_user) -> None:
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/security/")
    page.wait_for_load_state("networkidle")
    page.locator("#ac-username").get_by_role("link").click()
    page.get_by_role("textbox", name="Username").fill("typed_in_dialog")
    page.get_by_role("button", name="Save username").click()
    again = page.locator("dialog#ac-step-up").get_by_role("link", name="Sign in again instead")
    assert "typed_in_dialog" not in (again.get_attribute("href") or "")
    again.click()
    fill_logto_sign_in_form(page, demo_user.username, demo_user.password)
    page.wait_for_url(re.compile(r".*/account/security/username/$"))
    assert page.get_by_role("textbox", name="Username").input_value() == "typed_in_dialog"
    assert "You signed in again" in page.locator(".ac-messages").inner_text()


def test_reduced_motion_turns_transitions_off(page, demo, demo_user) -> None:
    page.emulate_media(reduced_motion="reduce")
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/security/")
    button = page.locator("#ac-username .ac-button")
    assert button.evaluate("el => getComputedStyle(el).transitionDuration") in ("0s", "0s, 0s")
    page.emulate_media(reduced_motion="no-preference")
    assert button.evaluate("el => getComputedStyle(el).transitionDuration") != "0s"


def test_second_demo_user_makes_taken_address_visible(page, demo, demo_user, settings) -> None:
    from logto_emulator.seed import DEMO_USER_2

    settings.LOGTO_EMULATOR_MOUNTED = True  # the home page then lists the demo accounts
    page.goto(f"{demo}/")
    assert page.get_by_text(DEMO_USER_2.password).is_visible()  # the home page lists both
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/security/")
    page.wait_for_load_state("networkidle")
    page.locator("#ac-email").get_by_role("link").click()
    page.get_by_label("New email address").fill(DEMO_USER_2.primary_email)
    page.get_by_role("button", name="Send a code").click()
    dialog = page.locator("dialog#ac-step-up")
    confirm_with_password(dialog, demo_user.password)
    page.get_by_text("already used by another account").wait_for()
