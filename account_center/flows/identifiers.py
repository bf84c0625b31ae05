"""Username, email and phone: the ways to sign in, changed only after step-up.

Email and phone changes send a code to the NEW address, check it with Logto, and only then
update the user. The address waiting for its code is kept in the Django session, so the code is
always checked against the address it was sent to, never one sent along with the code.
"""

from __future__ import annotations

import logging
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.debug import sensitive_variables

from .. import ratelimit
from ..conf.app_settings import app_settings
from ..logto.client import get_client
from ..logto.errors import LogtoAPIError, LogtoVerificationNotFound
from ..logto.models import LogtoUser
from ..validators import USERNAME_RE
from . import actions, gateway
from .changes import change
from .errors import FlowError

PENDING_KEY = "account_center_pending_{kind}"
SEND_SCOPE = "code_send"
CODE_SCOPE = "code_verify"
CHECK_SCOPE = "address_check"
_CHANGED = {"email": actions.EMAIL_CHANGE, "phone": actions.PHONE_CHANGE}
_CODE_SENT = {"email": actions.EMAIL_CODE_SENT, "phone": actions.PHONE_CODE_SENT}
_FIELDS = {"email": "primary_email", "phone": "primary_phone"}
_TAKEN = {
    "email": _lazy("This email address is already used by another account."),
    "phone": _lazy("This phone number is already used by another account."),
    "username": _lazy("This username is already taken."),
}

_ALREADY_YOURS = {
    "email": _lazy("This is already your email address."),
    "phone": _lazy("This is already your phone number."),
}

logger = logging.getLogger(__name__)


def used_by_another(sub: str, kind: str, value: str, *, request: HttpRequest | None = None) -> bool:
    """True when Logto's exact search finds ``value`` on a user other than ``sub``.

    A courtesy check before codes are sent: when the search itself is refused we let the change
    go on, since Logto's collision check when saving stays the authority. The search is the
    Management API's: where ``kind`` goes through the Account API it is not made (no M2M token
    for the user's own changes), and Logto's check when saving answers alone.
    """
    if request is not None and gateway.uses_account_api(request, kind):
        return False
    try:
        ids = get_client().find_user_ids(**{kind: value})
    except LogtoAPIError as error:
        logger.warning("Logto refused the user search for a %s check (%s).", kind, error.code)
        return False
    return any(user_id != sub for user_id in ids)


def mask(kind: str, value: str) -> str:
    """``a…@example.com`` or ``…0958``: enough for the owner to recognise, little to anyone else."""
    if kind == "email" and "@" in value:
        local, _at, domain = value.partition("@")
        return f"{local[:1]}…@{domain}"
    return f"…{value[-4:]}" if value else ""


def _refuse_if_last(user: LogtoUser, kind: str) -> None:
    """The one "keep a way to sign in" rule, used for username, email, phone and social unlink.

    It is Logto's own rule, read in Logto's source (``packages/core/src/utils/user.ts``,
    ``getUserIdentifierCount`` / ``assertUserHasRemainingIdentifier``, checked at Logto commit
    1fbc55441f, August 2026): after the removal, username + primary email + primary phone + social
    identities + enterprise SSO identities must count at least one. Logto's Account API does NOT
    consult the sign-in experience for this, so neither do we: refusing more than Logto would make
    the app disagree with Logto's own account pages. An SSO identity therefore counts, as in Logto;
    a deployment (or the demo) must not give users SSO identities its sign-in cannot honour.
    """
    if not app_settings.KEEP_ONE_SIGN_IN_IDENTIFIER:
        return
    if not [way for way in user.sign_in_identifiers if way != kind]:
        raise FlowError(
            _("You need at least one other way to sign in before removing this one."),
            code="user.last_sign_in_method_required",
        )


def change_username(request: HttpRequest, username: str | None) -> LogtoUser:
    """Set (or with ``None`` remove) the username; Logto does not check the rules, we do."""
    with change(request, actions.USERNAME_CHANGE, sender=__name__) as ch:
        if username is None:
            # Through the Account API Logto applies this very rule itself.
            if not gateway.uses_account_api(request, "username"):
                user = get_client().get_user(ch.sub, include_sso_identities=True)
                _refuse_if_last(user, "username")
        elif not USERNAME_RE.match(username):
            raise FlowError(
                _("Use letters, digits and underscores, starting with a letter or underscore."),
                field="username",
            )
        elif used_by_another(ch.sub, "username", username, request=request):
            taken = "user.username_already_in_use"
            raise FlowError(_TAKEN["username"], field="username", code=taken)
        user = gateway.set_username(ch, username)
        ch.done(removed=username is None, signal_args={"username": username})
    return user


def pending(request: HttpRequest, kind: str) -> str | None:
    """The new address waiting for its code, if any."""
    return request.session.get(PENDING_KEY.format(kind=kind))


def cancel(request: HttpRequest, kind: str) -> None:
    request.session.pop(PENDING_KEY.format(kind=kind), None)
    gateway.forget_new_identifier(request, kind)


def send_code(request: HttpRequest, kind: str, target: str, *, check_current: bool = True) -> None:
    """Send a code to ``target`` (a new email or a normalised phone) and remember it as pending."""
    field = kind
    with change(request, _CODE_SENT[kind], sender=__name__) as ch:
        # Before the resend cooldown: the address just confirmed is "already yours", not "wait".
        if check_current:
            user = gateway.account(ch.sub, request=request)
            if (getattr(user, _FIELDS[kind]) or "").lower() == target.lower():
                raise FlowError(_ALREADY_YOURS[kind], field=field)
        cooldown = ratelimit.cooldown_remaining(ch.sub, target)
        if cooldown:
            raise FlowError(
                _("A code was just sent. You can ask for another in %(seconds)d seconds.")
                % {"seconds": cooldown},
                field=field,
            )
        # Each counted before Logto is asked, and each as what it is: a lookup of whether an
        # address has an account here, then a code sent.
        ratelimit.consume(request, CHECK_SCOPE, ch.sub, field=field)
        if used_by_another(ch.sub, kind, target, request=request):
            ch.refused(f"user.{kind}_already_in_use")
            raise FlowError(_TAKEN[kind], field=field, code=f"user.{kind}_already_in_use")
        ratelimit.consume(request, SEND_SCOPE, ch.sub, field=field)
        gateway.send_code_to_new(ch, kind, target)
        ratelimit.start_cooldown(ch.sub, target)
        request.session[PENDING_KEY.format(kind=kind)] = target
        ch.done()


@sensitive_variables("code")
def confirm_change(request: HttpRequest, kind: str, code: str) -> LogtoUser:
    """Check ``code`` for the pending address; only when Logto accepts it, make it primary."""
    with change(request, _CHANGED[kind], sender=__name__) as ch:
        target = pending(request, kind)
        if not target:
            raise FlowError(_("No code is waiting. Ask for a new one."), field="code")
        attempt = ratelimit.consume(request, CODE_SCOPE, ch.sub, field="code")
        try:
            user = gateway.set_new_identifier(ch, kind, target, code)
        except LogtoVerificationNotFound:
            # Logto no longer knows the code's record (expired, or lost with the session).
            cancel(request, kind)
            raise FlowError(_("No code is waiting. Ask for a new one."), field="code") from None
        except LogtoAPIError as error:
            if error.code.endswith("already_in_use"):
                cancel(request, kind)
            raise
        ratelimit.succeeded(request, attempt)
        cancel(request, kind)
        # Masked, for the user's recent-activity page ("Email changed to a…@example.com").
        ch.done(to=mask(kind, target), signal_args={kind: target})
    return user


def remove(request: HttpRequest, kind: str) -> LogtoUser:
    """Remove the primary email or phone while another way to sign in remains."""
    with change(request, _CHANGED[kind], sender=__name__) as ch:
        # Through the Account API Logto applies this very rule itself.
        if not gateway.uses_account_api(request, kind):
            user = get_client().get_user(ch.sub, include_sso_identities=True)
            _refuse_if_last(user, kind)
        user = gateway.remove_identifier(ch, kind)
        cancel(request, kind)
        ch.done(removed=True, signal_args={kind: None})
    return user
