"""Security alerts by email: the mail a user gets after a change to how they sign in, as Google,
GitHub or django-allauth send ("Your password was changed", "New sign-in on Firefox on Linux").

Every kind is named once here, with its subject and sentence; the change path
(:mod:`.changes`) sends the kind its action names (``Action.alert``) once the change is done, and
the sign-in receiver (:mod:`.activity`) sends ``new_device``. The adapter's
``send_notification`` renders and sends the mail (its templates, Django's email backend); which
kinds are sent is ``ACCOUNT_CENTER_SECURITY_ALERTS`` with the admin's choice laid over it.

What a mail holds: what happened (the names a user gave: a token's name, a provider; never a
secret, a code or a token's value), when, from where (the device in words and the IP, only for
what the user did themselves), and a "this wasn't me" link to the sessions page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..conf.app_settings import app_settings
from ..logto.client import get_client
from ..logto.errors import LogtoError
from ..site_adapter import get_adapter
from ..user_agents import describe
from .identity import client_ip

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger(__name__)

Words = Callable[[Mapping[str, Any]], "StrOrPromise"]

# Only these keys of a change's detail reach a mail's context; whatever else a flow records
# (and a key a flow adds later) stays out, so no secret can slip into a mail by a new key.
_DETAIL_KEYS = frozenset({"factor", "name", "target", "created", "replaced", "removed", "to"})


@dataclass(frozen=True)
class Alert:
    kind: str
    # The setting's and the admin page's words for the kind.
    label: StrOrPromise
    subject: StrOrPromise | Words
    # The mail's first sentence: what happened.
    what: StrOrPromise | Words
    # False: done to the account by someone else (support): no device or IP is given (theirs).
    by_you: bool = True


def _factor(detail: Mapping[str, Any]) -> StrOrPromise:
    return {
        "Totp": _("an authenticator app"),
        "BackupCode": _("backup codes"),
        "WebAuthn": _("a passkey"),
    }.get(str(detail.get("factor", "")), _("a way to confirm it's you"))


def _password_subject(detail: Mapping[str, Any]) -> StrOrPromise:
    return _("A password was set for your account") if detail.get("created") else _(
        "Your password was changed"
    )


def _password_what(detail: Mapping[str, Any]) -> StrOrPromise:
    if detail.get("created"):
        return _("A password was set for your account: it can now sign in with it.")
    return _("The password of your account was changed.")


def _email_what(detail: Mapping[str, Any]) -> StrOrPromise:
    if detail.get("removed"):
        return _("The email address was removed from your account.")
    return _("The email address of your account was changed to %(to)s.") % {
        "to": detail.get("to", "?")
    }


def _phone_what(detail: Mapping[str, Any]) -> StrOrPromise:
    if detail.get("removed"):
        return _("The phone number was removed from your account.")
    return _("The phone number of your account was changed to %(to)s.") % {
        "to": detail.get("to", "?")
    }


def _factor_added(detail: Mapping[str, Any]) -> StrOrPromise:
    # The app adds authenticator apps only (passkeys are added at Logto's sign-in), so a change
    # that does not name its factor added one.
    factor = _factor({"factor": "Totp", **detail})
    return _("%(factor)s was added to confirm it's you at sign-in.") % {
        "factor": str(factor)[:1].upper() + str(factor)[1:]
    }


def _factor_removed(detail: Mapping[str, Any]) -> StrOrPromise:
    return _("%(factor)s was removed: it no longer confirms it's you at sign-in.") % {
        "factor": str(_factor(detail))[:1].upper() + str(_factor(detail))[1:]
    }


def _named(words: StrOrPromise) -> Words:
    def filled(detail: Mapping[str, Any]) -> StrOrPromise:
        return str(words) % {
            "name": detail.get("name", "?"),
            "target": detail.get("target", "?"),
            "device": detail.get("device", "?"),
        }

    return filled


# Every kind, in the order the settings page lists them.
ALERTS: tuple[Alert, ...] = (
    Alert(
        "password_changed", _("Password set or changed"), _password_subject, _password_what
    ),
    Alert(
        "email_changed",
        _("Email address changed (to the old address too)"),
        _("The email address of your account was changed"),
        _email_what,
    ),
    Alert(
        "phone_changed",
        _("Phone number changed"),
        _("The phone number of your account was changed"),
        _phone_what,
    ),
    Alert(
        "mfa_added",
        _("Second step added"),
        _("A way to confirm it's you was added to your account"),
        _factor_added,
    ),
    Alert(
        "mfa_removed",
        _("Second step removed"),
        _("A way to confirm it's you was removed from your account"),
        _factor_removed,
    ),
    Alert(
        "backup_codes_generated",
        _("Backup codes made again"),
        _("New backup codes were made for your account"),
        _("New backup codes were made for your account; the old ones no longer work."),
    ),
    Alert(
        "token_created",
        _("Developer token created"),
        _("A developer token was created for your account"),
        _named(_("A developer token named “%(name)s” was created: it can act as you.")),
    ),
    Alert(
        "social_linked",
        _("Social account linked"),
        _("A social account was linked to your account"),
        _named(_("Your %(target)s account was linked: it can now sign you in.")),
    ),
    Alert(
        "social_unlinked",
        _("Social account unlinked"),
        _("A social account was unlinked from your account"),
        _named(_("Your %(target)s account was unlinked: it no longer signs you in.")),
    ),
    Alert(
        "sessions_signed_out",
        _("Sessions signed out elsewhere"),
        _("Your account was signed out elsewhere"),
        _("Your account was signed out on other devices or browsers."),
    ),
    Alert(
        "support_viewed",
        _("Support viewed the account"),
        _("The site's support viewed your account"),
        _("A member of the site's support team viewed your account as you see it."),
        by_you=False,
    ),
    Alert(
        "new_device",
        _("Sign-in from a new device or browser"),
        _named(_("New sign-in to your account on %(device)s")),
        _named(_("Your account was signed in to on %(device)s, for the first time there.")),
    ),
)

BY_KIND: dict[str, Alert] = {alert.kind: alert for alert in ALERTS}
KINDS: tuple[str, ...] = tuple(BY_KIND)


def _words(words: StrOrPromise | Words, detail: Mapping[str, Any]) -> str:
    return str(words(detail) if callable(words) else words)


def enabled(kind: str) -> bool:
    """Whether alerts of ``kind`` are sent: the admin's choice for it, else
    ``ACCOUNT_CENTER_SECURITY_ALERTS`` (``True``: all, ``False``: none, or the kinds), else,
    when that is not set, all kinds where the older ``ACCOUNT_CENTER_NOTIFICATIONS`` is on."""
    chosen = app_settings.SECURITY_ALERTS_CHOSEN.get(kind)
    if chosen is not None:
        return bool(chosen)
    return kind in configured()


def configured() -> frozenset[str]:
    """The kinds the Django settings alone switch on (the admin page shows them as the default)."""
    value = app_settings.SECURITY_ALERTS
    if value is None:
        value = app_settings.NOTIFICATIONS
    if isinstance(value, bool):
        return frozenset(KINDS) if value else frozenset()
    return frozenset(str(kind) for kind in value)


def primary_email(sub: str) -> str | None:
    """The user's primary email as Logto has it now, or None (none, or Logto did not answer)."""
    try:
        return get_client().get_user(sub).primary_email
    except LogtoError:
        logger.warning("Logto did not answer: no security alert address.")
        return None


def _sessions_url(request: HttpRequest) -> str:
    try:
        return request.build_absolute_uri(reverse("account_center:sessions"))
    except NoReverseMatch:  # a site that mounts the pages under its own names
        return ""


def context_for(
    request: HttpRequest, kind: str, detail: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """What the templates of ``kind`` are given: ``subject``, ``what``, ``when``, ``device`` and
    ``ip`` (empty for what someone else did), ``sessions_url`` ("this wasn't me"), ``site``."""
    alert = BY_KIND[kind]
    kept = {key: value for key, value in (detail or {}).items() if key in _DETAIL_KEYS}
    device = describe(request.META.get("HTTP_USER_AGENT"))
    if alert.by_you:
        kept["device"] = device
    return {
        "kind": kind,
        "subject": _words(alert.subject, kept),
        "what": _words(alert.what, kept),
        "when": timezone.now(),
        "device": device if alert.by_you else "",
        "ip": (client_ip(request) or "") if alert.by_you else "",
        "sessions_url": _sessions_url(request),
        "site": request.get_host(),
        "detail": kept,
    }


def send(
    request: HttpRequest,
    kind: str,
    sub: str,
    detail: Mapping[str, Any] | None = None,
    *,
    also_to: Iterable[str | None] = (),
) -> None:
    """Mail the alert ``kind`` to the user's primary email (and ``also_to``: the address an email
    change replaced), through the adapter's ``send_notification``; nothing when it is switched
    off. Never raises for a mail or a Logto read that fails: the change itself is done."""
    if not enabled(kind):
        return
    context = context_for(request, kind, detail)
    context["logto_user_id"] = sub
    context["email"] = primary_email(sub)
    context["also_to"] = [
        address for address in also_to if address and address != context["email"]
    ]
    if not context["email"] and not context["also_to"]:
        return
    get_adapter().send_notification(request, kind, context)
