"""The ways to pass step-up: current password, a code to the current email or phone, and whether
signing in again at Logto counts (the sign-in views ask :func:`reauthentication_offered`)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from .. import ratelimit
from ..conf.app_settings import app_settings
from ..logto.errors import LogtoAPIError
from ..logto.models import LogtoUser
from ..logto.read_cache import fresh
from . import actions, gateway, stepup
from .changes import change
from .errors import FlowError
from .messages import for_code

PASSWORD_SCOPE = "step_up_password"
CODE_SCOPE = "code_verify"
SEND_SCOPE = "code_send"
CODE_SENT_KEY = "account_center_step_up_code_sent"


def available_methods(user: LogtoUser) -> list[str]:
    """The methods the site offers (``ACCOUNT_CENTER_STEP_UP_METHODS`` or the admin's page) that
    this user has. Signing in again at Logto is kept when nothing else is left, so a user is
    never without a way to confirm it's you."""
    methods = []
    if user.has_password:
        methods.append("password")
    if user.primary_email:
        methods.append("email")
    if user.primary_phone:
        methods.append("phone")
    # Signing in again at Logto makes no Logto verification record: where Logto asks for one
    # (the Account API as gateway), it is left to a user with none of the other ways, whom
    # Logto asks for no record either (``hasSecurityVerificationMethod`` false).
    if not (methods and gateway.verifies_with_logto()):
        methods.append("reauthentication")
    offered = [method for method in methods if method in app_settings.STEP_UP_METHODS]
    return offered or ["reauthentication"]


def reauthentication_offered(sub: str) -> bool:
    """Whether signing in again at Logto passes step-up for Logto user ``sub``: where the site
    offers it, or as the last way left to a user who has none of the methods the site offers
    (as :func:`available_methods` says). Logto is asked, for its current data, only in that
    second case; its errors reach the caller."""
    if "reauthentication" in app_settings.STEP_UP_METHODS and not gateway.verifies_with_logto():
        return True
    with fresh():
        user = gateway.account(sub)
    return "reauthentication" in available_methods(user)


def _require_offered(method: str) -> None:
    """Checked on the server: a method the site switched off is refused even if posted."""
    if method not in app_settings.STEP_UP_METHODS:
        raise FlowError(_("This way of verifying is not offered on this site."))


def _target(user: LogtoUser, method: str) -> str:
    target = user.primary_email if method == "email" else user.primary_phone
    if method not in ("email", "phone") or not target:
        raise FlowError(_("This way of verifying is not available for your account."))
    _require_offered(method)
    return target


@sensitive_variables("password")
def verify_password(request: HttpRequest, password: str) -> None:
    with change(request, actions.STEP_UP, sender=__name__, method="password") as ch:
        _require_offered("password")
        # Counted before Logto is asked: parallel guesses cannot slip past the limit.
        attempt = ratelimit.consume(request, PASSWORD_SCOPE, ch.sub, field="password")
        if not gateway.verify_password(ch, password):
            ch.failed()
            raise FlowError(_("This password is not correct."), field="password")
        ratelimit.succeeded(request, attempt)
    stepup.record_verification(request, "password")


def send_code(request: HttpRequest, user: LogtoUser, method: str) -> None:
    """Send a code to the user's CURRENT email or phone (as Logto has it, not as typed)."""
    with change(request, actions.STEP_UP_CODE_SENT, sender=__name__) as ch:
        target = _target(user, method)
        cooldown = ratelimit.cooldown_remaining(ch.sub, target)
        if cooldown:
            # A code is already on its way: let the user type it rather than fail (nothing
            # counted).
            request.session[CODE_SENT_KEY] = method
            return
        ratelimit.consume(request, SEND_SCOPE, ch.sub)
        gateway.send_own_code(ch, method, target)
        ratelimit.start_cooldown(ch.sub, target)
        request.session[CODE_SENT_KEY] = method
        ch.done(method=method)


@sensitive_variables("code")
def verify_code(request: HttpRequest, user: LogtoUser, method: str, code: str) -> None:
    with change(request, actions.STEP_UP, sender=__name__, method=method) as ch:
        if request.session.get(CODE_SENT_KEY) != method:
            raise FlowError(_("No code is waiting. Ask for a new one."), field="code")
        target = _target(user, method)
        attempt = ratelimit.consume(request, CODE_SCOPE, ch.sub, field="code")
        try:
            gateway.verify_own_code(ch, method, target, code)
        except LogtoAPIError as error:
            ch.failed(error.code)
            field, message = for_code(error.code)
            raise FlowError(message, field="code", code=error.code) from None
        ratelimit.succeeded(request, attempt)
        request.session.pop(CODE_SENT_KEY, None)
    stepup.record_verification(request, method)
