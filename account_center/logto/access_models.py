"""Typed results of the reads about who and what has access to an account: applications and
their branding, trusted devices, organizations and their roles, subject tokens (frozen
dataclasses from Logto's camelCase JSON; unknown fields are ignored, as in ``models``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from account_center.logto.models import _when


def _text(value: Any) -> str | None:
    return str(value) if isinstance(value, str) and value else None


@dataclass(frozen=True)
class LogtoApplication:
    """An application (``GET /api/applications/{id}``); ``type`` is Logto's (``Traditional``,
    ``SPA``, ``Native``, ``MachineToMachine``, ``Protected``, ``SAML``). Its secrets are not
    part of Logto's answer."""

    id: str
    name: str
    type: str
    is_third_party: bool = False
    description: str | None = None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> LogtoApplication:
        return cls(
            id=str(data["id"]),
            name=str(data.get("name") or ""),
            type=str(data.get("type") or ""),
            is_third_party=data.get("isThirdParty") is True,
            description=_text(data.get("description")),
        )


@dataclass(frozen=True)
class ApplicationBranding:
    """What a third-party application shows on Logto's consent page
    (``GET /api/applications/{id}/sign-in-experience``)."""

    display_name: str | None = None
    logo_url: str | None = None
    dark_logo_url: str | None = None
    terms_of_use_url: str | None = None
    privacy_policy_url: str | None = None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> ApplicationBranding:
        branding = data.get("branding") or {}
        if not isinstance(branding, dict):
            raise TypeError("branding")
        return cls(
            display_name=_text(data.get("displayName")),
            logo_url=_text(branding.get("logoUrl")),
            dark_logo_url=_text(branding.get("darkLogoUrl")),
            terms_of_use_url=_text(data.get("termsOfUseUrl")),
            privacy_policy_url=_text(data.get("privacyPolicyUrl")),
        )


@dataclass(frozen=True)
class TrustedDevice:
    """A device the user told Logto to remember for the second step. ``is_current`` comes only
    from the Account API, and only when the request carries Logto's trusted-device cookie (a
    server calling for the user never does)."""

    id: str
    user_agent: str | None = None
    country: str | None = None
    city: str | None = None
    created_at: datetime | None = None
    last_used_at: datetime | None = None
    expires_at: datetime | None = None
    is_current: bool = False

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> TrustedDevice:
        return cls(
            id=str(data["id"]),
            user_agent=_text(data.get("userAgent")),
            country=_text(data.get("country")),
            city=_text(data.get("city")),
            created_at=_when(data.get("createdAt")),
            last_used_at=_when(data.get("lastUsedAt")),
            expires_at=_when(data.get("expiresAt")),
            is_current=data.get("isCurrent") is True,
        )


@dataclass(frozen=True)
class OrganizationRole:
    """A role in an organization (the tenant's organization template): the names the tenant
    gave it. ``description`` and ``type`` only from the member's roles read."""

    id: str
    name: str
    description: str | None = None
    type: str | None = None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> OrganizationRole:
        return cls(
            id=str(data["id"]),
            name=str(data["name"]),
            description=_text(data.get("description")),
            type=_text(data.get("type")),
        )


@dataclass(frozen=True)
class UserOrganization:
    """An organization the user belongs to, with the user's roles there
    (``GET /api/users/{id}/organizations``)."""

    id: str
    name: str
    description: str | None = None
    logo_url: str | None = None
    dark_logo_url: str | None = None
    roles: tuple[OrganizationRole, ...] = ()

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> UserOrganization:
        branding = data.get("branding") or {}
        if not isinstance(branding, dict):
            raise TypeError("branding")
        return cls(
            id=str(data["id"]),
            name=str(data["name"]),
            description=_text(data.get("description")),
            logo_url=_text(branding.get("logoUrl")),
            dark_logo_url=_text(branding.get("darkLogoUrl")),
            roles=tuple(
                OrganizationRole.from_api(role) for role in data.get("organizationRoles") or ()
            ),
        )


@dataclass(frozen=True)
class SubjectToken:
    """A subject token for impersonation (``POST /api/subject-tokens``): good for one exchange
    within ``expires_in`` seconds (600 on Logto)."""

    value: str = field(repr=False)
    expires_in: int = 0


@dataclass(frozen=True)
class ExchangedToken:
    """The user's access token from a token exchange: opaque without a ``resource`` (userinfo
    and the Account API take it). No ID token and no refresh token come with it."""

    access_token: str = field(repr=False)
    expires_in: float = 0.0
    scope: str = ""
    token_type: str = "Bearer"
