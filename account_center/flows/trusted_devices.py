"""Remembered devices: the devices the user told Logto to remember at the second step, where
Logto skips it for a while; forgetting one (or all) makes its next sign-in ask again.

Logto has these only in builds with its development features on (1.43's candidate): elsewhere
the list raises :class:`TrustedDevicesUnsupported`, remembered an hour in the service layer's one
memory (:mod:`account_center.logto.unsupported`), and the page says so in a sentence. Such a
build also has the tenant's policy in its sign-in experience (``trustedDevice``): where it is
off, Logto remembers no device and skips no second step, and the page says that instead
(:func:`settings_remember_devices`). Only the
Management API is used: the Account API's routes need a scope and a field of the same
development features.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ..logto import unsupported
from ..logto.access_models import TrustedDevice
from ..logto.client import get_client
from ..logto.errors import LogtoError, LogtoNotFound, LogtoUnsupported
from ..user_agents import describe
from . import actions
from .changes import Change, change
from .errors import FlowError

GONE = _("This device is no longer remembered.")


class TrustedDevicesUnsupported(Exception):
    """This Logto has no remembered devices (a production build of a version that keeps them
    behind its development features, or an older one)."""


@dataclass(frozen=True)
class DeviceRow:
    """A remembered device as the page shows it (never its IP address: Logto keeps it back)."""

    id: str
    device: str
    where: str
    remembered_at: datetime | None
    last_used_at: datetime | None
    expires_at: datetime | None


def known_unsupported() -> bool:
    """True once this Logto answered that it has no remembered devices (never probed here)."""
    return unsupported.known(unsupported.TRUSTED_DEVICES)


def settings_remember_devices() -> bool:
    """False only when the tenant's sign-in experience says Logto remembers no device
    (``trustedDevice`` without ``enabled: true``: Logto's default is off). True when it does, or
    does not say: a production build leaves the policy out, and a Logto that does not answer
    leaves the list to say what it can."""
    if known_unsupported():
        return True
    try:
        policy = get_client().get_public_sign_in_experience().trusted_device
    except LogtoError:
        return True
    return policy is None or policy.enabled


def _where(device: TrustedDevice) -> str:
    return ", ".join(part for part in (device.city, device.country) if part)


def _devices(sub: str) -> list[TrustedDevice]:
    try:
        return get_client().list_trusted_devices(sub)
    except LogtoUnsupported:
        raise TrustedDevicesUnsupported from None


def list_devices(sub: str) -> list[DeviceRow]:
    """The remembered devices, most recently used first. Raises
    :class:`TrustedDevicesUnsupported`."""
    rows = [
        DeviceRow(
            id=device.id,
            device=describe(device.user_agent),
            where=_where(device),
            remembered_at=device.created_at,
            last_used_at=device.last_used_at,
            expires_at=device.expires_at,
        )
        for device in _devices(sub)
    ]
    oldest = datetime.min.replace(tzinfo=UTC)
    rows.sort(key=lambda r: -(r.last_used_at or r.remembered_at or oldest).timestamp())
    return rows


def for_download(sub: str) -> list[dict[str, object]] | None:
    """For "Download my data": each device in words, where and when (``None`` where this Logto
    has none)."""
    try:
        rows = list_devices(sub)
    except TrustedDevicesUnsupported:
        return None
    return [
        {
            "device": row.device,
            "where": row.where or None,
            "remembered_at": row.remembered_at,
            "last_used_at": row.last_used_at,
        }
        for row in rows
    ]


def _forget(ch: Change, device: TrustedDevice) -> None:
    words = describe(device.user_agent)
    ch.note(device=words)
    try:
        get_client().delete_trusted_device(ch.sub, device.id)
    except LogtoUnsupported:
        raise TrustedDevicesUnsupported from None
    except LogtoNotFound:
        pass  # forgotten meanwhile: the outcome the user asked for
    ch.done(signal_args={"device": words})


def forget(request: HttpRequest, device_id: str) -> str:
    """Forget one remembered device; answers it in words."""
    with change(request, actions.TRUSTED_DEVICE_FORGET, sender=__name__) as ch:
        device = next((d for d in _devices(ch.sub) if d.id == device_id), None)
        if device is None:
            raise FlowError(GONE, code="entity.not_found")
        _forget(ch, device)
    return describe(device.user_agent)


def forget_all(request: HttpRequest) -> int:
    """Forget every remembered device; answers how many."""
    with change(request, actions.TRUSTED_DEVICE_FORGET, sender=__name__) as ch:
        found = _devices(ch.sub)
        for device in found:
            _forget(ch, device)
    return len(found)
