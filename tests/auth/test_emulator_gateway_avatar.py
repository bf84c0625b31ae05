"""A profile picture through the Account API on the emulator (``ACCOUNT_CENTER_LOGTO_GATEWAY =
"auto"``, the tenant's ``avatar`` field Edit): stored by Logto's ``user-assets/avatar`` when the
tenant has storage; when Logto answers it has none, said in words, remembered, and no longer
offered (or stored by the adapter, which a site may give one)."""

from __future__ import annotations

import io
from typing import Any

import pytest
import requests
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

pytest.importorskip("logto_emulator.server", reason="the Logto emulator is not available")

from account_center.flows import gateway  # noqa: E402
from logto_emulator.server import EmulatorServer  # noqa: E402

from .test_emulator_gateway import EDIT_ALL, _demo, _signed_in, calls  # noqa: E402, F401
from .test_emulator_sign_in import emulator  # noqa: E402, F401

pytestmark = pytest.mark.django_db


def _file() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (900, 600), (10, 120, 200)).save(out, "PNG")
    return SimpleUploadedFile("me.png", out.getvalue(), content_type="image/png")


@pytest.fixture(autouse=True)
def _forget_storage() -> None:
    cache.delete(gateway.NO_AVATAR_STORAGE_KEY)


def test_a_tenant_with_storage_keeps_the_picture_at_logto(
    emulator: EmulatorServer,  # noqa: F811
    settings: Any,
    calls: list[tuple[str, str, bool]],  # noqa: F811
) -> None:
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "auto"
    emulator.state.configure_account_center(enabled=True, fields=EDIT_ALL)
    emulator.state.configure_avatar_storage()
    client = _signed_in(emulator)
    assert b'type="file"' in client.get("/account/profile/edit/").content
    calls.clear()

    saved = client.post("/account/profile/edit/", {"name": "Pic", "avatar_file": _file()})

    assert saved.status_code == 302, saved.content[:400]
    avatar = _demo(emulator)["avatar"]
    assert avatar.startswith(f"{emulator.url}/user-assets/")
    served = Image.open(io.BytesIO(requests.get(avatar, timeout=5).content))
    assert (served.format, served.size) == ("JPEG", (512, 341))
    writes = [(m, p) for m, p, _ in calls if m != "GET" and p.startswith("/api/")]
    assert writes[0] == ("POST", "/api/my-account/user-assets/avatar")
    assert ("PATCH", "/api/my-account") in writes
    assert not [call for call in calls if call[2]]  # no M2M token


def test_a_tenant_without_storage_says_so_and_stops_offering_it(
    emulator: EmulatorServer,  # noqa: F811
    settings: Any,
) -> None:
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "auto"
    emulator.state.configure_account_center(enabled=True, fields=EDIT_ALL)
    client = _signed_in(emulator)
    before = _demo(emulator)["avatar"]

    refused = client.post(
        "/account/profile/edit/", {"name": "Pic", "avatar_file": _file()}, HTTP_HX_REQUEST="true"
    )

    assert "can&#x27;t be uploaded here" in refused.content.decode()
    assert _demo(emulator)["avatar"] == before
    assert b'type="file"' not in client.get("/account/profile/edit/").content
