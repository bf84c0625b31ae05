"""Audit trail of account changes. Callers pass only non-secret details."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ..models import AuditEvent
from .identity import client_ip

# Keys that must never reach the audit table, whatever a caller passes by mistake.
_SECRET_KEYS = frozenset({"password", "code", "verification_code", "token", "secret", "value"})

SUCCESS = AuditEvent.Outcome.SUCCESS
FAILURE = AuditEvent.Outcome.FAILURE
DENIED = AuditEvent.Outcome.DENIED
# A change was sent but Logto's answer never came (or was not Logto's): it may have been applied.
# Kept out of the model's choices so that no migration is needed; the admin shows it as is.
UNKNOWN = "unknown"


def record(request: HttpRequest, action: str, outcome: str, sub: str = "", **detail: Any) -> None:
    """Write one :class:`AuditEvent` for the signed-in user."""
    user = (
        request.user if getattr(request, "user", None) and request.user.is_authenticated else None
    )
    if not sub and user is not None:
        identity = getattr(user, "logto_identity", None)
        sub = identity.sub if identity is not None else ""
    kept = {k: v for k, v in detail.items() if k not in _SECRET_KEYS}
    agent = request.META.get("HTTP_USER_AGENT", "")
    if agent and "agent" not in kept:
        # The device in words on the user's recent-activity page ("Firefox on Linux").
        kept["agent"] = agent[:256]
    AuditEvent.objects.create(
        user=user,
        sub=sub,
        action=action,
        outcome=outcome,
        detail=kept,
        ip_address=client_ip(request),
    )
