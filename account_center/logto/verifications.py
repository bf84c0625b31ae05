"""Logto's verification records (``/api/verifications``, ``routes/verification/index.ts``), made
with the signed-in user's own token: a password or a code to the user's own email or phone proves
who they are (its id goes as ``logto-verification-id``); a code to a new email or phone, a social
sign-in or a passkey's registration proves the new identifier or credential (its id goes in the
change's body as ``newIdentifierVerificationRecordId``). Each lives 600 s.

Every call here needs the account center enabled (else :class:`LogtoFieldClosed`), and all but
the social ones a first-party application (403 ``auth.third_party_application_forbidden``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from account_center.logto.account_models import (
    PasskeyRegistration,
    SocialVerification,
    VerificationRecord,
)
from account_center.logto.transport import Transport, _typed
from account_center.logto.user_token import UserTokenProvider

# The templates a code to the user's own email or phone may use; Logto picks
# ``BindNewIdentifier`` itself for any other address or number.
USER_PERMISSION_VALIDATION = "UserPermissionValidation"
BIND_MFA = "BindMfa"


def _identifier(email: str | None, phone: str | None) -> dict[str, str]:
    if bool(email) == bool(phone):
        raise ValueError("Give exactly one of email or phone.")
    if email:
        return {"type": "email", "value": email}
    return {"type": "phone", "value": str(phone)}


def _record_id(data: Mapping[str, Any]) -> str:
    return VerificationRecord.from_api(data).id


class Verifications(Transport):
    # ------------------------------------------------------------------ verification records

    def verify_own_password(self, user: UserTokenProvider, password: str) -> VerificationRecord:
        """A record proving the user knows their password. Wrong password: 422
        ``session.invalid_credentials``; too many tries: 400
        ``session.verification_blocked_too_many_attempts``."""
        data = self._user_request(
            user,
            "POST",
            "/api/verifications/password",
            json={"password": password},
            shape="object",
            changes=False,
        )
        return _typed(lambda: VerificationRecord.from_api(data))

    def send_own_verification_code(
        self,
        user: UserTokenProvider,
        *,
        email: str | None = None,
        phone: str | None = None,
        template_type: str | None = None,
    ) -> VerificationRecord:
        """Logto sends a code and answers the (not yet verified) record it belongs to. To the
        user's own address or number it proves identity (``UserPermissionValidation``, unless
        ``template_type`` says ``BindMfa``); to another it proves the new identifier. ``phone``
        is digits only. 429 when rate-limited, 501 ``connector.not_found`` with no connector."""
        body: dict[str, Any] = {"identifier": _identifier(email, phone)}
        if template_type:
            body["templateType"] = template_type
        data = self._user_request(
            user,
            "POST",
            "/api/verifications/verification-code",
            json=body,
            shape="object",
            changes=False,
        )
        return _typed(lambda: VerificationRecord.from_api(data))

    def verify_own_verification_code(
        self,
        user: UserTokenProvider,
        record_id: str,
        code: str,
        *,
        email: str | None = None,
        phone: str | None = None,
    ) -> str:
        """Check the code of the record ``record_id`` (sent to this email or phone); answers the
        record's id, now verified. Refusals: ``verification_code.code_mismatch``,
        ``verification_code.expired``, ``verification_code.exceed_max_try``..."""
        body = {"identifier": _identifier(email, phone), "verificationId": record_id, "code": code}
        data = self._user_request(
            user,
            "POST",
            "/api/verifications/verification-code/verify",
            json=body,
            shape="object",
            changes=False,
        )
        return _typed(lambda: _record_id(data))

    def start_own_social_verification(
        self,
        user: UserTokenProvider,
        connector_id: str,
        *,
        state: str,
        redirect_uri: str,
        scope: str | None = None,
    ) -> SocialVerification:
        """Start a social sign-in whose identity will be linked: send the user to the answer's
        ``authorization_uri``; its callback goes to :meth:`verify_own_social`."""
        body: dict[str, Any] = {
            "connectorId": connector_id,
            "state": state,
            "redirectUri": redirect_uri,
        }
        if scope:
            body["scope"] = scope
        data = self._user_request(
            user, "POST", "/api/verifications/social", json=body, shape="object", changes=False
        )

        def convert() -> SocialVerification:
            uri = data["authorizationUri"]
            if not isinstance(uri, str) or not uri:
                raise TypeError("authorizationUri")
            return SocialVerification(VerificationRecord.from_api(data), uri)

        return _typed(convert)

    def verify_own_social(
        self, user: UserTokenProvider, record_id: str, connector_data: Mapping[str, Any]
    ) -> str:
        """Hand Logto the provider's callback parameters; answers the verified record's id."""
        data = self._user_request(
            user,
            "POST",
            "/api/verifications/social/verify",
            json={"verificationRecordId": record_id, "connectorData": dict(connector_data)},
            shape="object",
            changes=False,
        )
        return _typed(lambda: _record_id(data))

    def start_own_passkey_registration(self, user: UserTokenProvider) -> PasskeyRegistration:
        """WebAuthn creation options for a new passkey. The relying party is the host this
        client reaches Logto at (``LOGTO_ENDPOINT``'s), which must be the site's host or a
        registrable suffix of it; an IP address cannot be one."""
        data = self._user_request(
            user,
            "POST",
            "/api/verifications/web-authn/registration",
            shape="object",
            changes=False,
        )

        def convert() -> PasskeyRegistration:
            options = data["registrationOptions"]
            if not isinstance(options, dict) or not isinstance(options.get("challenge"), str):
                raise TypeError("registrationOptions")
            if not isinstance(options.get("rp"), dict) or not isinstance(options.get("user"), dict):
                raise TypeError("registrationOptions")
            return PasskeyRegistration(VerificationRecord.from_api(data), options)

        return _typed(convert)

    def verify_own_passkey_registration(
        self,
        user: UserTokenProvider,
        record_id: str,
        credential: Mapping[str, Any],
        *,
        user_agent: str | None = None,
    ) -> str:
        """Hand Logto the browser's new credential (``PublicKeyCredential.toJSON()``); answers the
        verified record's id, which :meth:`add_own_passkey` binds.

        Logto's guard wants ``type: "WebAuthn"`` where the browser says ``"public-key"``: set
        here. The site's origin must be in ``webauthnRelatedOrigins``, else 400
        ``session.mfa.webauthn_verification_failed``. ``user_agent`` (the browser's) is what
        Logto stores as the passkey's ``agent``.
        """
        payload = {**dict(credential), "type": "WebAuthn"}
        data = self._user_request(
            user,
            "POST",
            "/api/verifications/web-authn/registration/verify",
            json={"verificationRecordId": record_id, "payload": payload},
            user_agent=user_agent,
            shape="object",
            changes=False,
        )
        return _typed(lambda: _record_id(data))
