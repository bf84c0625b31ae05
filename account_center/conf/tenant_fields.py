"""Logto's word on what the user may see and change, as a cap on the site's Off / ReadOnly / Edit.

With the Account API as a gateway (``ACCOUNT_CENTER_LOGTO_GATEWAY`` ``"account"`` or ``"auto"``)
the tenant's account-center settings are enforced by Logto itself, so the site may close more
than Logto does, never open what Logto closes: a feature is at most what its Logto field allows.
And without M2M credentials, what only the Management API can do (deletion, developer tokens,
and what the Account API does not reach yet) is Off, and :func:`why_closed` says why.

This module sits beside :mod:`account_center.conf.features` (which asks :func:`at_most` for every
level), below the Logto client in the layers, so it cannot read Logto itself: the gateway hands it
a reader when the app starts (:func:`use_reader`, from ``apps.ready``). The reader answers from
Django's cache, and reads Logto at most once a minute.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from .app_settings import app_settings

OFF, READ_ONLY, EDIT = "off", "readonly", "edit"
_RANK = {OFF: 0, READ_ONLY: 1, EDIT: 2}
_FROM_LOGTO = {"Off": OFF, "ReadOnly": READ_ONLY, "Edit": EDIT}

# Each feature's field in Logto's account-center settings (``accountCenterFieldControlGuard``).
LOGTO_FIELDS = {
    "name": "name",
    "avatar": "avatar",
    "profile": "profile",
    "custom_data": "customData",
    "username": "username",
    "email": "email",
    "phone": "phone",
    "password": "password",
    "social": "social",
    "mfa": "mfa",
    "passkeys": "passkey",
    "sessions": "session",
    # Logto's grants routes of the Account API answer to the same field as its sessions.
    "apps": "session",
}
# Only the Management API has these: without M2M credentials they are Off. (The Account API's
# trusted devices need a scope and a field only Logto's development features have.)
MANAGEMENT_ONLY = frozenset({"deletion", "tokens", "trusted_devices", "organizations"})

# What the gateway hands in: ``{"enabled": bool, "fields": {logto field: control}}`` as Logto
# has it now, or ``None`` when Logto could not say. ``reachable(feature)``: whether the feature
# has a way to Logto without M2M credentials.
Reader = Callable[[], Mapping[str, Any] | None]
_reader: Reader | None = None
_reachable: Callable[[str], bool] = lambda feature: feature not in MANAGEMENT_ONLY  # noqa: E731


def use_reader(reader: Reader, reachable: Callable[[str], bool]) -> None:
    """Called once at start (``apps.ready``) with the gateway's readers."""
    global _reader, _reachable
    _reader, _reachable = reader, reachable


def _head(feature: str) -> str:
    return feature.partition(".")[0]


def has_m2m() -> bool:
    return bool(app_settings.LOGTO_M2M_APP_ID)


def logto_control(feature: str) -> str | None:
    """Logto's level for ``feature`` (one of this module's levels), or ``None`` when Logto's
    settings do not bind it: the gateway is the Management API, the feature has no Logto field,
    or (``"auto"``) the tenant's Account API is disabled or Logto could not say."""
    mode = app_settings.LOGTO_GATEWAY
    field = LOGTO_FIELDS.get(_head(feature))
    if mode == "management" or field is None or _reader is None:
        return None
    settings = _reader()
    if settings is None:
        # Logto could not say: "account" closes (Logto would refuse anyway), "auto" falls back.
        return OFF if mode == "account" else None
    if not settings.get("enabled"):
        return OFF if mode == "account" else None
    fields = settings.get("fields") or {}
    value = fields.get(field)
    if value is None and field == "passkey":
        value = fields.get("mfa")
    return _FROM_LOGTO.get(str(value), OFF)


def at_most(feature: str, level: str) -> str:
    """``level`` (the site's) capped by Logto's settings and by the M2M credentials."""
    if why_closed(feature) is not None:
        return OFF
    cap = logto_control(feature)
    if cap is None:
        return level
    return min(level, cap, key=_RANK.__getitem__)


def why_closed(feature: str) -> Any:
    """Words for a feature Off for want of M2M credentials, else ``None``."""
    if app_settings.LOGTO_GATEWAY == "management" or has_m2m():
        return None
    if _head(feature) in MANAGEMENT_ONLY or not _reachable(_head(feature)):
        return _("Off: only Logto's Management API can do this, and this site has no M2M credentials.")
    return None
