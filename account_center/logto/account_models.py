"""Typed results of the Account API and of the tenant's account-center settings (frozen
dataclasses, built from Logto's camelCase JSON; unknown fields are ignored, as in ``models``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from account_center.logto.models import LogtoSession, LogtoUser, _when

# The values of a field in Logto's account-center settings (``AccountCenterControlValue``).
OFF = "Off"
READ_ONLY = "ReadOnly"
EDIT = "Edit"
CONTROLS = (OFF, READ_ONLY, EDIT)

# The fields Logto's settings know (``accountCenterFieldControlGuard``); ``trustedDevice`` only
# with Logto's development features on.
ACCOUNT_CENTER_FIELDS = (
    "name",
    "avatar",
    "profile",
    "email",
    "phone",
    "password",
    "username",
    "social",
    "customData",
    "mfa",
    "passkey",
    "session",
    "trustedDevice",
)


@dataclass(frozen=True)
class AccountCenterSettings:
    """The tenant's account-center settings (``GET /api/account-center``): whether the Account
    API is on, each field's Off / ReadOnly / Edit, and the other origins allowed to register
    passkeys for Logto's relying party."""

    enabled: bool
    # As Logto stores them; a field missing here is Off (``passkey``: as ``mfa``).
    fields: dict[str, str] = field(default_factory=dict)
    webauthn_related_origins: tuple[str, ...] = ()
    delete_account_url: str | None = None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> AccountCenterSettings:
        enabled = data["enabled"]
        controls = data.get("fields") or {}
        origins = data.get("webauthnRelatedOrigins") or []
        if not isinstance(enabled, bool) or not isinstance(controls, dict):
            raise TypeError("account-center settings")
        if not isinstance(origins, list) or not all(isinstance(o, str) for o in origins):
            raise TypeError("webauthnRelatedOrigins")
        return cls(
            enabled=enabled,
            fields={str(name): str(value) for name, value in controls.items()},
            webauthn_related_origins=tuple(origins),
            delete_account_url=data.get("deleteAccountUrl") or None,
        )

    def control(self, name: str) -> str:
        """What Logto lets the user do with ``name``, as Logto decides it: Off while the Account
        API is disabled, for a field not set, and for a value this code does not know (a newer
        Logto's: closed until understood); ``passkey`` falls back to ``mfa`` when not set."""
        if not self.enabled:
            return OFF
        value = self.fields.get(name)
        if value is None and name == "passkey":
            value = self.fields.get("mfa")
        return value if value in CONTROLS else OFF

    def can_read(self, name: str) -> bool:
        return self.control(name) in (READ_ONLY, EDIT)

    def can_edit(self, name: str) -> bool:
        return self.control(name) == EDIT


@dataclass(frozen=True)
class OwnAccount(LogtoUser):
    """The user as ``GET /api/my-account`` shows them. Logto leaves out every field the token's
    scopes or the tenant's settings (Off) hide, so an absent field is not an empty one: ask
    :meth:`shows` before reading "no email" into ``primary_email is None``."""

    shown: frozenset[str] = frozenset()
    # Whether the user has a password, email or phone (then changes need a verification record).
    has_security_verification_method: bool | None = None
    application_id: str | None = None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> OwnAccount:
        user = LogtoUser.from_api(data)
        method = data.get("hasSecurityVerificationMethod")
        return cls(
            **{item.name: getattr(user, item.name) for item in fields(LogtoUser)},
            shown=frozenset(str(key) for key in data),
            has_security_verification_method=method if isinstance(method, bool) else None,
            application_id=data.get("applicationId"),
        )

    def shows(self, key: str) -> bool:
        """True if Logto sent ``key`` (camelCase, as Logto names it: ``primaryEmail``...)."""
        return key in self.shown


@dataclass(frozen=True)
class VerificationRecord:
    """A Logto verification record: its id goes as ``logto-verification-id`` (or as a
    ``newIdentifierVerificationRecordId``) until ``expires_at`` (600 s after it was made; reusable
    until then, and bound to the user only)."""

    id: str
    expires_at: datetime | None = None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> VerificationRecord:
        record_id = data["verificationRecordId"]
        if not isinstance(record_id, str) or not record_id:
            raise TypeError("verificationRecordId")
        return cls(id=record_id, expires_at=_when(data.get("expiresAt")))


@dataclass(frozen=True)
class SocialVerification:
    """A social sign-in started to link an identity: send the user to ``authorization_uri``."""

    record: VerificationRecord
    authorization_uri: str


@dataclass(frozen=True)
class PasskeyRegistration:
    """A WebAuthn registration started: ``options`` are Logto's ``registrationOptions``, handed
    as they are to the browser (``PublicKeyCredential.parseCreationOptionsFromJSON``)."""

    record: VerificationRecord
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def rp_id(self) -> str:
        """The relying party: the host the site reached Logto at (never an IP address that a
        browser accepts)."""
        return str((self.options.get("rp") or {}).get("id") or "")


@dataclass(frozen=True)
class AccountSession(LogtoSession):
    """A session from ``GET /api/my-account/sessions``: Logto marks the one the token belongs to."""

    is_current: bool = False

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> AccountSession:
        session = LogtoSession.from_api(data)
        return cls(
            **{item.name: getattr(session, item.name) for item in fields(LogtoSession)},
            is_current=data.get("isCurrent") is True,
        )


@dataclass(frozen=True)
class AppGrant:
    """An application the user has authorized (``GET /api/my-account/grants``, and the
    Management API's ``GET /api/users/{id}/grants``): ``scope`` the OIDC scopes it was given
    (``openid profile email``...), ``resource_scopes`` the API resources' scopes by resource."""

    id: str
    application_id: str
    application_name: str
    expires_at: datetime | None = None
    issued_at: datetime | None = None
    scope: str = ""
    resource_scopes: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> AppGrant:
        payload = data.get("payload") or {}
        application = data["application"]
        iat = payload.get("iat")
        return cls(
            id=str(data["id"]),
            application_id=str(application["id"]),
            application_name=str(application.get("name") or ""),
            expires_at=_when(data.get("expiresAt")),
            issued_at=_when(iat * 1000) if isinstance(iat, (int, float)) else None,
            scope=str((payload.get("openid") or {}).get("scope") or ""),
            resource_scopes={
                str(resource): str(scope)
                for resource, scope in (payload.get("resources") or {}).items()
            },
        )
