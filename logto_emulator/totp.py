"""TOTP (RFC 6238) as Logto's otplib does it: any secret its rule accepts, 16 characters included.

pyotp refuses secrets under 112 bits, which Logto accepts (``JBSWY3DPEHPK3PXP``), so the emulator
computes codes itself.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
import time
from urllib.parse import quote, urlencode

STEP_SECONDS = 30


def _key(secret: str) -> bytes:
    padded = secret.rstrip("=")
    return base64.b32decode(padded + "=" * (-len(padded) % 8))


def code_at(secret: str, counter: int) -> str:
    digest = hmac.new(_key(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def now_code(secret: str, at: float | None = None) -> str:
    return code_at(secret, int((time.time() if at is None else at) // STEP_SECONDS))


def verify(secret: str, code: str, window: int = 1) -> bool:
    """``code`` is the current code or one of the ``window`` steps either side (otplib's window)."""
    counter = int(time.time() // STEP_SECONDS)
    return any(
        secrets.compare_digest(code_at(secret, counter + delta), code)
        for delta in range(-window, window + 1)
    )


def key_uri(secret: str, label: str, issuer: str) -> str:
    """otplib's ``authenticator.keyuri(user, service, secret)``."""
    query = urlencode(
        {"secret": secret, "period": 30, "digits": 6, "algorithm": "SHA1", "issuer": issuer}
    )
    return f"otpauth://totp/{quote(issuer)}:{quote(label)}?{query}"
