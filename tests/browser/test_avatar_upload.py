"""Uploading a profile picture in the browser, with htmx and without JavaScript: the file field
beside the web address, the picture checked and resized on the server, then shown. The site's
adapter keeps it here under a ``/media/avatars/`` address of the site, which the browser is
served from what was kept: a host project's storage, in short."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from account_center.adapter import DefaultAccountCenterAdapter

from .helpers import sign_in
from .test_in_place import no_js_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


STORED: dict[str, bytes] = {}


class StoringAdapter(DefaultAccountCenterAdapter):
    def store_avatar(self, request, file):
        STORED[file.name] = file.read()
        return request.build_absolute_uri(f"/media/avatars/{file.name}")


def _serve(route) -> None:
    name = route.request.url.rsplit("/", 1)[-1]
    if name in STORED:
        route.fulfill(status=200, body=STORED[name], content_type="image/jpeg")
    else:
        route.fulfill(status=404, body="")


@pytest.fixture
def storing(settings):
    settings.ACCOUNT_CENTER_ADAPTER = f"{__name__}.StoringAdapter"
    STORED.clear()


def _picture_file(tmp_path) -> str:
    path = tmp_path / "holiday.png"
    Image.new("RGB", (1600, 900), (30, 140, 60)).save(path, "PNG")
    return str(path)


def _shown_size(page) -> tuple[int, int]:
    """The size of the picture the page shows, as the browser decoded it."""
    picture = page.locator("img.ac-avatar").first
    picture.wait_for()
    assert re.search(r"/media/avatars/[0-9a-f]{16}\.jpg$", picture.get_attribute("src") or "")
    page.wait_for_function("document.querySelector('img.ac-avatar').naturalWidth > 0")
    width, height = picture.evaluate("img => [img.naturalWidth, img.naturalHeight]")
    return width, height


def test_a_picture_uploaded_in_place_is_resized_and_shown(page, demo, demo_user, storing, tmp_path):
    page.route("**/media/avatars/*", _serve)
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/profile/")
    page.get_by_role("link", name="Edit").first.click()
    upload = page.get_by_label("Or upload a picture")
    upload.wait_for()
    upload.set_input_files(_picture_file(tmp_path))
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved.").first.wait_for()
    assert _shown_size(page) == (512, 288)


def test_without_javascript_the_upload_works_too(browser, demo, demo_user, storing, tmp_path):
    plain = no_js_page(browser)
    plain.route("**/media/avatars/*", _serve)
    sign_in(plain, demo, demo_user)
    plain.goto(f"{demo}/account/profile/edit/")
    plain.get_by_label("Or upload a picture").set_input_files(_picture_file(tmp_path))
    plain.get_by_role("button", name="Save").click()
    plain.wait_for_url(f"{demo}/account/profile/")
    try:
        assert _shown_size(plain) == (512, 288)
    finally:
        plain.context.close()


def test_a_file_that_is_not_a_picture_is_said_at_the_field(page, demo, demo_user, storing, tmp_path):
    path = tmp_path / "notes.png"
    path.write_text("not a picture")
    sign_in(page, demo, demo_user)
    page.goto(f"{demo}/account/profile/edit/")
    page.get_by_label("Or upload a picture").set_input_files(str(path))
    page.get_by_role("button", name="Save").click()
    error = page.locator("#id_avatar_file_error")
    error.wait_for()
    assert "not a picture" in error.inner_text()
