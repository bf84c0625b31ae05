"""The admin's overrides of the Django settings (:class:`~account_center.models.SiteSettings`),
read on every request, so cached: the cache holds a version key (the row's ``revision``) and the
overrides under a key naming that version. A save writes a new version, so every worker sharing
the cache reads the new values at its next request, without a restart. Each process keeps the
last version it read, so a request costs one cache read.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import DatabaseError
from django.db.models.signals import post_save
from django.dispatch import receiver

from .features import normalise
from ..models import SiteSettings

logger = logging.getLogger(__name__)

VERSION_KEY = "account_center:site-settings:version"
NONE = "none"  # the version while no row exists: every default applies


@dataclass(frozen=True)
class Overrides:
    """What the admin set; ``None`` (or an empty dict) leaves the Django setting in force."""

    features: dict[str, str] = field(default_factory=dict)
    step_up_seconds: int | None = None
    step_up_methods: tuple[str, ...] | None = None
    rate_limits: dict[str, str] | None = None
    code_resend_seconds: int | None = None
    deleted_user_action: str | None = None
    security_alerts: dict[str, bool] = field(default_factory=dict)


DEFAULTS = Overrides()
_last: tuple[str, Overrides] = ("", DEFAULTS)
# The overrides one request reads once: a page asks for levels dozens of times (every button),
# and one request sees one version even if a save lands while it runs.
_pinned: ContextVar[Overrides | None] = ContextVar("account_center_site_settings", default=None)


@contextmanager
def pinned() -> Iterator[None]:
    """Within the block (a request), :func:`current` answers from one read."""
    token = _pinned.set(current())
    try:
        yield
    finally:
        _pinned.reset(token)


def _data_key(version: str) -> str:
    return f"account_center:site-settings:{version}"


def of_row(row: Any) -> Overrides:
    features = {}
    for name, value in (row.features or {}).items():
        found = normalise(value)
        if found is not None:
            features[str(name)] = found
    methods = row.step_up_methods
    return Overrides(
        features=features,
        step_up_seconds=row.step_up_seconds,
        step_up_methods=tuple(methods) if methods is not None else None,
        rate_limits=dict(row.rate_limits) if row.rate_limits is not None else None,
        code_resend_seconds=row.code_resend_seconds,
        deleted_user_action=row.deleted_user_action or None,
        security_alerts={str(k): bool(v) for k, v in (row.security_alerts or {}).items()},
    )


def _load() -> tuple[str, Overrides]:
    row = SiteSettings.objects.order_by("pk").first()
    if row is None:
        return NONE, DEFAULTS
    return row.revision or NONE, of_row(row)


def current() -> Overrides:
    """The overrides in force now."""
    global _last
    in_request = _pinned.get()
    if in_request is not None:
        return in_request
    version = cache.get(VERSION_KEY)
    if version is not None and version == _last[0]:
        return _last[1]
    if version is not None:
        overrides = cache.get(_data_key(version))
        if overrides is not None:
            _last = (version, overrides)
            return overrides
    try:
        version, overrides = _load()
    except DatabaseError:
        # Before `migrate` the table does not exist: the Django settings alone apply.
        logger.warning("Account center settings table unreadable; using the Django settings.")
        return DEFAULTS
    cache.set_many({VERSION_KEY: version, _data_key(version): overrides}, timeout=None)
    _last = (version, overrides)
    return overrides


@receiver(post_save, sender=SiteSettings, dispatch_uid="account_center_site_settings")
def _saved(sender: Any, instance: SiteSettings, raw: bool, **kwargs: Any) -> None:
    # Published at once rather than on commit: the admin saves in a transaction that commits
    # right after, and tests run inside one that never does. A fixture being loaded (raw) never
    # went through save(), so it is not published.
    if not raw:
        publish(instance)


def publish(row: Any) -> None:
    """After ``row`` was saved: a new version, read by every worker at its next request."""
    global _last
    overrides = of_row(row)
    cache.set_many({VERSION_KEY: row.revision, _data_key(row.revision): overrides}, timeout=None)
    _last = (row.revision, overrides)


def assume_defaults() -> None:
    """Cache "no overrides" without asking the database (tests whose database holds no row)."""
    global _last
    cache.set_many({VERSION_KEY: NONE, _data_key(NONE): DEFAULTS}, timeout=None)
    _last = (NONE, DEFAULTS)
