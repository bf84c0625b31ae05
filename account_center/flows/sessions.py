"""The user's sign-in sessions at Logto: list, mark this one, revoke one or all the others.

Logto's session list is recent (``GET /api/users/{id}/sessions``); an older Logto answers a plain
404 without an error code. That answer is remembered in the cache for an hour, so the menu hides
Sessions without asking Logto on every page.

Revoking a session at Logto does not reach the Django session that session signed in: the
revoked ``sid`` is remembered in the cache until the session would have expired, and the
middleware signs a Django session out at its next request, on any page, when its ``sid`` is on
that list.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ..conf.app_settings import app_settings
from ..clock import utcnow
from ..logto.client import get_client
from ..logto.errors import LogtoNotFound, LogtoVerificationRequired
from ..logto.models import LogtoSession
from ..user_agents import describe
from . import actions, gateway
from .changes import Change, change
from .errors import FlowError, StepUpRequired
from .identity import logto_user_id

SID_KEY = "account_center_sid"  # the ID token's sid, kept at sign-in (auth/views.py)
UNSUPPORTED_KEY = "account_center:sessions_unsupported"
UNSUPPORTED_SECONDS = 3600
_REVOKED_KEY = "account_center:revoked_sid:{sid}"
_REVOKED_FALLBACK_SECONDS = 14 * 24 * 3600

GONE = _("This session has already ended.")
THIS_UNKNOWN = _(
    "This site cannot tell which session is this browser, so it cannot sign out “all the "
    "others” safely. Sign them out one by one."
)


class SessionsUnsupported(Exception):
    """This Logto has no user sessions API (too old)."""


@dataclass(frozen=True)
class SessionRow:
    """A session as the page shows it."""

    uid: str
    device: str
    ip: str | None
    # No "last active": Logto's session list has no time of last use, only when the user signed in.
    signed_in_at: datetime | None
    expires_at: datetime | None
    applications: list[str]
    current: bool


def known_unsupported() -> bool:
    """True once this Logto answered that it has no sessions API (cached, never probed here)."""
    return bool(cache.get(UNSUPPORTED_KEY))


def _list(sub: str, request: HttpRequest | None = None) -> list[LogtoSession]:
    try:
        found = gateway.sessions(sub, request)
    except LogtoNotFound as error:
        if not error.code:
            # A plain 404: the route does not exist on this Logto.
            cache.set(UNSUPPORTED_KEY, True, timeout=UNSUPPORTED_SECONDS)
            raise SessionsUnsupported from None
        raise
    cache.delete(UNSUPPORTED_KEY)
    return found


def current_sid(request: HttpRequest) -> str:
    return str(request.session.get(SID_KEY) or "")


def _is_current(request: HttpRequest, session: LogtoSession) -> bool:
    sid = current_sid(request)
    return bool(sid) and session.sids.get(app_settings.LOGTO_APP_ID) == sid


def _application(client_id: str) -> str:
    if client_id == app_settings.LOGTO_APP_ID:
        return str(app_settings.SITE_NAME or _("This site"))
    return client_id


def list_sessions(request: HttpRequest) -> list[SessionRow]:
    """This session first, then the most recent sign-ins. Raises :class:`SessionsUnsupported`."""
    rows = []
    try:
        found = _list(logto_user_id(request), request)
    except LogtoVerificationRequired:
        # Through the Account API Logto lists sessions only to a user who just confirmed it's
        # them: the page asks, as before a change.
        raise StepUpRequired from None
    for session in found:
        context = session.last_submission.get("signInContext") or {}
        context = context if isinstance(context, dict) else {}
        rows.append(
            SessionRow(
                uid=session.uid,
                device=describe(context.get("userAgent")),
                ip=context.get("ip") or None,
                signed_in_at=session.login_at,
                expires_at=session.expires_at,
                applications=sorted(_application(c) for c in session.sids),
                current=_is_current(request, session),
            )
        )
    oldest = datetime.min.replace(tzinfo=UTC)
    rows.sort(key=lambda r: (not r.current, -(r.signed_in_at or oldest).timestamp()))
    return rows


def count(sub: str) -> int | None:
    """How many sessions the user has; ``None`` where this Logto has no sessions API."""
    if known_unsupported():
        return None
    try:
        return len(_list(sub))
    except (SessionsUnsupported, LogtoVerificationRequired):
        return None


def _remember_revoked(session: LogtoSession) -> None:
    sid = session.sids.get(app_settings.LOGTO_APP_ID)
    if not sid:
        return
    timeout = _REVOKED_FALLBACK_SECONDS
    if session.expires_at is not None:
        timeout = max(60, math.ceil((session.expires_at - utcnow()).total_seconds()))
    cache.set(_REVOKED_KEY.format(sid=sid), True, timeout=timeout)


def is_revoked_here(request: HttpRequest) -> bool:
    """True when the Logto session this Django session signed in with was revoked here."""
    sid = current_sid(request)
    return bool(sid) and bool(cache.get(_REVOKED_KEY.format(sid=sid)))


def _revoke(ch: Change, session: LogtoSession) -> None:
    ch.note(device=describe((session.last_submission.get("signInContext") or {}).get("userAgent")))
    try:
        # "all": the apps this session signed in to lose their tokens too, as a user expects.
        gateway.revoke_session(ch, session.uid)
    except LogtoNotFound:
        pass  # already gone: the outcome the user asked for
    _remember_revoked(session)
    current = _is_current(ch.request, session)
    ch.done(current=current, signal_args={"session_uid": session.uid, "current": current})


def revoke(request: HttpRequest, uid: str) -> bool:
    """End one of the user's sessions; answers True when it was this one (the caller signs out)."""
    with change(request, actions.SESSION_REVOKE, sender=__name__) as ch:
        session = next((s for s in _list(ch.sub, request) if s.uid == uid), None)
        if session is None:
            raise FlowError(GONE, code="oidc.session_not_found")
        _revoke(ch, session)
    return _is_current(request, session)


def knows_this_session(request: HttpRequest) -> bool:
    """Logto puts ``sid`` in the ID token only when the app has back-channel logout with
    "session required" set; without it no session can be told to be this one."""
    return bool(current_sid(request))


def revoke_others(request: HttpRequest) -> int:
    """End every session but this one; answers how many ended."""
    with change(request, actions.SESSION_REVOKE, sender=__name__) as ch:
        if not knows_this_session(request):
            # Every session would count as "another", this one included.
            raise FlowError(THIS_UNKNOWN, code="sid_unknown")
        others = [s for s in _list(ch.sub, request) if not _is_current(request, s)]
        for session in others:
            _revoke(ch, session)
    return len(others)
