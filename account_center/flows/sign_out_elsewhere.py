"""Sign the user out everywhere else after their credentials changed.

Two kinds of session outlive a password change: the user's other Django sessions on this site,
and their other Logto sessions (other browsers, other sites on the same Logto). The first end
through a per-user *session epoch*: ``LogtoIdentity.session_epoch`` is raised here, each session
keeps the epoch it signed in under, and the middleware signs a session out at its next request
when the two differ. That works with any session backend, since no session is looked up by user.
The second are revoked at Logto where its version has the sessions API; this browser's own Logto
session is kept.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.http import HttpRequest

from ..conf.app_settings import app_settings
from ..logto.errors import LogtoError
from ..models import LogtoIdentity
from . import actions, sessions
from .changes import change

logger = logging.getLogger(__name__)

EPOCH_KEY = "account_center_epoch"
_DONE_ATTR = "_account_center_signed_out_elsewhere"

# Why a session ended, for the page it lands on (``account_ended?reason=``), each in its own
# words. Suspension and deletion are read from Logto when the session ends; the others are noted
# here, since nothing at Logto tells them apart.
REVOKED = "revoked"  # its Logto session was signed out from another session's Sessions page
CREDENTIALS = "credentials"  # the user's password, email or phone changed in another session
ADMIN = "admin"  # an administrator (or Logto, by webhook) ended the user's sessions
_REASON_KEY = "account_center:signed_out_why:{sub}"


def end_sessions(identity: LogtoIdentity, reason: str) -> None:
    """Every Django session of the user signed in until now ends at its next request, and the
    page it lands on says ``reason`` (the latest one, if several came meanwhile)."""
    LogtoIdentity.objects.filter(pk=identity.pk).update(session_epoch=F("session_epoch") + 1)
    # As long as a session can wait for its next request; lost from the cache, the page says
    # only that the session ended.
    cache.set(_REASON_KEY.format(sub=identity.sub), reason, timeout=settings.SESSION_COOKIE_AGE)


def why_stale(request: HttpRequest) -> str | None:
    """The reason :func:`end_sessions` noted for the user of this stale session, if still known."""
    identity = getattr(getattr(request, "user", None), "logto_identity", None)
    if identity is None:
        return None
    reason = cache.get(_REASON_KEY.format(sub=identity.sub))
    return reason if isinstance(reason, str) else None


def remember_epoch(request: HttpRequest, identity: LogtoIdentity) -> None:
    """Mark the session as signed in under the identity's current epoch (at sign-in)."""
    request.session[EPOCH_KEY] = identity.session_epoch


def is_stale(request: HttpRequest) -> bool:
    """True when this session was signed in before the user's credentials last changed."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    identity = getattr(user, "logto_identity", None)
    if identity is None:
        return False
    return int(request.session.get(EPOCH_KEY, 0)) != identity.session_epoch


def happened(request: HttpRequest) -> bool:
    """True when this request signed the user out everywhere else (the page says so)."""
    return bool(getattr(request, _DONE_ATTR, False))


def sign_out_elsewhere(request: HttpRequest, kind: str) -> bool:
    """After a change of ``kind`` ("password", "email", "phone"): end the user's other sessions,
    if the site asks for it. Answers whether it did (the page then says so)."""
    if kind not in app_settings.SIGN_OUT_ELSEWHERE_ON:
        return False
    with change(request, actions.SIGNED_OUT_ELSEWHERE, sender=__name__) as ch:
        identity = request.user.logto_identity  # type: ignore[union-attr]
        end_sessions(identity, CREDENTIALS)
        identity.refresh_from_db(fields=["session_epoch"])
        remember_epoch(request, identity)
        ended_at_logto = 0
        if app_settings.REVOKE_LOGTO_SESSIONS:
            try:
                if sessions.knows_this_session(request):
                    ended_at_logto = sessions.revoke_others(request)
            except sessions.SessionsUnsupported:
                pass  # this Logto has no sessions API: its sessions end when they expire
            except LogtoError as error:
                # The change itself is done; the other Logto sessions end when they expire.
                logger.warning("Could not end the other Logto sessions: %s", type(error).__name__)
        ch.done(reason=kind, logto_sessions=ended_at_logto)
    setattr(request, _DONE_ATTR, True)
    return True
