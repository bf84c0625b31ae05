"""Typed results of Logto Management API calls (frozen dataclasses).

Each class has a ``from_api`` constructor that reads Logto's camelCase JSON and ignores fields it
does not know, so a newer Logto does not break an older account center.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


def _when(value: Any) -> datetime | None:
    """Logto sends times as epoch milliseconds (numbers); ``None`` stays ``None``."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


@dataclass(frozen=True)
class Identity:
    """A social account linked to the user (``identities[target]``)."""

    target: str
    user_id: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SsoIdentity:
    """An enterprise SSO identity (read-only in the account center)."""

    issuer: str
    identity_id: str
    sso_connector_id: str
    detail: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> SsoIdentity:
        return cls(
            issuer=data.get("issuer", ""),
            identity_id=data.get("identityId", ""),
            sso_connector_id=data.get("ssoConnectorId", ""),
            detail=data.get("detail") or {},
        )


@dataclass(frozen=True)
class LogtoUser:
    id: str
    username: str | None = None
    primary_email: str | None = None
    primary_phone: str | None = None
    name: str | None = None
    avatar: str | None = None
    custom_data: dict[str, Any] = field(default_factory=dict)
    profile: dict[str, Any] = field(default_factory=dict)
    identities: dict[str, Identity] = field(default_factory=dict)
    sso_identities: tuple[SsoIdentity, ...] = ()
    has_password: bool = False
    is_suspended: bool = False
    last_sign_in_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> LogtoUser:
        identities = {
            target: Identity(
                target=target,
                user_id=str(value.get("userId", "")),
                details=value.get("details") or {},
            )
            for target, value in (data.get("identities") or {}).items()
        }
        return cls(
            id=data["id"],
            username=data.get("username"),
            primary_email=data.get("primaryEmail"),
            primary_phone=data.get("primaryPhone"),
            name=data.get("name"),
            avatar=data.get("avatar"),
            custom_data=data.get("customData") or {},
            profile=data.get("profile") or {},
            identities=identities,
            sso_identities=tuple(
                SsoIdentity.from_api(item) for item in data.get("ssoIdentities") or ()
            ),
            has_password=bool(data.get("hasPassword", False)),
            is_suspended=bool(data.get("isSuspended", False)),
            last_sign_in_at=_when(data.get("lastSignInAt")),
            created_at=_when(data.get("createdAt")),
            updated_at=_when(data.get("updatedAt")),
        )

    @property
    def sign_in_identifiers(self) -> list[str]:
        """The ways this user can still sign in: used to refuse removing the last one."""
        ways = [
            kind
            for kind, value in (
                ("username", self.username),
                ("email", self.primary_email),
                ("phone", self.primary_phone),
            )
            if value
        ]
        ways.extend(f"social:{target}" for target in self.identities)
        ways.extend(f"sso:{identity.issuer}" for identity in self.sso_identities)
        return ways


@dataclass(frozen=True)
class Hook:
    """A webhook from ``GET /api/hooks``. The signing key is kept only to be compared, never
    shown (``repr`` leaves it out)."""

    id: str
    name: str
    url: str
    events: tuple[str, ...]
    enabled: bool
    signing_key: str = field(default="", repr=False)

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Hook:
        config = data.get("config") or {}
        events = list(data.get("events") or ())
        if data.get("event"):  # Logto's older one-event field
            events.append(data["event"])
        return cls(
            id=str(data["id"]),
            name=str(data.get("name") or ""),
            url=str(config.get("url") or ""),
            events=tuple(str(event) for event in events),
            enabled=bool(data.get("enabled", True)),
            signing_key=str(data.get("signingKey") or ""),
        )


@dataclass(frozen=True)
class Connector:
    """A connector from ``GET /api/connectors`` (social ones have ``type == "Social"``)."""

    id: str
    target: str
    type: str
    names: dict[str, str] = field(default_factory=dict)
    logo: str = ""
    logo_dark: str | None = None
    platform: str | None = None
    factory_id: str = ""  # which connector it is, e.g. "github-universal" (``connectorId``)
    # A connector of a standard protocol (OIDC, OAuth 2, SAML): it keeps its state in Logto's
    # sign-in session. The sign-in experience's copy names no ``connectorId``; this tells.
    is_standard: bool = False

    @classmethod
    def from_sign_in_experience(cls, data: dict[str, Any]) -> Connector:
        """One of the sign-in experience's ``socialConnectors`` (``ExperienceSocialConnector``:
        the connector's metadata with ``id`` the tenant's connector id, overrides applied)."""
        names = data["name"]
        if not isinstance(names, dict):
            raise TypeError("name")
        return cls(
            id=str(data["id"]),
            target=str(data["target"]),
            type="Social",
            names={str(key): str(value) for key, value in names.items()},
            logo=str(data.get("logo") or ""),
            logo_dark=data.get("logoDark"),
            platform=data.get("platform"),
            is_standard=bool(data.get("isStandard")),
        )

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Connector:
        # Logto answers the connector's own name/logo at the top level; ``metadata`` holds only
        # an admin's overrides (often empty), which win when set.
        metadata = data.get("metadata") or {}
        return cls(
            id=data["id"],
            target=data.get("target") or metadata.get("target", ""),
            type=data.get("type", ""),
            names=metadata.get("name") or data.get("name") or {},
            logo=metadata.get("logo") or data.get("logo") or "",
            logo_dark=metadata.get("logoDark") or data.get("logoDark"),
            platform=data.get("platform"),
            factory_id=str(data.get("connectorId") or ""),
            is_standard=bool(data.get("isStandard")),
        )

    def name_for(self, language: str | None) -> str:
        """The connector's display name in ``language`` (falls back to English, then target)."""
        if language:
            for key in (language, language.split("-")[0]):
                if key in self.names:
                    return self.names[key]
        return self.names.get("en") or next(iter(self.names.values()), self.target)


@dataclass(frozen=True)
class MfaVerification:
    """An MFA factor: ``type`` is ``"Totp"``, ``"WebAuthn"`` or ``"BackupCode"``."""

    id: str
    type: str
    created_at: datetime | None = None
    last_used_at: datetime | None = None
    name: str | None = None
    agent: str | None = None
    remain_codes: int | None = None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> MfaVerification:
        return cls(
            id=data["id"],
            type=data["type"],
            created_at=_when(data.get("createdAt")),
            last_used_at=_when(data.get("lastUsedAt")),
            name=data.get("name"),
            agent=data.get("agent"),
            remain_codes=data.get("remainCodes"),
        )


@dataclass(frozen=True)
class TotpSecret:
    """Answer of creating a TOTP factor."""

    # Kept out of repr(): error reports print the variables that hold this.
    secret: str = field(repr=False)
    secret_qr_code: str = field(default="", repr=False)


@dataclass(frozen=True)
class PersonalAccessToken:
    """A personal access token as listed: its secret ``value`` is deliberately not kept."""

    name: str
    created_at: datetime | None = None
    expires_at: datetime | None = None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> PersonalAccessToken:
        return cls(
            name=data["name"],
            created_at=_when(data.get("createdAt")),
            expires_at=_when(data.get("expiresAt")),
        )


@dataclass(frozen=True)
class CreatedPersonalAccessToken:
    """A token just created: the only moment its ``value`` may be shown."""

    token: PersonalAccessToken
    value: str = field(repr=False)


@dataclass(frozen=True)
class LogtoSession:
    """An OIDC session of the user (``GET /api/users/{id}/sessions``)."""

    uid: str
    login_at: datetime | None = None
    expires_at: datetime | None = None
    client_id: str | None = None
    # client id -> OIDC ``sid`` (matches the ``sid`` claim of that client's ID token)
    sids: dict[str, str] = field(default_factory=dict)
    last_submission: dict[str, Any] = field(default_factory=dict)
    # When Logto last saved the session (payload ``iat``: each sign-in or app authorization).
    last_active_at: datetime | None = None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> LogtoSession:
        payload = data.get("payload") or {}
        login_ts = payload.get("loginTs")
        iat = payload.get("iat")
        authorizations = payload.get("authorizations") or {}
        return cls(
            uid=payload.get("uid", ""),
            login_at=_when(login_ts * 1000) if isinstance(login_ts, (int, float)) else None,
            expires_at=_when(data.get("expiresAt")),
            client_id=data.get("clientId"),
            sids={
                client: str(value.get("sid", ""))
                for client, value in authorizations.items()
                if isinstance(value, dict)
            },
            last_submission=data.get("lastSubmission") or {},
            last_active_at=_when(iat * 1000) if isinstance(iat, (int, float)) else None,
        )


@dataclass(frozen=True)
class PasswordIssue:
    """One reason the password policy refused a password, e.g. ``password_rejected.too_short``."""

    code: str
    interpolation: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class OAuthAnswer:
    """Status and OAuth ``error`` of a token-endpoint answer (``error`` is ``""`` on success)."""

    status: int
    error: str = ""
