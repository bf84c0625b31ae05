"""Secrets sealed before they rest outside the database: in Django's cache or the session store.

Caches and session stores are often less guarded than databases (a Redis without a password, a
dump left on a disk), so what could act for a user or the whole tenant (the Management API token,
an authenticator-app secret waiting for its first code) is stored encrypted (Fernet) with a key
derived from ``SECRET_KEY`` and a purpose: a dump of the store alone hands out nothing, and a
value sealed for one purpose does not open as another. The trade-off: whoever has both the store
and ``SECRET_KEY`` has the secret, as they would have every session anyway; rotating
``SECRET_KEY`` makes sealed values unreadable (:func:`unseal` answers ``None``), and each caller
then starts over (a new token fetched, a setup begun again).
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet(purpose: str) -> Fernet:
    digest = hashlib.sha256(f"account_center.{purpose}\n{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(value: str, purpose: str) -> str:
    """``value`` encrypted and authenticated for ``purpose``, as text a cache or session keeps."""
    return _fernet(purpose).encrypt(value.encode()).decode()


def unseal(sealed: object, purpose: str) -> str | None:
    """What :func:`seal` sealed for ``purpose``; ``None`` for anything else (another
    ``SECRET_KEY`` or purpose, a tampered or non-text value)."""
    if not isinstance(sealed, str):
        return None
    try:
        return _fernet(purpose).decrypt(sealed.encode()).decode()
    except InvalidToken:
        return None
