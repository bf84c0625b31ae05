"""Two-step verification through the gateway (:mod:`.gateway`): the user's factors, an
authenticator app, backup codes, passkeys and the user's own switches reach Logto through the
Account API with the user's own token where the gateway says so, else through the Management API.

Two capabilities, as Logto's account-center fields split them: ``mfa`` (the factors, an
authenticator app, backup codes; Logto's ``mfa`` field) and ``passkeys`` (passkeys and the
``logto-configs`` switches; Logto's ``passkey`` field, else ``mfa``). Every change through the
Account API sends Logto's verification record (``logto-verification-id``), which Logto demands.

Only the Account API registers a passkey (``/api/verifications/web-authn/registration``): with the
Management API a passkey can be listed and removed, never added or renamed
(:func:`passkeys_addable`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from ..logto.account_models import PasskeyRegistration
from ..logto.client import get_client
from ..logto.errors import LogtoNotFound, LogtoVerificationNotFound
from ..logto.models import MfaVerification
from ..secret_text import SecretText
from . import logto_verification
from .errors import FlowError
from .gateway import ACCOUNT, _request_of, _tokens, route

if TYPE_CHECKING:
    from .changes import Change

MFA, PASSKEYS = "mfa", "passkeys"
ACCOUNT_API_ONLY = _(
    "Passkeys can only be added or renamed through Logto's Account API, "
    "which this site does not use for them."
)


def _proof(request: HttpRequest) -> str:
    return logto_verification.current(request) or ""


# ---------------------------------------------------------------------- reads


def factors(sub: str, request: HttpRequest | None = None) -> list[MfaVerification]:
    """The user's second factors and passkeys as Logto lists them."""
    tokens = _tokens(request or _request_of(sub), MFA)
    if tokens is None:
        return get_client().list_mfa_verifications(sub)
    return get_client().list_own_mfa_verifications(tokens)


def configs(sub: str, request: HttpRequest | None = None) -> dict[str, Any]:
    """The user's own switches (``mfa``, ``passkeySignIn``) in Logto's ``logto-configs``."""
    tokens = _tokens(request or _request_of(sub), PASSKEYS)
    if tokens is None:
        return get_client().get_logto_configs(sub)
    return get_client().get_own_logto_configs(tokens)


def passkeys_addable(request: HttpRequest) -> bool:
    """Whether a passkey can be added (and renamed) here: only through the Account API."""
    return route(PASSKEYS) == ACCOUNT


# ---------------------------------------------------------------------- changes


@sensitive_variables("secret", "code")
def save_totp(ch: Change, secret: SecretText | str, code: str, *, old: str | None) -> None:
    """Save an authenticator app whose ``code`` the app checked, in place of the one ``old``
    names. The Management API saves it unchecked (the old one is removed first: Logto keeps one);
    the Account API checks the code again and swaps the old one itself (``PUT .../totp``)."""
    tokens = _tokens(ch.request, MFA)
    client = get_client()
    if tokens is None:
        if old is not None:
            delete_factor(ch, old)
        client.create_totp(ch.sub, secret)
        return
    client.add_own_totp(
        tokens, str(secret), code, verification_id=_proof(ch.request), replace=old is not None
    )


def new_backup_codes(ch: Change, *, old: str | None) -> list[SecretText]:
    """A new set of backup codes in place of the set ``old`` names (removed first: Logto refuses
    a second set while the first has unused codes)."""
    if old is not None:
        delete_factor(ch, old, missing_ok=True)
    tokens = _tokens(ch.request, MFA)
    client = get_client()
    if tokens is None:
        return client.create_backup_codes(ch.sub)
    codes = client.generate_own_backup_codes(tokens)
    client.add_own_backup_codes(tokens, codes, verification_id=_proof(ch.request))
    return [SecretText(code) for code in codes]


def delete_factor(
    ch: Change, factor_id: str, *, passkey: bool = False, missing_ok: bool = False
) -> None:
    """Remove a factor or passkey. An unknown one is :class:`LogtoNotFound` whichever the
    gateway (the Account API says ``verification_record.not_found``), unless ``missing_ok``."""
    tokens = _tokens(ch.request, PASSKEYS if passkey else MFA)
    try:
        if tokens is None:
            get_client().delete_mfa_verification(ch.sub, factor_id)
        else:
            get_client().delete_own_mfa_verification(
                tokens, factor_id, verification_id=_proof(ch.request)
            )
    except (LogtoNotFound, LogtoVerificationNotFound) as error:
        if missing_ok:
            return
        if isinstance(error, LogtoNotFound):
            raise
        raise LogtoNotFound(404, error.code, error.message, error.data) from None


def update_configs(ch: Change, data: Mapping[str, Any]) -> dict[str, Any]:
    """Change some of the user's switches; answers them all."""
    tokens = _tokens(ch.request, PASSKEYS)
    if tokens is None:
        return get_client().update_logto_configs(ch.sub, dict(data))
    return get_client().update_own_logto_configs(
        tokens, dict(data), verification_id=_proof(ch.request)
    )


def _own_tokens(request: HttpRequest) -> Any:
    tokens = _tokens(request, PASSKEYS)
    if tokens is None:
        # The page offers none then; a form left open from before is told why.
        raise FlowError(ACCOUNT_API_ONLY, code="passkeys_account_api_only")
    return tokens


def start_passkey(request: HttpRequest) -> PasskeyRegistration:
    """Logto's creation options for a new passkey, and the record that will prove it."""
    return get_client().start_own_passkey_registration(_own_tokens(request))


@sensitive_variables("credential")
def add_passkey(
    ch: Change,
    record_id: str,
    credential: Mapping[str, Any],
    *,
    user_agent: str | None,
    name: str | None = None,
) -> None:
    """Have Logto verify the browser's new credential, then bind it. The browser's User-Agent is
    relayed (Logto names the passkey's device after it); no ``Origin`` header is ever sent: the
    site's origin must be among the tenant's ``webauthnRelatedOrigins``."""
    tokens = _own_tokens(ch.request)
    client = get_client()
    verified = client.verify_own_passkey_registration(
        tokens, record_id, credential, user_agent=user_agent
    )
    client.add_own_passkey(
        tokens, new_record_id=verified, verification_id=_proof(ch.request), name=name
    )


def rename_passkey(ch: Change, factor_id: str, name: str) -> None:
    client = get_client()
    try:
        client.rename_own_passkey(
            _own_tokens(ch.request), factor_id, name, verification_id=_proof(ch.request)
        )
    except LogtoVerificationNotFound as error:
        raise LogtoNotFound(404, error.code, error.message, error.data) from None
