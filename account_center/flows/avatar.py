"""A picture uploaded for the profile: checked by decoding it, resized, then stored at Logto (the
Account API's ``user-assets/avatar``, when the tenant has a storage provider) or through the
host project's storage (the adapter's ``store_avatar``). Its address becomes the avatar.

Pillow (the ``avatar`` extra) does the checking: a picture is opened, its format must be one
Logto takes, its size bounded, and it is stored re-encoded at most :data:`SIDE` pixels wide and
high, so no metadata (a phone's GPS position) and nothing hidden in the file travel on. Without
Pillow no upload is offered and the picture stays a web address.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ..site_adapter import get_adapter
from . import gateway
from .errors import FlowError

if TYPE_CHECKING:
    from .changes import Change

try:
    from PIL import Image, ImageOps, UnidentifiedImageError
except ImportError:  # the "avatar" extra is not installed: pictures stay web addresses
    Image = None  # type: ignore[assignment]

# What a browser may send; the stored picture is far smaller (SIDE, re-encoded).
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Decoding a picture of more pixels than this is refused (a small file can unpack to gigabytes).
MAX_PIXELS = 40_000_000
SIDE = 512
# The formats Logto's avatar upload takes (@logto/schemas ``avatarMimeTypes``).
FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "BMP")
ACCEPT = "image/jpeg,image/png,image/gif,image/webp,image/bmp"

TOO_BIG = _("The picture is too large: choose one of at most %(megabytes)s MB.")
NOT_A_PICTURE = _("This file is not a picture in JPEG, PNG, GIF, WebP or BMP.")
NOT_STORED = _("Pictures can't be uploaded here. Give the picture's web address instead.")


@dataclass(frozen=True)
class Picture:
    """A checked, resized picture, ready to store."""

    content: bytes
    filename: str
    content_type: str


class BadPicture(ValueError):
    """The upload is not a picture this site takes (the message says why, for the form)."""


def available() -> bool:
    """Whether pictures can be checked here (Pillow is installed)."""
    return Image is not None


def prepare(upload: IO[bytes], size: int | None) -> Picture:
    """Check ``upload`` by decoding it and make it a picture of at most SIDE × SIDE pixels: PNG
    when it has transparency, else JPEG. :class:`BadPicture` when it is none."""
    if Image is None:
        raise BadPicture(str(NOT_STORED))
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise BadPicture(str(TOO_BIG % {"megabytes": MAX_UPLOAD_BYTES // (1024 * 1024)}))
    try:
        with Image.open(upload, formats=FORMATS) as opened:
            if opened.width * opened.height > MAX_PIXELS:
                raise BadPicture(str(TOO_BIG % {"megabytes": MAX_UPLOAD_BYTES // (1024 * 1024)}))
            opened.load()
            picture: Any = ImageOps.exif_transpose(opened)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise BadPicture(str(NOT_A_PICTURE)) from None
    picture.thumbnail((SIDE, SIDE))
    has_alpha = picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info
    out = io.BytesIO()
    name = secrets.token_hex(8)
    if has_alpha:
        picture.convert("RGBA").save(out, "PNG", optimize=True)
        return Picture(out.getvalue(), f"{name}.png", "image/png")
    picture.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    return Picture(out.getvalue(), f"{name}.jpg", "image/jpeg")


def offered(request: HttpRequest) -> bool:
    """Whether the profile form offers a file: Pillow to check it, and somewhere to store it."""
    if not available():
        return False
    return gateway.avatar_storage_at_logto(request) or get_adapter().stores_avatars()


def store(ch: Change, picture: Picture) -> str:
    """Store ``picture`` (inside the profile's change) and answer its address: at Logto when the
    tenant has storage, else through the adapter; :class:`FlowError` when neither takes it."""
    url = gateway.upload_avatar(ch, picture.content, picture.filename, picture.content_type)
    if url is None:
        url = get_adapter().store_avatar(ch.request, ContentFile(picture.content, picture.filename))
    if not url:
        raise FlowError(NOT_STORED, code="storage.not_configured")
    return url
