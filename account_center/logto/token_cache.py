"""The Management API access token, kept in Django's cache so every worker shares one.

Logto's machine-to-machine tokens live about an hour. Fetching one per request (or per worker)
would cost a token-endpoint round trip each time, so the token is stored in the default cache under
a key derived from the endpoint, the M2M app id and the resource: two deployments sharing a cache
never see each other's token, and the key itself reveals nothing.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.core.cache import cache

# Refresh this long before Logto's expiry: a token that expires in flight costs a 401 and a retry.
EXPIRY_MARGIN_SECONDS = 60


@dataclass(frozen=True)
class CachedToken:
    access_token: str
    expires_at: float  # epoch seconds, as Logto announced (expires_in) from the fetch time

    def is_fresh(self, now: float | None = None) -> bool:
        now = time.time() if now is None else now
        return now < self.expires_at - EXPIRY_MARGIN_SECONDS


def cache_key(endpoint: str, m2m_app_id: str, resource: str) -> str:
    digest = hashlib.sha256(f"{endpoint}\n{m2m_app_id}\n{resource}".encode()).hexdigest()
    return f"account_center:logto:m2m-token:{digest[:32]}"


def load(key: str) -> CachedToken | None:
    value = cache.get(key)
    if not isinstance(value, dict):
        return None
    token = value.get("access_token")
    expires_at = value.get("expires_at")
    if not isinstance(token, str) or not isinstance(expires_at, (int, float)):
        return None
    cached = CachedToken(token, float(expires_at))
    return cached if cached.is_fresh() else None


def store(key: str, access_token: str, expires_in: float) -> CachedToken:
    now = time.time()
    cached = CachedToken(access_token, now + expires_in)
    # The cache drops the entry once it is no longer fresh; is_fresh() guards clock skew anyway.
    timeout = max(1, int(expires_in - EXPIRY_MARGIN_SECONDS))
    cache.set(key, {"access_token": access_token, "expires_at": cached.expires_at}, timeout)
    return cached


def forget(key: str, access_token: str | None = None) -> None:
    """Drop the cached token (only if it is still ``access_token``, when given)."""
    if access_token is not None:
        current = cache.get(key)
        if isinstance(current, dict) and current.get("access_token") != access_token:
            # Another worker already replaced it with a newer token: keep that one.
            return
    cache.delete(key)
