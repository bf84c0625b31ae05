"""The one table turning Logto error codes into words for people, and the field they belong to."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

# code -> (form field the error belongs to, or None for the whole form; message)
MESSAGES: dict[str, tuple[str | None, Any]] = {
    "user.username_already_in_use": ("username", _("This username is already taken.")),
    "user.email_already_in_use": ("email", _("This email address is used by another account.")),
    "user.phone_already_in_use": ("phone", _("This phone number is used by another account.")),
    "user.invalid_email": ("email", _("Enter a valid email address.")),
    "user.invalid_phone": ("phone", _("Enter a valid phone number.")),
    "user.identity_already_in_use": (
        None,
        _(
            "This account at the provider is already linked to another account here. Nothing was linked."
        ),
    ),
    "user.identity_not_exist": (None, _("This account is not linked any more.")),
    "session.invalid_connector_id": (
        None,
        _("This provider can only be linked on the sign-in page. Nothing was linked."),
    ),
    "connector.general": (
        None,
        _("The provider's answer could not be used. Nothing was linked. Try again."),
    ),
    "session.invalid_credentials": ("password", _("This password is not correct.")),
    "verification_code.code_mismatch": ("code", _("This code is not correct.")),
    "verification_code.expired": ("code", _("This code has expired. Ask for a new one.")),
    "verification_code.exceed_max_try": (
        "code",
        _("Too many wrong codes. Ask for a new one."),
    ),
    "verification_code.not_found": ("code", _("No code is waiting. Ask for a new one.")),
    "connector.not_found": (None, _("Sending codes is not set up on this site.")),
    "user.last_sign_in_method_required": (
        None,
        _("You need at least one other way to sign in before removing this one."),
    ),
    "user.totp_already_in_use": (
        None,
        _("An authenticator app is already set up. Remove it first, or replace it."),
    ),
    "user.backup_code_already_in_use": (
        None,
        _("Backup codes already exist. Generate a new set to replace them."),
    ),
    "session.mfa.backup_code_can_not_be_alone": (
        None,
        _(
            "Backup codes only work next to another way to confirm it's you. "
            "Add an authenticator app (or a passkey) first."
        ),
    ),
    "session.mfa.mfa_factor_not_enabled": (
        None,
        _(
            "This kind of two-step verification is not turned on in this site's sign-in "
            "settings. Ask the site's administrators."
        ),
    ),
    "guard.invalid_input": (None, _("Some of the values were not accepted.")),
    "request.invalid_input": (None, _("Some of the values were not accepted.")),
}

# Logto refused one field's value (``guard.invalid_input`` naming it): said next to that field.
NOT_ACCEPTED = _("This value was not accepted.")
# Logto's keys the forms name otherwise; the rest are the forms' names in camelCase.
_FORM_FIELD_OF_KEY = {"primaryEmail": "email", "primaryPhone": "phone"}

UNAVAILABLE = _("Logto is unavailable, try again.")
UNEXPECTED = _("That did not work. Try again.")


def for_code(code: str) -> tuple[str | None, Any]:
    """``(field, message)`` for a Logto error code; unknown codes get a general message."""
    if code in MESSAGES:
        return MESSAGES[code]
    if code.startswith("verification_code."):
        return ("code", _("This code could not be checked. Ask for a new one."))
    if code == "too_many_requests" or code.endswith("rate_limited"):
        return (None, _("Too many requests. Wait a minute and try again."))
    return (None, UNEXPECTED)


def password_issue(code: str, interpolation: dict[str, Any]) -> str:
    """One password-policy rejection (``password_rejected.*``) in words."""
    if code == "password_rejected.too_short":
        minimum = int(interpolation.get("min", 8))
        return ngettext(
            "Use at least %(min)d character.", "Use at least %(min)d characters.", minimum
        ) % {"min": minimum}
    if code == "password_rejected.too_long":
        maximum = int(interpolation.get("max", 256))
        return ngettext(
            "Use at most %(max)d character.", "Use at most %(max)d characters.", maximum
        ) % {"max": maximum}
    if code == "password_rejected.character_types":
        minimum = int(interpolation.get("min", 2))
        return ngettext(
            "Mix at least %(min)d kind of character (lowercase, uppercase, digits, symbols).",
            "Mix at least %(min)d kinds of characters (lowercase, uppercase, digits, symbols).",
            minimum,
        ) % {"min": minimum}
    if code == "password_rejected.pwned":
        return str(_("This password has appeared in a data breach. Choose another one."))
    if code == "password_rejected.unsupported_characters":
        return str(_("This password contains characters that are not allowed."))
    if code == "password_rejected.restricted.repetition":
        return str(_("Avoid repeating the same character many times."))
    if code == "password_rejected.restricted.sequence":
        return str(_("Avoid sequences such as 123 or abc."))
    if code == "password_rejected.restricted.user_info":
        return str(_("Do not use your name, username, email or phone in your password."))
    if code == "password_rejected.restricted.words":
        return str(_("This password contains a word that is not allowed."))
    if code.startswith("password_rejected.restricted"):
        return str(_("This password is too easy to guess."))
    return str(_("This password is not accepted. Choose another one."))


def field_of_issue(data: Any) -> str | None:
    """The form field that a ``guard.invalid_input`` answer's first issue concerns, from zod's
    ``path`` in ``data.issues`` (``["avatar"]``, ``["profile", "birthdate"]``,
    ``["profile", "address", "postalCode"]``, ``["customData", "plan"]``); None if it names none."""
    issues = data.get("issues") if isinstance(data, dict) else None
    first = issues[0] if isinstance(issues, list) and issues else None
    path = [str(p) for p in first.get("path") or []] if isinstance(first, dict) else []
    if path[:1] == ["customData"]:
        return f"cd_{path[1]}" if len(path) > 1 else None
    if path[:1] == ["profile"]:
        path = path[1:]
    if path[:1] == ["address"]:
        return f"address_{_snake(path[1])}" if len(path) > 1 else None
    if not path:
        return None
    return _FORM_FIELD_OF_KEY.get(path[0], _snake(path[0]))


def _snake(key: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", key).lower()
