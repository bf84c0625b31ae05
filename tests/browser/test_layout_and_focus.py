"""How the pages look and take the keyboard, checked as a person would: no page scrolls sideways
from 320 px up, even with 128-character values; a compact menu on a phone; links, focus ring and
skip link in both colour schemes; the favicon; no transitions for reduced motion."""

from __future__ import annotations

import pytest

from logto_emulator.seed import DemoUser

from .helpers import FORM_PAGES, menu_pages, sign_in

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


def test_reduced_motion_turns_transitions_off(page, demo, demo_user) -> None:
    page.emulate_media(reduced_motion="reduce")
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/security/")
    button = page.locator("#ac-username .ac-button")
    assert button.evaluate("el => getComputedStyle(el).transitionDuration") in ("0s", "0s, 0s")
    page.emulate_media(reduced_motion="no-preference")
    assert button.evaluate("el => getComputedStyle(el).transitionDuration") != "0s"
