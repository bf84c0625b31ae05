"""The emulator's ``POST /api/my-account/user-assets/avatar`` as Logto's ``routes/account/
user-assets.ts`` and ``routes/avatar-upload.ts`` answer: the file's checks first, then the
tenant's storage (none by default, as on most self-hosted tenants)."""

from __future__ import annotations

import requests

from logto_emulator.server import EmulatorServer
from tests.emulator.conformance.account_cases import _png
from tests.emulator.test_account_api import EDIT_ALL, Me, me  # noqa: F401  (the fixture)

AVATAR = "/api/my-account/user-assets/avatar"


def _upload(me: Me, content: bytes, name: str = "me.png") -> requests.Response:
    return me("POST", AVATAR, files={"file": (name, content, "image/png")})


def test_without_storage_a_good_picture_is_refused_as_not_configured(me: Me) -> None:
    answer = _upload(me, _png())
    assert (answer.status_code, answer.json()["code"]) == (400, "storage.not_configured")


def test_with_storage_the_picture_is_kept_and_served_at_its_url(
    me: Me, logto_emulator: EmulatorServer
) -> None:
    logto_emulator.state.configure_avatar_storage()
    answer = _upload(me, _png(), name="my photo.png")
    assert answer.status_code == 200, answer.text
    url = answer.json()["url"]
    assert url.startswith(logto_emulator.url + "/user-assets/default/" + me.user["id"] + "/")
    assert url.endswith("-my-photo.png")
    served = requests.get(url, timeout=5)
    assert (served.headers["Content-Type"], served.content) == ("image/png", _png())


def test_the_type_is_read_from_the_bytes_and_a_cut_file_is_refused(
    me: Me, logto_emulator: EmulatorServer
) -> None:
    logto_emulator.state.configure_avatar_storage()
    for content in (b"<svg xmlns='http://www.w3.org/2000/svg'/>", _png()[:-4], b""):
        answer = _upload(me, content)
        assert (answer.status_code, answer.json()["code"]) == (400, "guard.mime_type_not_allowed")


def test_no_file_is_koa_guards_refusal_and_a_closed_field_is_not_editable(
    me: Me, logto_emulator: EmulatorServer
) -> None:
    missing = me("POST", AVATAR, data={"file": "not a file"})
    assert (missing.status_code, missing.json()["code"]) == (400, "guard.invalid_input")
    logto_emulator.state.configure_account_center(fields={**EDIT_ALL, "avatar": "ReadOnly"})
    closed = _upload(me, _png())
    assert (closed.status_code, closed.json()["code"]) == (400, "account_center.field_not_editable")
