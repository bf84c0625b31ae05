"""Two-step verification: the user's factors, an authenticator app, backup codes, the switches.

Logto saves a TOTP secret without checking any code, so the app makes the secret, keeps it in the
Django session (sealed as the M2M token is: never in a log, never plain in the session store) for
at most :data:`PENDING_SECONDS` and never past the step-up window it was made in, and saves it to
Logto only after the user typed a current code from their app. Backup codes are handed to the
caller once, straight from Logto's answer, and kept nowhere. Every change passes step-up here
again, so the rule holds wherever a flow is called from. Logto is reached through the gateway
(:mod:`.gateway_mfa`: the Account API with the user's own token, or the Management API).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyotp
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from .. import ratelimit
from ..clock import now
from ..logto.errors import LogtoNotFound
from ..logto.models import MfaVerification
from ..sealing import seal, unseal
from ..secret_text import SecretText
from . import actions, gateway_mfa, stepup
from .changes import change, require_step_up, step_up_needed
from .errors import FlowError
from .identity import logto_user_id

TOTP = "Totp"
BACKUP_CODE = "BackupCode"
WEBAUTHN = "WebAuthn"
PENDING_KEY = "account_center_pending_totp"
PENDING_SECONDS = 600  # as Logto's own verification records
SEALED_AS = "pending-totp"  # the purpose the pending secret is sealed for (see sealing.py)
CODE_SCOPE = "totp_confirm"

EXPIRED = _("This setup has expired. Start again to get a new QR code.")
WRONG_CODE = _("This code is not correct. Enter the 6 digits your app shows now.")
NO_FACTOR_TO_ASK = _(
    "There is no second step to ask for yet. Set up an authenticator app (or add a passkey) first."
)
BACKUP_ALONE = _(
    "Backup codes only work next to another way to confirm it's you. "
    "Add an authenticator app (or a passkey) first."
)


@dataclass(frozen=True)
class Factors:
    """The user's factors by kind, as the pages show them."""

    totp: MfaVerification | None
    backup_codes: MfaVerification | None
    passkeys: list[MfaVerification]

    @classmethod
    def of(cls, factors: list[MfaVerification]) -> Factors:
        return cls(
            totp=next((f for f in factors if f.type == TOTP), None),
            backup_codes=next((f for f in factors if f.type == BACKUP_CODE), None),
            passkeys=[f for f in factors if f.type == WEBAUTHN],
        )

    @property
    def has_other_than_backup_codes(self) -> bool:
        return self.totp is not None or bool(self.passkeys)

    @property
    def any(self) -> bool:
        return self.has_other_than_backup_codes or self.backup_codes is not None

    def in_words(self) -> list[str]:
        words = []
        if self.totp is not None:
            words.append(str(_("Authenticator app")))
        if self.passkeys:
            words.append(str(_("Passkeys")))
        if self.backup_codes is not None:
            words.append(str(_("Backup codes")))
        return words


def factors_of(sub: str, request: HttpRequest | None = None) -> Factors:
    return Factors.of(gateway_mfa.factors(sub, request))


@dataclass(frozen=True)
class Settings:
    """The user's own switches in Logto's ``logto-configs``."""

    # None: never set, Logto's sign-in experience decides (its default).
    mfa_enabled: bool | None
    passkey_prompt_skipped: bool

    @classmethod
    def from_configs(cls, configs: dict[str, Any]) -> Settings:
        mfa = configs.get("mfa") if isinstance(configs.get("mfa"), dict) else {}
        passkey = (
            configs.get("passkeySignIn") if isinstance(configs.get("passkeySignIn"), dict) else {}
        )
        enabled = mfa.get("enabled") if mfa else None
        return cls(
            mfa_enabled=enabled if isinstance(enabled, bool) else None,
            passkey_prompt_skipped=bool(passkey.get("skipped")) if passkey else False,
        )


def settings_of(sub: str, request: HttpRequest | None = None) -> Settings:
    return Settings.from_configs(gateway_mfa.configs(sub, request))


# ---------------------------------------------------------------------- authenticator app


def new_secret() -> str:
    """32 base32 characters: whole groups of 8, as Logto requires of a caller-given secret."""
    return pyotp.random_base32(32)


@sensitive_variables("secret")
def start_totp(request: HttpRequest) -> str:
    """Make a new secret for the user to scan; kept in the session until confirmed or expired."""
    require_step_up(request, actions.TOTP_ADD)
    secret = new_secret()
    # The setup ends with the step-up window it was made in: whoever finds the browser after the
    # window must not read the secret (nor would signing in again bring an old setup back). Only
    # where the adapter asks no step-up for it is there no window, and PENDING_SECONDS alone holds.
    window = stepup.remaining_seconds(request)
    lifetime = min(PENDING_SECONDS, window) if window else PENDING_SECONDS
    request.session[PENDING_KEY] = {
        "sealed": seal(secret, SEALED_AS),
        "until": now() + lifetime,
        "sub": logto_user_id(request),
    }
    return secret


@sensitive_variables("record", "secret")
def pending_totp(request: HttpRequest) -> SecretText | None:
    """The secret waiting for its first code, or ``None`` (none, another user's, or expired:
    by its own age, or because step-up is needed again)."""
    record = request.session.get(PENDING_KEY)
    if not isinstance(record, dict):
        return None
    if record.get("sub") != logto_user_id(request):
        return None
    over = now() > float(record.get("until", 0))
    # Step-up needed again before the setup's own end: the window was cut short (step-up cleared,
    # or the admin shortened ACCOUNT_CENTER_STEP_UP_SECONDS), and the setup ends with it.
    if over or step_up_needed(request, actions.TOTP_ADD):
        request.session.pop(PENDING_KEY, None)
        return None
    secret = unseal(record.get("sealed"), SEALED_AS)
    return SecretText(secret) if isinstance(secret, str) else None


def pending_seconds_left(request: HttpRequest) -> int:
    record = request.session.get(PENDING_KEY)
    if not isinstance(record, dict) or pending_totp(request) is None:
        return 0
    return max(0, int(float(record["until"]) - now()))


def cancel_totp(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)


def provisioning_uri(secret: SecretText | str, account_name: str, issuer: str) -> SecretText:
    """The ``otpauth://`` URI of the QR code: it holds the secret, so it is wrapped too."""
    totp = pyotp.TOTP(str(secret))
    return SecretText(totp.provisioning_uri(name=account_name, issuer_name=issuer))


@sensitive_variables("secret", "code")
def code_matches(secret: SecretText | str, code: str) -> bool:
    """True for the current code, or the one just before or after (one step of clock drift)."""
    totp = pyotp.TOTP(str(secret))
    return totp.verify(code, for_time=int(now()), valid_window=1)


@sensitive_variables("code", "secret")
def confirm_totp(request: HttpRequest, code: str) -> MfaVerification | None:
    """Save the pending secret once ``code`` matches it; replaces an existing app only then.

    Raises :class:`FlowError` (field ``code``) for an expired setup, a wrong code or too many
    attempts; Logto's refusals stay :class:`LogtoAPIError`.
    """
    with change(request, actions.TOTP_ADD, sender=__name__) as ch:
        secret = pending_totp(request)
        if secret is None:
            raise FlowError(EXPIRED, field="code", code="totp_expired")
        # Counted before the check, so parallel guesses cannot slip past the limit.
        try:
            attempt = ratelimit.consume(request, CODE_SCOPE, ch.sub, field="code")
        except ratelimit.RateLimited:
            ch.refused("rate_limited")
            raise
        if not code_matches(secret, code):
            ch.failed("wrong_code")
            raise FlowError(WRONG_CODE, field="code", code="totp_code_mismatch")
        ratelimit.succeeded(request, attempt)
        old = factors_of(ch.sub, request).totp
        replaced = old is not None
        # Logto keeps one authenticator app: the old one goes only now the new one is proven.
        gateway_mfa.save_totp(ch, secret, code, old=old.id if old is not None else None)
        cancel_totp(request)
        ch.done(replaced=replaced, signal_args={"factor": TOTP, "replaced": replaced})
    return factors_of(ch.sub, request).totp


# ---------------------------------------------------------------------- backup codes


def generate_backup_codes(request: HttpRequest) -> list[SecretText]:
    """A new set of backup codes (the old set, if any, stops working). Returned once, kept nowhere."""
    with change(request, actions.BACKUP_CODES_GENERATE, sender=__name__) as ch:
        current = factors_of(ch.sub, request)
        if not current.has_other_than_backup_codes:
            ch.refused("alone")
            raise FlowError(BACKUP_ALONE, code="session.mfa.backup_code_can_not_be_alone")
        replaced = current.backup_codes is not None
        old = current.backup_codes.id if current.backup_codes is not None else None
        codes = gateway_mfa.new_backup_codes(ch, old=old)
        ch.done(replaced=replaced, signal_args={"factor": BACKUP_CODE, "replaced": replaced})
    return codes


# ---------------------------------------------------------------------- removing a factor


def strands_backup_codes(factors: Factors, verification_id: str) -> bool:
    """Would removing ``verification_id`` leave the backup codes alone (then they go with it)?"""
    if factors.backup_codes is None or factors.backup_codes.id == verification_id:
        return False
    keeps_totp = factors.totp is not None and factors.totp.id != verification_id
    keeps_passkey = any(p.id != verification_id for p in factors.passkeys)
    return not keeps_totp and not keeps_passkey


def remove_factor(
    request: HttpRequest, verification_id: str, *, passkey: bool | None = None
) -> list[str]:
    """Remove one of the user's own factors; answers the types removed. Unknown ids are refused,
    and so is, when ``passkey`` is given, a factor that is (False) or is not (True) a passkey:
    passkeys and the other factors are switched Off or ReadOnly apart, and the caller checked one.

    Removing the last factor other than backup codes removes the backup codes too: alone they
    are no second step (Logto refuses to make them alone), and the user could not remove them
    afterwards. The pages say so before the user confirms (:func:`strands_backup_codes`).
    """
    with change(request, actions.MFA_REMOVE, sender=__name__) as ch:
        factors = gateway_mfa.factors(ch.sub, request)
        factor = next((f for f in factors if f.id == verification_id), None)
        if factor is not None and passkey is not None and (factor.type == "WebAuthn") != passkey:
            factor = None
        if factor is None:
            gone = _("This way to confirm it's you was already removed.")
            raise FlowError(gone, code="not_found")
        going = [factor]
        current = Factors.of(factors)
        if current.backup_codes is not None and strands_backup_codes(current, factor.id):
            going.append(current.backup_codes)
        removed: list[str] = []
        for each in going:
            ch.note(factor=each.type)
            try:
                gateway_mfa.delete_factor(ch, each.id, passkey=each.type == WEBAUTHN)
            except LogtoNotFound:
                if each is factor:
                    raise
                continue  # the backup codes were already gone: what was wanted
            ch.done(signal_args={"factor": each.type})
            removed.append(each.type)
    return removed


# ---------------------------------------------------------------------- the user's switches


def change_settings(
    request: HttpRequest, *, mfa_enabled: bool | None = None, passkey_skipped: bool | None = None
) -> Settings:
    """Set ``mfa.enabled`` and/or ``passkeySignIn.skipped`` in the user's Logto configs."""
    with change(request, actions.MFA_SETTINGS, sender=__name__) as ch:
        if mfa_enabled and not factors_of(ch.sub, request).has_other_than_backup_codes:
            # "On" with nothing to ask for would read as protection the user does not have.
            ch.refused("no_factor")
            raise FlowError(NO_FACTOR_TO_ASK, code="mfa_no_factor")
        data: dict[str, Any] = {}
        if mfa_enabled is not None:
            data["mfa"] = {"enabled": mfa_enabled}
        if passkey_skipped is not None:
            data["passkeySignIn"] = {"skipped": passkey_skipped}
        if not data:
            return settings_of(ch.sub, request)
        answer = gateway_mfa.update_configs(ch, data)
        given: dict[str, bool | None] = {
            "mfa_enabled": mfa_enabled,
            "passkey_prompt_skipped": passkey_skipped,
        }
        changed: dict[str, Any] = {k: v for k, v in given.items() if v is not None}
        ch.done(**changed, signal_args={"settings": changed})
    return Settings.from_configs(answer)
