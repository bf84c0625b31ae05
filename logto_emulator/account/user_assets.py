"""``POST /api/my-account/user-assets/avatar`` (``routes/account/user-assets.ts`` and
``routes/avatar-upload.ts``): a picture stored with the tenant's storage provider, answered as its
public URL. Most self-hosted tenants have none: then, after the file's own checks, 400
``storage.not_configured``. The emulator plays such a tenant unless a test or the demo calls
``state.configure_avatar_storage()``; then it keeps the picture itself and serves it at
``/user-assets/...`` (a real Logto answers its storage's public URL, on another host)."""

from __future__ import annotations

import secrets
import struct
import time
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

from logto_emulator.account.api import AccountAuth, require_editable, require_first_party
from logto_emulator.http import (
    ABSENT,
    HttpError,
    Request,
    Response,
    guard_error,
    json_response,
    type_issue,
)
from logto_emulator.routes import route
from logto_emulator.state import EmulatorState

MAX_UPLOAD_FILE_SIZE = 20 * 1024 * 1024  # @logto/schemas maxUploadFileSize
ASSET_PREFIX = "/user-assets/"


def _files(request: Request) -> list[tuple[str, bytes]]:
    """The ``file`` parts of a multipart body (koa-body/formidable): (filename, content)."""
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        return []
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + request.body
    )
    if not message.is_multipart():
        return []
    found = []
    for part in message.iter_parts():
        if part.get_param("name", header="content-disposition") != "file":
            continue
        filename = part.get_filename()
        if filename is None:
            continue  # a plain field of that name is no file to formidable
        payload = part.get_payload(decode=True)
        found.append((str(filename), payload if isinstance(payload, bytes) else b""))
    return found


def _starts(content: bytes, prefix: bytes) -> bool:
    return content.startswith(prefix)


# ``detectAvatarMimeType``: the type is read from the first bytes, never from the name.
_DETECTORS: tuple[tuple[str, Any], ...] = (
    ("image/jpeg", lambda c: _starts(c, b"\xff\xd8\xff")),
    ("image/png", lambda c: _starts(c, b"\x89PNG\r\n\x1a\n")),
    ("image/gif", lambda c: _starts(c, b"GIF8")),
    ("image/bmp", lambda c: _starts(c, b"BM")),
    ("image/webp", lambda c: _starts(c, b"RIFF") and c[8:12] == b"WEBP"),
)

# ``avatarEndMarkerValidators``: a truncated file is refused as the wrong type.
_WHOLE: dict[str, Any] = {
    "image/jpeg": lambda c: c.endswith(b"\xff\xd9"),
    "image/png": lambda c: len(c) >= 8 and c.endswith(b"IEND\xaeB`\x82"),
    "image/gif": lambda c: c.endswith(b"\x3b"),
    "image/webp": lambda c: len(c) >= 12 and len(c) == struct.unpack("<I", c[4:8])[0] + 8,
    "image/bmp": lambda c: len(c) >= 6 and len(c) == struct.unpack("<I", c[2:6])[0],
}
_EXTENSIONS = {
    "image/jpeg": "jpeg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/bmp": "bmp",
}


def _mime_type(content: bytes) -> str | None:
    return next((mime for mime, matches in _DETECTORS if matches(content)), None)


def _safe_filename(filename: str, mime: str) -> str:
    """``sanitizeFilename``."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    safe = "".join(ch if ch.isalnum() or ch in "_.-" else "-" for ch in base)[:128]
    return safe or f"{secrets.token_hex(4)}.{_EXTENSIONS[mime]}"


@route("POST", r"/api/my-account/user-assets/avatar")
def upload_avatar(state: EmulatorState, request: Request, auth: AccountAuth) -> Response:
    files = _files(request)
    if not files:
        raise guard_error(type_issue("file", "array", ABSENT), where="files")
    # ``assertThat(scopes.has(Profile), new RequestError({code: 'auth.unauthorized', status: 401}))``
    if "profile" not in auth.scopes:
        raise HttpError(401, "auth.unauthorized")
    require_first_party(state, auth)
    require_editable(auth.control("avatar"))
    filename, content = files[0]
    if len(content) > MAX_UPLOAD_FILE_SIZE:
        raise HttpError(400, "guard.file_size_exceeded")
    mime = _mime_type(content)
    if mime is None or not content or not _WHOLE[mime](content):
        raise HttpError(400, "guard.mime_type_not_allowed")
    if not state.avatar_storage:
        raise HttpError(400, "storage.not_configured")
    key = "/".join(
        (
            "default",
            auth.user_id,
            time.strftime("%Y/%m/%d", time.gmtime()),
            f"{secrets.token_hex(4)}-{_safe_filename(filename, mime)}",
        )
    )
    state.user_assets[key] = (mime, content)
    base = state.base_url or request.base_url
    return json_response({"url": f"{base}{ASSET_PREFIX}{key}"})


@route("GET", r"/user-assets/(.+)")
def asset(state: EmulatorState, request: Request, key: str) -> Response:
    """The stand-in storage's public URL of an uploaded picture."""
    kept = state.user_assets.get(key)
    if kept is None:
        return Response(404, b"Not Found", [("Content-Type", "text/plain; charset=utf-8")])
    mime, content = kept
    return Response(200, content, [("Content-Type", mime), ("Cache-Control", "no-cache")])
