"""Logto reads kept a short while in Django's cache, so an account page costs no round trip.

What is kept: every ``GET`` of a user's own resources (``/api/users/<id>`` and below: the user,
second factors, Logto configs, tokens, sessions...; and the user's roles in an organization)
under that user, the Account API's reads that need no verification record (``/api/my-account``,
its second factors and configs, read with the user's own token) under that user too, and the
tenant's connector list and applications. For how long: ``ACCOUNT_CENTER_READ_CACHE_SECONDS`` (default 60; 0 turns it off), the
longest a change made elsewhere without a webhook can go unseen.

Why it is never stale after the app's own change: each user has a *generation*, a random token in
the cache that is part of every key of theirs. Every change the transport sends to a user's
resources draws a new one when it ends (whatever its outcome), so reads made after it miss and go
to Logto; so do the webhooks for changes made in Logto, and a sign-in. A read that raced a change
may store its answer under the old generation, which nothing reads again. Reads are shared by
every worker only if the cache is (Redis, Memcached, the database): a system check warns when it
is per process.
"""

from __future__ import annotations

import contextvars
import hashlib
import re
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from django.core.cache import cache
from django.views.decorators.debug import sensitive_variables

from account_center.conf.app_settings import app_settings

_PREFIX = "account_center:read:"
_USER_PATH = re.compile(r"^/api/users/([^/]+)(?:/|$)")
_MEMBER_PATH = re.compile(r"^/api/organizations/[^/]+/users/([^/]+)(?:/|$)")
# Tenant-wide reads the pages make; changed only in the Logto console.
_TENANT_PATHS = frozenset({"/api/connectors"})
_TENANT_PREFIXES = ("/api/applications/",)
_TENANT = "tenant"
# A generation outlives every value stored under it (their age is at most the read setting).
_GENERATION_SECONDS = 24 * 3600
MISS = object()

_fresh: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "account_center_fresh_reads", default=False
)


@contextmanager
def fresh() -> Iterator[None]:
    """Reads inside go to Logto (and refresh the cache): for answers that must be current."""
    token = _fresh.set(True)
    try:
        yield
    finally:
        _fresh.reset(token)


def scope_of(path: str) -> str | None:
    """Whose data ``path`` reads or changes: a Logto user id, the tenant, or None (not kept)."""
    match = _USER_PATH.match(path) or _MEMBER_PATH.match(path)
    if match:
        return match.group(1)
    if path in _TENANT_PATHS or path.startswith(_TENANT_PREFIXES):
        return _TENANT
    return None


def _generation(scope: str) -> str:
    key = f"{_PREFIX}gen:{scope}"
    current = cache.get(key)
    if current is None:
        # First read, or the generation was evicted: a new random one (never a reused value).
        cache.add(key, uuid.uuid4().hex, timeout=_GENERATION_SECONDS)
        current = cache.get(key)
    return str(current)


def _key(
    scope: str, path: str, params: Mapping[str, str] | Sequence[tuple[str, str]] | None
) -> str:
    pairs = sorted(params.items() if isinstance(params, Mapping) else (params or ()))
    digest = hashlib.sha256(repr((path, pairs)).encode()).hexdigest()[:32]
    return f"{_PREFIX}{scope}:{_generation(scope)}:{digest}"


def lookup(path: str, params: Any, *, scope: str | None = None) -> tuple[str | None, Any]:
    """``(key, value)`` for a GET of ``path``: value is :data:`MISS` when Logto must answer;
    key is None when the read is not to be kept. ``scope``: whose data a path without a user id
    reads (the Account API's ``/api/my-account``: the token's user)."""
    seconds = app_settings.READ_CACHE_SECONDS
    scope = scope or scope_of(path)
    if seconds <= 0 or scope is None:
        return None, MISS
    key = _key(scope, path, params)
    if _fresh.get():
        return key, MISS
    return key, cache.get(key, MISS)


@sensitive_variables("value")
def store(key: str | None, value: Any, path: str = "") -> None:
    if key is not None:
        cache.set(key, _without_secrets(path, value), timeout=app_settings.READ_CACHE_SECONDS)


def _without_secrets(path: str, value: Any) -> Any:
    """Logto lists each personal access token with its secret ``value``, which nothing here
    reads: it never reaches the cache (a shared Redis is no place for a credential)."""
    if path.endswith("/personal-access-tokens") and isinstance(value, list):
        return [
            {k: v for k, v in item.items() if k != "value"} if isinstance(item, dict) else item
            for item in value
        ]
    return value


def forget(scope: str | None) -> None:
    """Drop every read kept for ``scope`` (a Logto user id): a new generation."""
    if scope is not None:
        cache.set(f"{_PREFIX}gen:{scope}", uuid.uuid4().hex, timeout=_GENERATION_SECONDS)


def forget_path(path: str) -> None:
    """After a change sent to ``path``: drop the reads of whoever it changed."""
    forget(scope_of(path))
