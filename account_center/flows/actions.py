"""Every action the account center records in its audit trail, named once: its audit key, the
words the activity page and "Download my data" show for each outcome, and for the changes made
through :func:`account_center.flows.changes.change`, its step-up key, its signal and the kind the
adapter's ``on_credentials_changed`` hears.

The recent-activity page and "Download my data" read what an event says from this table, in the
user's language. tests/pages/test_activity_words.py walks every place the app writes an audit
event and fails on an action this table does not name, or on a failure, refusal or unknown
outcome that has no words of its own (so a wrong code never reads "Authenticator app added —
Failed"); tests/pages/test_change_path.py fails on a flow that audits, signals or checks step-up
itself rather than through the change path.

Actions done to the user's account rather than by the user (the site's administrators in Django
admin, Logto's webhooks) have ``by_you=False``: the user sees what happened and when, never the
address or browser it came from (those are staff's, or Logto's servers').
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Union

from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _

from .. import signals
from ..models import AuditEvent

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# A sentence (formatted with the event's detail: ``%(name)s``), or a function of the detail that
# answers the finished sentence.
Words = Union["StrOrPromise", Callable[[Mapping[str, Any]], str]]

SUCCESS = str(AuditEvent.Outcome.SUCCESS)
FAILURE = str(AuditEvent.Outcome.FAILURE)
DENIED = str(AuditEvent.Outcome.DENIED)
UNKNOWN = "unknown"  # flows.audit.UNKNOWN: a change sent whose answer never came


class _Filled(dict[str, Any]):
    """An event's detail for ``%`` formatting: a key an older event lacks reads "?", not a crash."""

    def __missing__(self, key: str) -> str:
        return "?"


@dataclass(frozen=True)
class Action:
    """One action: its audit key, what the user reads for each outcome, and how a change of it is
    made (:mod:`.changes`).

    ``failed``, ``refused`` and ``unknown`` fall back to ``done`` (the page's outcome badge then
    says "Failed"...); the tests require them wherever the app records that outcome. A change
    Logto refuses is recorded as failed only for an action with ``failed`` words: one without
    them (a code not sent, a download not made) changed nothing the user needs to check.
    """

    key: str
    done: Words
    failed: Words | None = None
    refused: Words | None = None
    unknown: Words | None = None
    # False: done to the account by the site (its administrators, Logto's webhooks), not by the
    # user: no IP address or device is shown or exported.
    by_you: bool = True
    # False: bookkeeping, left off the activity page (the download still holds it).
    shown: bool = True
    # What ``stepup.require(request, key)`` and the adapter's ``is_step_up_required(request,
    # action)`` receive; public (a site's adapter may name it), so kept as it always was, even
    # where it differs from ``key``. None: the change needs no step-up.
    step_up: str | None = None
    # Sent once the change is done (account_center/signals.py lists each one's arguments).
    signal: Signal | None = field(default=None, compare=False)
    # The ``kind`` the adapter's ``on_credentials_changed(request, kind)`` hears after the change
    # (public, as ``step_up``); None: not called.
    credentials: str | None = None
    # The security alert mailed once the change is done (a kind of :mod:`.alerts`); None: none.
    alert: str | None = None
    # The alert also goes to the primary email the change replaced (read before the change).
    alert_old_email: bool = False

    def words_for(self, outcome: str) -> Words | None:
        """The outcome's own words, or ``None`` when it has none (``done`` is used then)."""
        return {
            SUCCESS: self.done,
            FAILURE: self.failed,
            DENIED: self.refused,
            UNKNOWN: self.unknown,
        }.get(str(outcome))

    def describe(self, outcome: str, detail: Mapping[str, Any]) -> str:
        """The event in words, in the active language."""
        words = self.words_for(outcome) or self.done
        if callable(words):
            return words(detail)
        return str(words) % _Filled(detail)


def _problem(detail: Mapping[str, Any]) -> str:
    # The change path names why a change failed or was refused ``error`` (Logto's code, or the
    # app's own word); events written before it may say ``reason``.
    return str(detail.get("error") or detail.get("reason") or "")


def _factor(detail: Mapping[str, Any]) -> str:
    return str(
        {
            "Totp": _("authenticator app"),
            "BackupCode": _("backup codes"),
            "WebAuthn": _("passkey"),
        }.get(str(detail.get("factor", "")), _("a way to confirm it's you"))
    )


def _step_up_done(detail: Mapping[str, Any]) -> str:
    return str(
        {
            "password": _("Confirmed it's you with your password"),
            "email": _("Confirmed it's you with a code sent to your email"),
            "phone": _("Confirmed it's you with a code sent to your phone"),
            "reauthentication": _("Signed in again to confirm it's you"),
        }.get(str(detail.get("method", "")), _("Confirmed it's you"))
    )


def _step_up_failed(detail: Mapping[str, Any]) -> str:
    method = str(detail.get("method", ""))
    if method == "password":
        return str(_("Wrong password entered while confirming it's you"))
    if method in ("email", "phone"):
        return str(_("Wrong or expired code entered while confirming it's you"))
    return str(_("Confirming it's you failed"))


def _changed(
    changed: StrOrPromise, changed_to: StrOrPromise | None, removed: StrOrPromise
) -> Callable[[Mapping[str, Any]], str]:
    def words(detail: Mapping[str, Any]) -> str:
        if detail.get("removed"):
            return str(removed)
        if detail.get("to") and changed_to is not None:
            return str(changed_to) % {"to": detail["to"]}
        return str(changed)

    return words


def _change_failed(
    wrong_code: StrOrPromise, other: StrOrPromise
) -> Callable[[Mapping[str, Any]], str]:
    def words(detail: Mapping[str, Any]) -> str:
        return str(wrong_code if _problem(detail).startswith("verification_code.") else other)

    return words


def _mfa_settings(detail: Mapping[str, Any]) -> str:
    if "mfa_enabled" in detail:
        if detail["mfa_enabled"]:
            return str(_("Two-step verification turned on"))
        return str(_("Two-step verification turned off"))
    return str(_("Passkey suggestion changed"))


def _session_ended(detail: Mapping[str, Any]) -> str:
    return str(
        {
            "suspended": _("Signed out: your account is suspended"),
            "deleted": _("Signed out: your account no longer exists"),
            "unlinked": _("Signed out: the site's administrators removed your account's link"),
        }.get(str(detail.get("reason", "")), _("Signed out: your sign-in had ended"))
    )


def _suspension(detail: Mapping[str, Any]) -> str:
    if detail.get("suspended"):
        return str(_("Your account was suspended by the site's administrators"))
    return str(_("Your account was restored by the site's administrators"))


# --- signing in and confirming it's you -----------------------------------------------------------
SIGN_IN = Action(
    "sign_in",
    lambda detail: str(
        _("Signed in on a device or browser not seen before")
        if detail.get("new_device")
        else _("Signed in")
    ),
)
STEP_UP = Action(
    "step_up",
    _step_up_done,
    failed=_step_up_failed,
    refused=_("Confirming it's you was refused"),
    signal=signals.step_up_verified,
)
STEP_UP_CODE_SENT = Action("step_up_code_sent", _("Code sent to confirm it's you"))
STEP_UP_REQUIRED = Action(
    "step_up_required",
    _("Asked to confirm it's you before a change"),
    refused=_("Asked to confirm it's you before a change"),
    shown=False,
)
REAUTHENTICATION = Action(
    "reauthentication",
    _("Signed in again to confirm it's you"),
    refused=_("Signing in again to confirm it's you was refused"),
)
SESSION_ENDED = Action(
    "session_ended",
    _("Signed out: your sign-in had ended"),
    refused=_session_ended,
)
SIGNED_OUT_ELSEWHERE = Action(
    "signed_out_elsewhere",
    _("Signed out of your other sessions"),
)

# --- sign-in details ------------------------------------------------------------------------------
PASSWORD_CHANGE = Action(
    "password_change",
    lambda detail: str(_("Password set") if detail.get("created") else _("Password changed")),
    failed=_("New password not accepted"),
    step_up="password",
    signal=signals.password_changed,
    credentials="password",
    alert="password_changed",
)
USERNAME_CHANGE = Action(
    "username_change",
    _changed(_("Username changed"), None, _("Username removed")),
    failed=_("Username not changed"),
    step_up="username",
    signal=signals.username_changed,
    credentials="username",
)
EMAIL_CHANGE = Action(
    "email_change",
    _changed(_("Email changed"), _("Email changed to %(to)s"), _("Email removed")),
    failed=_change_failed(
        _("Wrong or expired code entered for a new email address"), _("Email not changed")
    ),
    step_up="email",
    signal=signals.email_changed,
    credentials="email",
    alert="email_changed",
    alert_old_email=True,
)
PHONE_CHANGE = Action(
    "phone_change",
    _changed(
        _("Phone number changed"),
        _("Phone number changed to %(to)s"),
        _("Phone number removed"),
    ),
    failed=_change_failed(
        _("Wrong or expired code entered for a new phone number"),
        _("Phone number not changed"),
    ),
    step_up="phone",
    signal=signals.phone_changed,
    credentials="phone",
    alert="phone_changed",
)
EMAIL_CODE_SENT = Action(
    "email_code_sent",
    _("Code sent to a new email address"),
    refused=_("No code sent: that email address belongs to another account"),
    step_up="email",
)
PHONE_CODE_SENT = Action(
    "phone_code_sent",
    _("Code sent to a new phone number"),
    refused=_("No code sent: that phone number belongs to another account"),
    step_up="phone",
)

# --- profile --------------------------------------------------------------------------------------
PROFILE_UPDATE = Action(
    "profile_update",
    _("Profile changed"),
    failed=_("Profile not changed"),
    signal=signals.profile_updated,
)
CUSTOM_DATA_UPDATE = Action(
    "custom_data_update",
    _("Profile details changed"),
    failed=_("Profile details not changed"),
    signal=signals.custom_data_updated,
)

# --- two-step verification ------------------------------------------------------------------------
TOTP_ADD = Action(
    "totp_add",
    lambda detail: str(
        _("Authenticator app replaced")
        if detail.get("replaced")
        else _("Authenticator app added")
    ),
    failed=lambda detail: str(
        _("Wrong authenticator code entered")
        if _problem(detail) == "wrong_code"
        else _("Authenticator app not added")
    ),
    refused=_("Authenticator app not added: too many wrong codes"),
    step_up="totp",
    signal=signals.mfa_factor_added,
    credentials="totp",
    alert="mfa_added",
)
BACKUP_CODES_GENERATE = Action(
    "backup_codes_generate",
    _("New backup codes made"),
    failed=_("Backup codes not made"),
    refused=_("Backup codes not made: they need another way to confirm it's you first"),
    step_up="backup_codes",
    signal=signals.mfa_factor_added,
    credentials="backup_codes",
    alert="backup_codes_generated",
)
MFA_REMOVE = Action(
    "mfa_remove",
    lambda detail: str(_("Removed %(factor)s")) % {"factor": _factor(detail)},
    failed=lambda detail: str(_("Could not remove %(factor)s")) % {"factor": _factor(detail)},
    step_up="mfa_factor_removed",
    signal=signals.mfa_factor_removed,
    credentials="mfa_factor_removed",
    alert="mfa_removed",
)
MFA_SETTINGS = Action(
    "mfa_settings",
    _mfa_settings,
    failed=_("Two-step verification settings not changed"),
    refused=_("Two-step verification not turned on: there was no second step to ask for"),
    step_up="mfa_settings",
    signal=signals.mfa_settings_changed,
)
PASSKEY_ADD = Action(
    "passkey_add",
    _("Passkey added"),
    failed=_("Passkey not added"),
    step_up="passkey",
    signal=signals.mfa_factor_added,
    credentials="passkey",
    alert="mfa_added",
)
PASSKEY_RENAME = Action(
    "passkey_rename",
    _("Passkey renamed “%(name)s”"),
    failed=_("Passkey not renamed"),
    step_up="passkey",
)

# --- developer tokens and sessions ----------------------------------------------------------------
TOKEN_CREATE = Action(
    "token_create",
    _("Developer token “%(name)s” created"),
    failed=_("Developer token “%(name)s” not created"),
    step_up="personal_access_token",
    signal=signals.personal_access_token_created,
    credentials="personal_access_token",
    alert="token_created",
)
TOKEN_RENAME = Action(
    "token_rename",
    _("Developer token “%(name)s” renamed to “%(new_name)s”"),
    failed=_("Developer token “%(name)s” not renamed"),
    step_up="personal_access_token",
    signal=signals.personal_access_token_renamed,
)
TOKEN_DELETE = Action(
    "token_delete",
    _("Developer token “%(name)s” deleted"),
    failed=_("Developer token “%(name)s” not deleted"),
    step_up="personal_access_token",
    signal=signals.personal_access_token_deleted,
)
SESSION_REVOKE = Action(
    "session_revoke",
    _("Session on %(device)s signed out"),
    failed=_("Session on %(device)s not signed out"),
    step_up="session",
    signal=signals.session_revoked,
    alert="sessions_signed_out",
)

# --- connected apps and remembered devices --------------------------------------------------------
APP_ACCESS_REMOVE = Action(
    "app_access_remove",
    _("Access of the app “%(application)s” removed"),
    failed=_("Access of the app “%(application)s” not removed"),
    step_up="app_access",
    signal=signals.app_access_removed,
)
TRUSTED_DEVICE_FORGET = Action(
    "trusted_device_forget",
    _("Remembered device %(device)s forgotten"),
    failed=_("Remembered device %(device)s not forgotten"),
    step_up="trusted_device",
    signal=signals.trusted_device_forgotten,
)

# --- linked accounts ------------------------------------------------------------------------------
SOCIAL_LINK_STARTED = Action(
    "social_link_started",
    _("Started linking a %(target)s account"),
    step_up="social_link",
)
SOCIAL_LINK = Action(
    "social_link",
    _("Linked a %(target)s account"),
    failed=_("A social account was not linked"),
    refused=_("Linking a social account was refused: it was not started here, or too long ago"),
    signal=signals.social_account_linked,
    alert="social_linked",
)
SOCIAL_UNLINK = Action(
    "social_unlink",
    _("Unlinked a %(target)s account"),
    failed=_("A social account was not unlinked"),
    step_up="social_unlink",
    signal=signals.social_account_unlinked,
    alert="social_unlinked",
)

# --- your data and your account -------------------------------------------------------------------
DATA_DOWNLOAD = Action(
    "data_download",
    _("Downloaded your data"),
    step_up="download_data",
)
ACCOUNT_DELETE = Action(
    "account_delete",
    _("Account deleted"),
    failed=lambda detail: str(
        _("Account not deleted: the site could not prepare for it")
        if _problem(detail) == "host"
        else _("Account not deleted")
    ),
    step_up="delete_account",
    signal=signals.account_deleted,
)

# --- refusals and unknown outcomes on any page ----------------------------------------------------
FEATURE_READ_ONLY = Action(
    "feature_read_only",
    _("A change was refused: that part of your account cannot be changed here now"),
    refused=_("A change was refused: that part of your account cannot be changed here now"),
)
LOGTO_WRITE = Action(
    "logto_write",
    _("A change was sent but not confirmed: check whether it was made"),
    unknown=_("A change was sent but not confirmed: check whether it was made"),
)

# --- done to the account by the site's administrators (Django admin) ------------------------------
ADMIN_SUSPEND = Action(
    "admin_suspend",
    _("Your account was suspended by the site's administrators"),
    failed=_("The site's administrators tried to suspend your account; it did not happen"),
    unknown=_(
        "The site's administrators tried to suspend your account; it may not have happened"
    ),
    by_you=False,
)
ADMIN_RESTORE = Action(
    "admin_restore",
    _("Your account was restored by the site's administrators"),
    failed=_("The site's administrators tried to restore your account; it did not happen"),
    unknown=_(
        "The site's administrators tried to restore your account; it may not have happened"
    ),
    by_you=False,
)
ADMIN_SIGN_OUT_EVERYWHERE = Action(
    "admin_sign_out_everywhere",
    _("You were signed out everywhere by the site's administrators"),
    failed=_("The site's administrators tried to sign you out everywhere; it did not happen"),
    unknown=_(
        "The site's administrators tried to sign you out everywhere; it may not have happened"
    ),
    by_you=False,
)
ADMIN_REFRESH = Action(
    "admin_refresh",
    _("Your details on this site were refreshed by the site's administrators"),
    failed=_(
        "The site's administrators tried to refresh your details on this site; "
        "it did not happen"
    ),
    unknown=_(
        "The site's administrators tried to refresh your details on this site; "
        "it may not have happened"
    ),
    by_you=False,
)
ADMIN_RESET_MFA = Action(
    "admin_reset_mfa",
    _("Your two-step verification was reset by the site's administrators"),
    failed=_(
        "The site's administrators tried to reset your two-step verification; "
        "it did not happen"
    ),
    unknown=_(
        "The site's administrators tried to reset your two-step verification; "
        "it may not have happened"
    ),
    by_you=False,
)
SUPPORT_VIEW_STARTED = Action(
    "support_view_started",
    _("Support viewed your account"),
    refused=_("Support asked to view your account; it was refused"),
    by_you=False,
)
SUPPORT_VIEW_ENDED = Action(
    "support_view_ended",
    _("Support stopped viewing your account"),
    by_you=False,
)
SUPPORT_VIEW_REFUSED = Action(
    "support_view_refused",
    _("Support tried a change while viewing your account; it was refused"),
    refused=_("Support tried a change while viewing your account; it was refused"),
    by_you=False,
)
IDENTITY_LINK_DELETED = Action(
    "identity_link_deleted",
    _("The site's administrators removed your account's link to this site"),
    by_you=False,
)
SITE_SETTINGS_CHANGED = Action(
    "site_settings_changed",
    _("The site's account settings were changed by its administrators"),
    by_you=False,
)

# --- told by Logto (webhooks) ---------------------------------------------------------------------
WEBHOOK_USER_DELETED = Action("webhook_user_deleted", _("Your account was deleted"), by_you=False)
WEBHOOK_USER_UPDATED = Action(
    "webhook_user_updated",
    _("Your details on this site were updated from your account"),
    by_you=False,
)
WEBHOOK_USER_SUSPENSION = Action("webhook_user_suspension", _suspension, by_you=False)

# Every action above, in the order the table names them.
ACTIONS: tuple[Action, ...] = tuple(
    value for value in list(globals().values()) if isinstance(value, Action)
)

BY_KEY: dict[str, Action] = {action.key: action for action in ACTIONS}

# An action the table does not name (an event written by an older version, or by the host
# project itself): words in the user's language rather than a raw key, and, as nobody here knows
# who did it, no address or device (it may be staff's).
OTHER = Action("other", _("Other account activity"), by_you=False)


def get(key: str) -> Action:
    """The action recorded as ``key``, or :data:`OTHER`."""
    return BY_KEY.get(key, OTHER)
