"""Audit trail of account changes: the one writer of :class:`AuditEvent`, for the flows (through
the change path, :mod:`.changes`), the sign-in area, the views' error path, Logto's webhooks and
the administrators' actions in Django admin. Callers pass only non-secret details."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ..models import AuditEvent, LogtoIdentity
from .actions import Action
from .identity import client_ip

# Keys that must never reach the audit table, whatever a caller passes by mistake.
_SECRET_KEYS = frozenset({"password", "code", "verification_code", "token", "secret", "value"})

SUCCESS = AuditEvent.Outcome.SUCCESS
FAILURE = AuditEvent.Outcome.FAILURE
DENIED = AuditEvent.Outcome.DENIED
# A change was sent but Logto's answer never came (or was not Logto's): it may have been applied.
# Kept out of the model's choices so that no migration is needed; the admin shows it as is.
UNKNOWN = "unknown"


def record(
    request: HttpRequest,
    action: Action | str,
    outcome: str,
    sub: str = "",
    *,
    staff: bool = False,
    about: LogtoIdentity | None = None,
    **detail: Any,
) -> None:
    """Write one :class:`AuditEvent`: by default the signed-in user's, with their browser.

    ``action``: an action of :mod:`.actions` (or its key). ``staff``: done by a site
    administrator in Django admin: the administrator's browser is not kept, and the event is the
    user's ``about`` (the linked user acted on), or without ``about`` the site's own (no ``sub``:
    it is on nobody's activity page).
    """
    user = (
        request.user if getattr(request, "user", None) and request.user.is_authenticated else None
    )
    if about is not None:
        user, sub = about.user, about.sub
    elif not sub and user is not None and not staff:
        identity = getattr(user, "logto_identity", None)
        sub = identity.sub if identity is not None else ""
    kept = {k: v for k, v in detail.items() if k not in _SECRET_KEYS}
    agent = request.META.get("HTTP_USER_AGENT", "")
    if agent and "agent" not in kept and not staff:
        # The device in words on the user's recent-activity page ("Firefox on Linux").
        kept["agent"] = agent[:256]
    AuditEvent.objects.create(
        user=user,
        sub=sub,
        action=action.key if isinstance(action, Action) else action,
        outcome=outcome,
        detail=kept,
        ip_address=client_ip(request),
    )
