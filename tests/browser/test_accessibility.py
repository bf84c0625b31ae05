"""axe-core finds no accessibility violations on the account center's pages, the emulator's
sign-in form included, nor on a form swapped in by htmx."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from . import helpers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    *helpers.FORM_PAGES,
    "/account/verify/",
]


def assert_no_violations(page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def sign_in_scanned(page, demo, demo_user) -> None:
    # The emulator's sign-in form is scanned too.
    helpers.sign_in(page, demo, demo_user, check=assert_no_violations)


# Every page in both colour schemes, at a desktop and a phone width (colour contrast included).
VIEWS = [
    pytest.param(scheme, width, id=f"{scheme}-{width}")
    for scheme in ("light", "dark")
    for width in (1280, 320)
]


@pytest.mark.parametrize("scheme,width", VIEWS)
def test_pages_have_no_axe_violations(page, demo, demo_user, scheme, width):
    page.emulate_media(color_scheme=scheme)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{demo}/")
    assert_no_violations(page)  # the demo's home page wears the same styles
    sign_in_scanned(page, demo, demo_user)
    for path in [*PAGES, *(p for p in helpers.menu_pages(page, demo) if p not in PAGES)]:
        page.goto(f"{demo}{path}")
        assert_no_violations(page)


def test_form_swapped_in_by_htmx_has_no_axe_violations(page, demo, demo_user):
    sign_in_scanned(page, demo, demo_user)
    page.goto(f"{demo}/account/profile/")
    page.get_by_role("link", name="Edit profile").click()
    page.get_by_label("Name", exact=True).wait_for()
    assert_no_violations(page)
