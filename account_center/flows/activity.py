"""The user's recent security activity, in words, from the audit trail (their own events only).

Modelled on Google's "Recent security activity": what happened, when, from where (IP and the
device in words) and whether it worked, so a user can spot what they did not do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ..models import AuditEvent
from ..user_agents import describe
from . import audit

LIMIT = 30
# Bookkeeping rather than activity: a refused form asking for step-up, a code merely sent.
_HIDDEN = ("step_up_required",)

_METHODS = {
    "password": gettext_noop("Confirmed it's you with your password"),
    "email": gettext_noop("Confirmed it's you with a code sent to your email"),
    "phone": gettext_noop("Confirmed it's you with a code sent to your phone"),
    "reauthentication": gettext_noop("Signed in again to confirm it's you"),
}


@dataclass(frozen=True)
class Activity:
    what: str
    when: datetime
    ip: str | None
    device: str | None
    outcome: str  # "success", "failure" or "denied"
    outcome_words: str


def _factor(detail: dict[str, Any]) -> str:
    return {
        "Totp": _("authenticator app"),
        "BackupCode": _("backup codes"),
        "WebAuthn": _("passkey"),
    }.get(str(detail.get("factor", "")), _("a way to confirm it's you"))


def record_sign_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """``user_logged_in`` receiver: a sign-in is the first thing a user checks for."""
    identity = getattr(user, "logto_identity", None)
    if request is None or identity is None:
        return
    audit.record(request, "sign_in", audit.SUCCESS, sub=identity.sub)


def describe_event(action: str, detail: dict[str, Any]) -> str:
    """One audit event in words; unknown actions get a readable form of their name."""
    if action == "sign_in":
        return _("Signed in")
    if action == "step_up":
        method = _METHODS.get(str(detail.get("method", "")))
        return _(method) if method else _("Confirmed it's you")
    if action == "reauthentication":
        return _("Signed in again to confirm it's you")
    if action == "step_up_code_sent":
        return _("Code sent to confirm it's you")
    if action == "password_change":
        return _("Password changed")
    if action in ("email_change", "phone_change", "username_change"):
        label = {
            "email_change": (_("Email changed"), _("Email removed")),
            "phone_change": (_("Phone number changed"), _("Phone number removed")),
            "username_change": (_("Username changed"), _("Username removed")),
        }[action]
        if detail.get("removed"):
            return label[1]
        if detail.get("to") and action != "username_change":
            return _("%(change)s to %(value)s") % {"change": label[0], "value": detail["to"]}
        return label[0]
    if action == "email_code_sent":
        return _("Code sent to a new email address")
    if action == "phone_code_sent":
        return _("Code sent to a new phone number")
    if action == "profile_update":
        return _("Profile changed")
    if action == "custom_data_update":
        return _("Profile details changed")
    if action == "totp_add":
        return (
            _("Authenticator app replaced")
            if detail.get("replaced")
            else _("Authenticator app added")
        )
    if action == "backup_codes_generate":
        return _("New backup codes made")
    if action == "mfa_remove":
        return _("Removed %(factor)s") % {"factor": _factor(detail)}
    if action == "mfa_settings":
        if "mfa_enabled" in detail:
            return (
                _("Two-step verification turned on")
                if detail["mfa_enabled"]
                else _("Two-step verification turned off")
            )
        return _("Passkey suggestion changed")
    if action == "token_create":
        return _("Developer token “%(name)s” created") % {"name": detail.get("name", "")}
    if action == "token_rename":
        return _("Developer token “%(name)s” renamed to “%(new)s”") % {
            "name": detail.get("name", ""),
            "new": detail.get("new_name", ""),
        }
    if action == "token_delete":
        return _("Developer token “%(name)s” deleted") % {"name": detail.get("name", "")}
    if action == "session_revoke":
        return _("Session on %(device)s signed out") % {"device": detail.get("device", "?")}
    return action.replace("_", " ").capitalize()


def _outcome_words(outcome: str) -> str:
    words: dict[str, str] = {
        str(AuditEvent.Outcome.SUCCESS): _("Done"),
        str(AuditEvent.Outcome.FAILURE): _("Failed"),
        str(AuditEvent.Outcome.DENIED): _("Refused"),
    }
    return words.get(str(outcome), str(outcome))


def recent(sub: str) -> list[Activity]:
    """The user's last :data:`LIMIT` events, newest first (only events recorded for ``sub``)."""
    events = (
        AuditEvent.objects.filter(sub=sub)
        .exclude(action__in=_HIDDEN)
        .order_by("-created_at", "-pk")[:LIMIT]
    )
    rows = []
    for event in events:
        detail = event.detail if isinstance(event.detail, dict) else {}
        agent = detail.get("agent")
        rows.append(
            Activity(
                what=describe_event(event.action, detail),
                when=event.created_at,
                ip=event.ip_address,
                device=describe(agent) if agent else None,
                outcome=event.outcome,
                outcome_words=_outcome_words(event.outcome),
            )
        )
    return rows
