"""The signed-in user's own second factors and passkeys through the Account API
(``routes/account/mfa-verifications.ts``, ``logto-config.ts``, ``index.ts`` mfa-settings).

All need the token's ``identities`` scope. Reads need ``mfa`` ReadOnly or Edit; changes need it
Edit, proof of identity (``verification_id``) and a first-party application. Passkeys follow
``passkey``, or ``mfa`` when ``passkey`` is not set. Adding a factor also needs it turned on in the
sign-in experience (400 ``session.mfa.mfa_factor_not_enabled``): for passkeys, WebAuthn in
``mfa.factors`` or ``passkeySignIn.enabled``.
"""

from __future__ import annotations

from typing import Any

from account_center.logto.errors import LogtoUnavailable
from account_center.logto.models import MfaVerification
from account_center.logto.transport import Transport, _segment, _typed
from account_center.logto.user_token import UserTokenProvider

_FACTORS = "/api/my-account/mfa-verifications"


class MyAccountMfa(Transport):
    # ------------------------------------------------------------------ factors

    def list_own_mfa_verifications(self, user: UserTokenProvider) -> list[MfaVerification]:
        data = self._user_request(user, "GET", _FACTORS, shape="list")
        return _typed(lambda: [MfaVerification.from_api(item) for item in data])

    def add_own_passkey(
        self,
        user: UserTokenProvider,
        *,
        new_record_id: str,
        verification_id: str,
        name: str | None = None,
    ) -> None:
        """Bind the passkey of a verified WebAuthn record
        (:meth:`verify_own_passkey_registration`) under ``name``."""
        body: dict[str, Any] = {
            "type": "WebAuthn",
            "newIdentifierVerificationRecordId": new_record_id,
        }
        if name:
            body["name"] = name
        self._user_request(user, "POST", _FACTORS, json=body, verification_id=verification_id)

    def rename_own_passkey(
        self, user: UserTokenProvider, factor_id: str, name: str, *, verification_id: str
    ) -> None:
        """Rename a passkey (WebAuthn factors only: another kind is
        :class:`LogtoVerificationNotFound`)."""
        self._user_request(
            user,
            "PATCH",
            f"{_FACTORS}/{_segment(factor_id)}/name",
            json={"name": name},
            verification_id=verification_id,
        )

    def delete_own_mfa_verification(
        self, user: UserTokenProvider, factor_id: str, *, verification_id: str
    ) -> None:
        """Remove a factor or passkey; an unknown id is :class:`LogtoVerificationNotFound`."""
        self._user_request(
            user, "DELETE", f"{_FACTORS}/{_segment(factor_id)}", verification_id=verification_id
        )

    def generate_own_totp_secret(self, user: UserTokenProvider) -> str:
        """A fresh TOTP secret from Logto (nothing is saved until :meth:`add_own_totp`)."""
        data = self._user_request(
            user, "POST", f"{_FACTORS}/totp-secret/generate", shape="object", changes=False
        )
        secret = data.get("secret")
        if not isinstance(secret, str) or not secret:
            raise LogtoUnavailable("Logto's answer was not what Logto sends.")
        return secret

    def add_own_totp(
        self,
        user: UserTokenProvider,
        secret: str,
        code: str,
        *,
        verification_id: str,
        replace: bool = False,
    ) -> None:
        """Save an authenticator app: unlike the Management API, Logto checks ``code`` (400
        ``session.mfa.invalid_totp_code``). 422 ``user.totp_already_in_use`` when one exists,
        unless ``replace`` (``PUT .../totp``) swaps it."""
        if replace:
            path, body = f"{_FACTORS}/totp", {"secret": secret, "code": code}
        else:
            path, body = _FACTORS, {"type": "Totp", "secret": secret, "code": code}
        self._user_request(
            user, "PUT" if replace else "POST", path, json=body, verification_id=verification_id
        )

    def generate_own_backup_codes(self, user: UserTokenProvider) -> list[str]:
        """Ten fresh backup codes from Logto (nothing saved until :meth:`add_own_backup_codes`)."""
        data = self._user_request(
            user, "POST", f"{_FACTORS}/backup-codes/generate", shape="object", changes=False
        )
        codes = data.get("codes")
        if not isinstance(codes, list) or not all(isinstance(code, str) for code in codes):
            raise LogtoUnavailable("Logto's answer was not what Logto sends.")
        return list(codes)

    def add_own_backup_codes(
        self, user: UserTokenProvider, codes: list[str], *, verification_id: str
    ) -> None:
        """Save backup codes (10 hex codes; 422 ``session.mfa.backup_code_can_not_be_alone``
        without another factor, ``user.backup_code_already_in_use``)."""
        body = {"type": "BackupCode", "codes": list(codes)}
        self._user_request(user, "POST", _FACTORS, json=body, verification_id=verification_id)

    def get_own_backup_codes(
        self, user: UserTokenProvider, *, verification_id: str
    ) -> list[dict[str, Any]]:
        """The backup codes with their ``usedAt``; :class:`LogtoNotFound` (404
        ``verification_record.not_found``) when there are none. Show them; never keep or log
        them."""
        data = self._user_request(
            user,
            "GET",
            f"{_FACTORS}/backup-codes",
            verification_id=verification_id,
            shape="object",
        )
        codes = data.get("codes")
        if not isinstance(codes, list) or not all(isinstance(code, dict) for code in codes):
            raise LogtoUnavailable("Logto's answer was not what Logto sends.")
        return [dict(code) for code in codes]

    # ------------------------------------------------------------------ sign-in settings

    def get_own_mfa_settings(self, user: UserTokenProvider) -> bool:
        """Whether the user skips the second step at sign-in (``skipMfaOnSignIn``)."""
        data = self._user_request(user, "GET", "/api/my-account/mfa-settings", shape="object")
        return self._skip_mfa(data)

    def set_own_mfa_settings(
        self, user: UserTokenProvider, *, skip_mfa_on_sign_in: bool, verification_id: str
    ) -> bool:
        data = self._user_request(
            user,
            "PATCH",
            "/api/my-account/mfa-settings",
            json={"skipMfaOnSignIn": bool(skip_mfa_on_sign_in)},
            verification_id=verification_id,
            shape="object",
        )
        return self._skip_mfa(data)

    @staticmethod
    def _skip_mfa(data: dict[str, Any]) -> bool:
        value = data.get("skipMfaOnSignIn")
        if not isinstance(value, bool):
            raise LogtoUnavailable("Logto's answer was not what Logto sends.")
        return value

    def get_own_logto_configs(self, user: UserTokenProvider) -> dict[str, Any]:
        """``{"mfa": {enabled?, skipped, skipMfaOnSignIn}, "passkeySignIn": {skipped}}``; needs
        ``passkey`` (or ``mfa``) ReadOnly or Edit."""
        return self._user_request(user, "GET", "/api/my-account/logto-configs", shape="object")

    def update_own_logto_configs(
        self, user: UserTokenProvider, data: dict[str, Any], *, verification_id: str
    ) -> dict[str, Any]:
        """Change some of ``mfa`` / ``passkeySignIn``; Logto merges them (unlike the Management
        API of 1.37, no need to send the whole body). Answers them all."""
        return self._user_request(
            user,
            "PATCH",
            "/api/my-account/logto-configs",
            json=data,
            verification_id=verification_id,
            shape="object",
        )
