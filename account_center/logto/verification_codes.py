"""Verification codes Logto sends to an email address or a phone number, and their check."""

from __future__ import annotations

from django.views.decorators.debug import sensitive_variables

from account_center.logto.transport import Transport


class VerificationCodes(Transport):
    # ------------------------------------------------------------------ verification codes

    @staticmethod
    def _code_target(email: str | None, phone: str | None) -> dict[str, str]:
        if bool(email) == bool(phone):
            raise ValueError("Give exactly one of email or phone.")
        return {"email": email} if email else {"phone": phone}  # type: ignore[dict-item]

    def send_verification_code(self, *, email: str | None = None, phone: str | None = None) -> None:
        """Ask Logto to send a code. ``phone`` is digits only, country code first, no ``+``."""
        self._request(
            "POST", "/api/verification-codes", json=self._code_target(email, phone), changes=False
        )

    @sensitive_variables("code", "body")
    def verify_verification_code(
        self, *, code: str, email: str | None = None, phone: str | None = None
    ) -> None:
        """Raises :class:`LogtoAPIError` with ``code`` ``verification_code.*`` when refused."""
        body = {**self._code_target(email, phone), "verificationCode": code}
        self._request("POST", "/api/verification-codes/verify", json=body, changes=False)
