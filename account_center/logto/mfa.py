"""The user's second factors (authenticator app, backup codes, passkeys)."""

from __future__ import annotations

from typing import Any

from django.views.decorators.debug import sensitive_variables

from account_center.logto.models import MfaVerification, TotpSecret
from account_center.logto.transport import Transport, _segment, _typed
from account_center.secret_text import SecretText


class Mfa(Transport):
    # ------------------------------------------------------------------ MFA

    def list_mfa_verifications(self, user_id: str) -> list[MfaVerification]:
        data = self._request("GET", self._user_path(user_id, "mfa-verifications"), shape="list")
        return _typed(lambda: [MfaVerification.from_api(item) for item in data])

    @sensitive_variables("secret", "body", "data")
    def create_totp(self, user_id: str, secret: SecretText | str | None = None) -> TotpSecret:
        """Save a TOTP factor. Logto checks no code: verify the user's code before calling."""
        body: dict[str, Any] = {"type": "Totp"}
        if secret:
            body["secret"] = str(secret)
        data = self._request(
            "POST", self._user_path(user_id, "mfa-verifications"), json=body, shape="object"
        )
        return TotpSecret(
            secret=str(data.get("secret", secret or "")),
            secret_qr_code=str(data.get("secretQrCode", "")),
        )

    @sensitive_variables("codes", "body", "data")
    def create_backup_codes(
        self, user_id: str, codes: list[str] | None = None
    ) -> list[SecretText]:
        """A new set of backup codes, each wrapped: shown once, never in an error report."""
        body: dict[str, Any] = {"type": "BackupCode"}
        if codes:
            body["codes"] = list(codes)
        data = self._request(
            "POST", self._user_path(user_id, "mfa-verifications"), json=body, shape="object"
        )
        return [SecretText(str(code)) for code in data.get("codes", [])]

    def delete_mfa_verification(self, user_id: str, verification_id: str) -> None:
        self._request(
            "DELETE", self._user_path(user_id, "mfa-verifications", _segment(verification_id))
        )
