"""The Management API access token, kept in Django's cache so every worker shares one.

Logto's machine-to-machine tokens live about an hour. Fetching one per request (or per worker)
would cost a token-endpoint round trip each time, so the token is stored in the default cache under
a key derived from the endpoint, the M2M app id and the resource: two deployments sharing a cache
never see each other's token, and the key itself reveals nothing.

The token can do anything in the Logto tenant (scope ``all``), and caches are often less guarded
than databases. So it is stored sealed (:mod:`account_center.sealing`: Fernet, a key derived from
``SECRET_KEY``): a dump of the cache alone hands out nothing; rotating ``SECRET_KEY`` makes the
stored token unreadable, and the next call simply fetches a new one.

When the token is missing or refused, one worker of the deployment fetches a new one while the
others wait for it (:func:`refresh_lock`), so a 401 seen by many workers at once costs Logto one
token request, not one per worker.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.cache import cache
from django.views.decorators.debug import sensitive_variables

from account_center import clock
from account_center.sealing import seal, unseal

# Refresh this long before Logto's expiry: a token that expires in flight costs a 401 and a retry.
EXPIRY_MARGIN_SECONDS = 60


@dataclass(frozen=True)
class CachedToken:
    access_token: str = field(repr=False)  # error reports print the variables holding this
    expires_at: float  # epoch seconds, as Logto announced (expires_in) from the fetch time

    def is_fresh(self, now: float | None = None) -> bool:
        now = clock.now() if now is None else now
        return now < self.expires_at - EXPIRY_MARGIN_SECONDS


def cache_key(endpoint: str, m2m_app_id: str, resource: str) -> str:
    digest = hashlib.sha256(f"{endpoint}\n{m2m_app_id}\n{resource}".encode()).hexdigest()
    return f"account_center:logto:m2m-token:{digest[:32]}"


# How long a worker holding the refresh lock may take, and how long the others wait for it.
LOCK_SECONDS = 15
WAIT_SECONDS = 10.0
_POLL_SECONDS = 0.05


# The purpose the token is sealed for (see account_center.sealing).
SEALED_AS = "m2m-token"


@sensitive_variables("token")
def _read(key: str) -> CachedToken | None:
    value = cache.get(key)
    if not isinstance(value, dict):
        return None
    sealed = value.get("token")
    expires_at = value.get("expires_at")
    if not isinstance(expires_at, (int, float)):
        return None
    token = unseal(sealed, SEALED_AS)
    if token is None:  # another SECRET_KEY sealed it: fetch a new one
        return None
    return CachedToken(token, float(expires_at))


def load(key: str) -> CachedToken | None:
    cached = _read(key)
    return cached if cached is not None and cached.is_fresh() else None


@sensitive_variables("access_token")
def store(key: str, access_token: str, expires_in: float) -> CachedToken:
    now = clock.now()
    cached = CachedToken(access_token, now + expires_in)
    # The cache drops the entry once it is no longer fresh; is_fresh() guards clock skew anyway.
    timeout = max(1, int(expires_in - EXPIRY_MARGIN_SECONDS))
    sealed = seal(access_token, SEALED_AS)
    cache.set(key, {"token": sealed, "expires_at": cached.expires_at}, timeout)
    return cached


@sensitive_variables("access_token")
def forget(key: str, access_token: str | None = None) -> None:
    """Drop the cached token (only if it is still ``access_token``, when given)."""
    if access_token is not None:
        current = _read(key)
        if current is not None and current.access_token != access_token:
            # Another worker already replaced it with a newer token: keep that one.
            return
    cache.delete(key)


@contextmanager
def refresh_lock(key: str, rejected: str = "") -> Iterator[bool]:
    """Yields True to the one worker (of every process sharing the cache) that should fetch a new
    token; others get False once a fresh token other than ``rejected`` is stored, the holder let
    go, or :data:`WAIT_SECONDS` passed."""
    lock_key, owner = f"{key}:refreshing", secrets.token_hex(8)
    if cache.add(lock_key, owner, LOCK_SECONDS):
        try:
            yield True
        finally:
            if cache.get(lock_key) == owner:
                cache.delete(lock_key)
        return
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline and cache.get(lock_key) is not None:
        cached = load(key)
        if cached is not None and cached.access_token != rejected:
            break
        time.sleep(_POLL_SECONDS)  # another worker is asking Logto; its answer lands in the cache
    yield False
