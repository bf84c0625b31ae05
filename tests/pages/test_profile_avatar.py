"""Uploading a profile picture: offered only when it can be checked (Pillow) and stored (Logto's
storage through the Account API, or the adapter's ``store_avatar``); checked by decoding it,
stored resized and re-encoded, its address saved as the avatar through the profile's change."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from account_center.adapter import DefaultAccountCenterAdapter
from account_center.flows import avatar as avatar_flow
from account_center.models import AuditEvent
from tests.helpers import USER_URL, body, calls, logto_user

STORED: list[tuple[str, bytes]] = []


class StoringAdapter(DefaultAccountCenterAdapter):
    def store_avatar(self, request: Any, file: Any) -> str | None:
        STORED.append((file.name, file.read()))
        return f"https://media.example/avatars/{file.name}"


@pytest.fixture
def storing(settings: Any) -> list[tuple[str, bytes]]:
    settings.ACCOUNT_CENTER_ADAPTER = f"{__name__}.StoringAdapter"
    STORED.clear()
    return STORED


def _picture(size: tuple[int, int] = (1200, 800), fmt: str = "PNG", mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (200, 30, 30)).save(out, fmt)
    return out.getvalue()


def _upload(content: bytes, name: str = "me.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/png")


def test_no_upload_is_offered_where_nothing_can_store_it(auth_client, logto_mock) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    html = auth_client.get(reverse("account_center:profile_edit")).content.decode()
    assert 'name="avatar"' in html and 'type="file"' not in html
    assert "multipart/form-data" not in html


def test_without_pillow_no_upload_is_offered(auth_client, logto_mock, storing, monkeypatch) -> None:
    monkeypatch.setattr(avatar_flow, "Image", None)
    logto_mock.get(USER_URL, json=logto_user())
    html = auth_client.get(reverse("account_center:profile_edit")).content.decode()
    assert 'type="file"' not in html


def test_a_picture_is_resized_stored_by_the_adapter_and_saved_as_the_avatar(
    auth_client, logto_mock, storing, htmx_headers
) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    form = auth_client.get(reverse("account_center:profile_edit")).content.decode()
    assert 'type="file"' in form and 'enctype="multipart/form-data"' in form
    assert 'accept="image/jpeg,image/png,image/gif,image/webp,image/bmp"' in form
    logto_mock.patch(USER_URL, json=logto_user(avatar="https://media.example/a.jpg"))

    response = auth_client.post(
        reverse("account_center:profile_edit"),
        {"name": "Alice", "avatar_file": _upload(_picture())},
        **htmx_headers,
    )

    assert response.status_code == 200, response.content[:400]
    ((name, content),) = storing
    stored = Image.open(io.BytesIO(content))
    assert (stored.format, max(stored.size)) == ("JPEG", avatar_flow.SIDE)
    assert stored.size == (512, 341)  # the proportions kept
    (patch,) = calls(logto_mock, "PATCH", USER_URL)
    assert body(patch)["avatar"] == f"https://media.example/avatars/{name}"
    event = AuditEvent.objects.get(action="profile_update")
    assert "avatar" in event.detail["fields"]


def test_transparency_is_kept_as_png(auth_client, logto_mock, storing) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    logto_mock.patch(USER_URL, json=logto_user())
    picture = _picture((64, 64), "PNG", "RGBA")
    auth_client.post(
        reverse("account_center:profile_edit"), {"name": "Alice", "avatar_file": _upload(picture)}
    )
    ((name, content),) = storing
    assert name.endswith(".png") and Image.open(io.BytesIO(content)).mode == "RGBA"


@pytest.mark.parametrize(
    "content",
    [
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        b"%PDF-1.4 not a picture",
        _picture()[:200],  # cut short
    ],
    ids=["svg", "pdf", "truncated"],
)
def test_what_is_not_a_picture_is_a_field_error_and_nothing_is_stored(
    auth_client, logto_mock, storing, htmx_headers, content
) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    response = auth_client.post(
        reverse("account_center:profile_edit"),
        {"name": "Alice", "avatar_file": _upload(content)},
        **htmx_headers,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "id_avatar_file_error" in html and "not a picture" in html
    assert not storing and not calls(logto_mock, "PATCH", USER_URL)


def test_a_file_over_the_limit_is_refused_before_decoding(
    auth_client, logto_mock, storing, monkeypatch
) -> None:
    monkeypatch.setattr(avatar_flow, "MAX_UPLOAD_BYTES", 1024)
    logto_mock.get(USER_URL, json=logto_user())
    response = auth_client.post(
        reverse("account_center:profile_edit"),
        {"name": "Alice", "avatar_file": _upload(_picture())},
    )
    assert "too large" in response.content.decode()
    assert not storing and not calls(logto_mock, "PATCH", USER_URL)


def test_without_javascript_the_plain_post_goes_back_to_the_profile(
    auth_client, logto_mock, storing
) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    logto_mock.patch(USER_URL, json=logto_user())
    response = auth_client.post(
        reverse("account_center:profile_edit"),
        {"name": "Alice", "avatar_file": _upload(_picture((40, 40)))},
    )
    assert response.status_code == 302
    assert len(storing) == 1 and len(calls(logto_mock, "PATCH", USER_URL)) == 1
