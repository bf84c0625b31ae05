"""Support's "view as": a staff member signs in as a user from Django admin, for a while, to see
what the user sees, and can change nothing.

Who may: staff with the ``view_as_logto_user`` permission, with a reason in words; never as a
superuser, nor as themselves. How: where this site reads accounts with the user's own tokens
(the Account API gateway) and the tenant lets the web app exchange tokens, Logto's impersonation
(a subject token from the Management API, exchanged at the token endpoint, RFC 8693), so the
pages read the account exactly as the user's own session does; otherwise a Django-only session
(the Management API reads). The exchanged token is opaque, without ID or refresh token: it
outlives the view (an hour against 15 minutes), and nothing renews it.

What holds while viewing as someone (``ACCOUNT_CENTER_VIEW_AS_SECONDS``, default 15 minutes):

* the change path (:func:`.changes.change`) refuses every change, with words and an audit event,
  before its step-up check; the middleware refuses every POST of the site before any view runs;
* step-up is never satisfied (:mod:`.stepup`), so nothing a host's own flow guards passes either;
* the start, each refusal and the end are audited on the user's own activity page, without staff
  details (``by_you=False``), and the user is mailed the ``support_viewed`` alert.

The way back ends the view-as session (the user's session, signed in by login()) and sends the
staff member to the admin's sign-in. The staff session is not kept to be restored: a view-as
session that could turn back into a staff session would make every view-as cookie a staff
credential (one left in a shared browser, or read while the staff member browses as the user);
signing in again costs the staff member one form.

The token exchange leaves a grant of this site's application in the user's list of connected
apps: the grant the exchange made (the one not there before) is revoked at the end, so the
user's connected apps do not show support's visit, and the exchanged token dies with it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.contrib import auth, messages
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from ..auth import oidc_settings, user_tokens
from ..clock import now
from ..conf.app_settings import app_settings
from ..logto import read_cache
from ..logto.client import get_client
from ..logto.errors import LogtoAPIError, LogtoError, LogtoTokenExchangeRefused
from ..models import LogtoIdentity
from . import actions, alerts, audit
from .errors import FlowError

logger = logging.getLogger(__name__)

# The session key of a view-as session: who is viewed, by whom, until when, and how.
SESSION_KEY = "account_center_view_as"
PERMISSION = "account_center.view_as_logto_user"
LOGTO, DJANGO = "logto", "django"  # how the session reads the account
# Why a view ended (the audit detail and the words the admin's sign-in page shows).
BY_STAFF, EXPIRED, SIGNED_OUT = "by_staff", "expired", "signed_out"

CHANGE_REFUSED = _(
    "You are viewing this account as support: nothing can be changed while viewing as someone. "
    "Nothing was changed."
)
ENDED_WORDS = {
    BY_STAFF: _("You stopped viewing the account. Sign in again to go back to the admin."),
    EXPIRED: _(
        "Viewing the account as support ended: its time was up. Sign in again to go back to "
        "the admin."
    ),
    SIGNED_OUT: _("You stopped viewing the account. Sign in again to go back to the admin."),
}


@dataclass(frozen=True)
class Started:
    """A view as ``identity``'s user, made by :func:`start`; :func:`enter` keeps it in the
    session once the staff member's browser is signed in as the user."""

    identity: LogtoIdentity
    state: dict[str, Any]
    # The user's tokens from the exchange, sealed (user_tokens); "" for a Django-only view.
    sealed_tokens: str = field(default="", repr=False)
    # Why Logto's impersonation was not used (words for the staff member), or "".
    note: str = ""


def current(request: HttpRequest) -> dict[str, Any] | None:
    """The view this session is, or None: only for the user the session is signed in as."""
    session = getattr(request, "session", None)
    user = getattr(request, "user", None)
    if session is None or user is None or not user.is_authenticated:
        return None
    state = session.get(SESSION_KEY)
    identity = getattr(user, "logto_identity", None)
    if not isinstance(state, dict) or identity is None or state.get("sub") != identity.sub:
        return None
    return state


def is_viewing(request: HttpRequest) -> bool:
    """True while this session is support viewing someone's account (expired or not: an expired
    view is still refused everything until the middleware ends it)."""
    read = getattr(getattr(request, "session", None), "get", None)
    return read is not None and isinstance(read(SESSION_KEY), dict)


def seconds_left(request: HttpRequest) -> int:
    state = current(request)
    if state is None:
        return 0
    return max(0, int(float(state.get("until", 0)) - now()))


def banner_context(request: HttpRequest) -> dict[str, Any] | None:
    """What the banner of a view-as page shows (until when, the way back), or None."""
    state = current(request)
    if state is None:
        return None
    return {
        "view_as_until": datetime.fromtimestamp(float(state.get("until", 0)), tz=UTC),
        "view_as_end_url": reverse("admin:account_center_logtoidentity_view_as_end"),
    }


def refusal_for(staff: Any, identity: LogtoIdentity) -> str | None:
    """Why ``staff`` may not view as ``identity``'s user (words), or None."""
    if not staff.is_active or not staff.is_staff or not staff.has_perm(PERMISSION):
        return str(_("You do not have the permission to view accounts as their user."))
    if identity.user.is_superuser:
        return str(_("Superusers cannot be viewed as."))
    if identity.user.pk == staff.pk:
        return str(_("That is your own account."))
    if not identity.user.is_active:
        return str(_("This user is not active on this site."))
    return None


def start(
    request: HttpRequest, identity: LogtoIdentity, reason: str, *, impersonate: bool
) -> Started:
    """Begin a view as ``identity``'s user by the staff member of ``request``: checked, audited
    (the user's activity, and the alert mailed), tokens from Logto where its impersonation is
    used. ``impersonate``: whether the pages read with the user's token now
    (``gateway.reads_with_user_tokens()``, asked by the caller: the gateway's module imports the
    change path, which imports this one). Raises :class:`FlowError` (audited) when refused; :class:`LogtoError` when Logto could
    not make the subject token. The caller then signs the browser in as the user and calls
    :func:`enter`."""
    staff = request.user
    by = staff.get_username()
    reason = reason.strip()
    refused = refusal_for(staff, identity) or (
        None if reason else str(_("Say why you need to view this account."))
    )
    if refused is not None:
        audit.record(
            request, actions.SUPPORT_VIEW_STARTED, audit.DENIED, staff=True, about=identity, by=by
        )
        raise FlowError(refused, field=None if reason else "reason", code="view_as_refused")
    started_at = now()
    state: dict[str, Any] = {
        "sub": identity.sub,
        "identity": identity.pk,
        "by": by,
        "started": started_at,
        "until": started_at + app_settings.VIEW_AS_SECONDS,
        "mode": DJANGO,
        "grant": "",
    }
    sealed, note = "", ""
    # Impersonation only where the pages read with the user's token: with "auto" on a tenant
    # whose account center is disabled they read as with the Management API, and Logto is left
    # no subject token or grant that nothing would use.
    if not impersonate:
        note = str(_("This site reads accounts with the Management API: a Django-only view."))
    else:
        sealed, note = _impersonate(identity, state, by)
    audit.record(
        request,
        actions.SUPPORT_VIEW_STARTED,
        audit.SUCCESS,
        staff=True,
        about=identity,
        by=by,
        reason=reason,
        mode=state["mode"],
    )
    alerts.send(request, "support_viewed", identity.sub)
    return Started(identity=identity, state=state, sealed_tokens=sealed, note=note)


def _impersonate(identity: LogtoIdentity, state: dict[str, Any], by: str) -> tuple[str, str]:
    """The user's tokens through Logto's impersonation (sealed), and words when it was not used."""
    client = get_client()
    before = _grant_ids(identity.sub)
    try:
        subject = client.create_subject_token(
            identity.sub, context={"purpose": "account_center.view_as", "by": by}
        )
    except LogtoAPIError as error:
        logger.info("No subject token for view as (%s): Django-only view", error.code)
        return "", str(_("Logto did not make a subject token: a Django-only view."))
    # The sign-in's scopes but a refresh token's: nothing renews this token.
    scopes = [s for s in oidc_settings.sign_in_scopes().split() if s != "offline_access"]
    try:
        exchanged = client.exchange_subject_token(
            subject.value,
            client_id=app_settings.LOGTO_APP_ID,
            client_secret=app_settings.LOGTO_APP_SECRET,
            scope=" ".join(scopes),
        )
    except LogtoTokenExchangeRefused as error:
        logger.info("Token exchange refused for view as (%s): Django-only view", error.code)
        if error.not_allowed:
            return "", str(
                _(
                    "Logto does not let this site's application exchange tokens (the console's "
                    "token exchange switch is off): a Django-only view."
                )
            )
        return "", str(_("Logto refused the token exchange: a Django-only view."))
    state["mode"] = LOGTO
    after = _grant_ids(identity.sub)
    if before is not None and after is not None:
        made = sorted(after - before)
        state["grant"] = made[0] if len(made) == 1 else ""
    lifetime = min(exchanged.expires_in, float(app_settings.VIEW_AS_SECONDS))
    return user_tokens.sealed_tokens(identity.sub, exchanged.access_token, "", lifetime), ""


def _grant_ids(sub: str) -> set[str] | None:
    """The ids of the user's grants of this site's application; None when Logto cannot say."""
    try:
        with read_cache.fresh():  # before and after the exchange: the kept read would hide it
            grants = get_client().list_grants(sub)
    except LogtoError:
        return None
    return {g.id for g in grants if g.application_id == app_settings.LOGTO_APP_ID}


def enter(request: HttpRequest, started: Started) -> None:
    """Keep the view in the session just signed in as the user (after login(), which flushed
    the staff member's session)."""
    request.session[SESSION_KEY] = started.state
    # A view begins as a sign-in does (auth.backends), with the user's reads from Logto anew:
    # support looks into what Logto holds now, and through the exchanged token where there is one.
    read_cache.forget(started.identity.sub)
    if started.sealed_tokens:
        request.session[user_tokens.SESSION_KEY] = started.sealed_tokens
    # There is no ID token to renew: the session's end is the view's, so mozilla's refresh never
    # sends this browser to Logto's sign-in (it would come back as whoever Logto knows there).
    request.session["oidc_id_token_expiration"] = started.state["until"]


def refuse(request: HttpRequest, *, path: str, action: str = "") -> None:
    """Audit a change refused while viewing as someone, on the viewed user's activity."""
    state = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    identity = _identity_of(state)
    detail: dict[str, Any] = {"path": path}
    if action:
        detail["refused_action"] = action
    by = str(state.get("by", "")) if isinstance(state, dict) else ""
    audit.record(
        request,
        actions.SUPPORT_VIEW_REFUSED,
        audit.DENIED,
        staff=True,
        about=identity,
        by=by,
        **detail,
    )


def end(request: HttpRequest, why: str) -> dict[str, Any] | None:
    """End the view this session is (audited, the exchange's grant revoked); answers its state,
    or None when the session is no view. The caller signs the session out."""
    state = request.session.get(SESSION_KEY)
    if not isinstance(state, dict):
        return None
    identity = _identity_of(state)
    grant = str(state.get("grant") or "")
    detail: dict[str, Any] = {"why": why}
    if state.get("mode") == LOGTO and grant and identity is not None:
        try:
            get_client().revoke_grant(identity.sub, grant)
        except LogtoError as error:
            # The grant then stays in the user's connected apps until it expires; said here.
            logger.warning("View as: the exchange's grant was not revoked (%s)", error)
            detail["grant_revoked"] = False
        # The grants read while starting are kept: the user's connected apps must not show it.
        read_cache.forget(identity.sub)
    request.session.pop(SESSION_KEY, None)
    request.session.pop(user_tokens.SESSION_KEY, None)
    by = str(state.get("by", ""))
    if identity is not None:
        audit.record(
            request,
            actions.SUPPORT_VIEW_ENDED,
            audit.SUCCESS,
            staff=True,
            about=identity,
            by=by,
            **detail,
        )
    return state


def _identity_of(state: object) -> LogtoIdentity | None:
    pk = state.get("identity") if isinstance(state, dict) else None
    if not isinstance(pk, int):
        return None
    return LogtoIdentity.objects.select_related("user").filter(pk=pk).first()


def finish(request: HttpRequest, why: str) -> str:
    """End the view (:func:`end`), sign the session out, and answer where the staff member goes:
    the admin's sign-in, back to the user's admin page, with words saying the view ended."""
    state = end(request, why)
    auth.logout(request)
    back = reverse("admin:login")
    if state is not None:
        # After logout(): the message goes with the new, empty session (or the cookie).
        messages.info(request, ENDED_WORDS[why], fail_silently=True)
        change_page = reverse(
            "admin:account_center_logtoidentity_change", args=[state.get("identity")]
        )
        back += "?" + urlencode({"next": change_page})
    return back
