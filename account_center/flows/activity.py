"""The user's recent security activity, in words, from the audit trail (their own events only).

Modelled on Google's "Recent security activity": what happened, when, from where (IP and the
device in words) and whether it worked, so a user can spot what they did not do. What the site
did to the account (its administrators, Logto's webhooks) is said in words, without where from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from ..models import AuditEvent
from ..user_agents import describe
from . import actions, alerts, audit, devices

LIMIT = 30


@dataclass(frozen=True)
class Activity:
    what: str
    when: datetime
    ip: str | None
    device: str | None
    outcome: str  # "success", "failure", "denied" or "unknown"
    outcome_words: str
    # False: done to the account by the site (its administrators, Logto): no IP or device.
    by_you: bool = True


def record_sign_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """``user_logged_in`` receiver: a sign-in is the first thing a user checks for, and one from
    a device and browser not seen before is mailed to the user (:mod:`.devices`)."""
    identity = getattr(user, "logto_identity", None)
    if request is None or identity is None:
        return
    new_device = devices.note_sign_in(identity.sub, request.META.get("HTTP_USER_AGENT"))
    detail: dict[str, Any] = {"new_device": True} if new_device else {}
    audit.record(request, "sign_in", audit.SUCCESS, sub=identity.sub, **detail)
    if new_device:
        alerts.send(request, "new_device", identity.sub)


def describe_event(action: str, detail: dict[str, Any], outcome: str = actions.SUCCESS) -> str:
    """One audit event in words (:mod:`.actions`); actions it does not name read as "Other
    account activity"."""
    return actions.get(action).describe(outcome, detail)


def _outcome_words(outcome: str) -> str:
    words: dict[str, str] = {
        actions.SUCCESS: _("Done"),
        actions.FAILURE: _("Failed"),
        actions.DENIED: _("Refused"),
        actions.UNKNOWN: _("Not confirmed"),
    }
    return words.get(str(outcome), str(outcome))


def _activity(event: AuditEvent) -> Activity:
    detail = event.detail if isinstance(event.detail, dict) else {}
    action = actions.get(event.action)
    agent = detail.get("agent") if action.by_you else None
    return Activity(
        what=action.describe(event.outcome, detail),
        when=event.created_at,
        # An administrator's or Logto's address is never the user's business.
        ip=event.ip_address if action.by_you else None,
        device=describe(agent) if agent else None,
        outcome=event.outcome,
        outcome_words=_outcome_words(event.outcome),
        by_you=action.by_you,
    )


def recent(sub: str) -> list[Activity]:
    """The user's last :data:`LIMIT` events, newest first (only events recorded for ``sub``)."""
    hidden = [action.key for action in actions.ACTIONS if not action.shown]
    events = (
        AuditEvent.objects.filter(sub=sub)
        .exclude(action__in=hidden)
        .order_by("-created_at", "-pk")[:LIMIT]
    )
    return [_activity(event) for event in events]


def for_download(sub: str) -> list[dict[str, Any]]:
    """Every event of ``sub``, newest first, as "Download my data" holds it: the words the
    activity page shows, the outcome, and where it came from only for the user's own actions."""
    rows = []
    for event in AuditEvent.objects.filter(sub=sub).order_by("-created_at", "-pk"):
        activity = _activity(event)
        row: dict[str, Any] = {
            "when": activity.when,
            "what": activity.what,
            "result": activity.outcome_words,
            "action": event.action,
            "outcome": activity.outcome,
        }
        if activity.by_you:
            row["ip_address"] = activity.ip
            row["device"] = activity.device
        rows.append(row)
    return rows
