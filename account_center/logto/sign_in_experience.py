"""The tenant's sign-in experience as Logto's own sign-in page reads it: the anonymous
``GET /api/.well-known/sign-in-exp`` (``routes/well-known/index.ts``), no token at all.

It carries the social connectors the sign-in page offers (``socialConnectors``) and, only in
builds with Logto's development features on, the remembered-devices policy (``trustedDevice``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from account_center.logto.models import Connector
from account_center.logto.transport import Transport, _typed

PATH = "/api/.well-known/sign-in-exp"


@dataclass(frozen=True)
class TrustedDevicePolicy:
    """``trustedDevice`` of the sign-in experience. Logto reads a missing ``enabled`` as off
    (``defaultTrustedDevicePolicy``, ``libraries/trusted-device-policy.ts``)."""

    enabled: bool
    duration_days: int | None = None

    @classmethod
    def from_api(cls, data: Any) -> TrustedDevicePolicy:
        if not isinstance(data, dict):
            raise TypeError("trustedDevice")
        days = data.get("durationDays")
        return cls(
            enabled=data.get("enabled") is True,
            duration_days=days if isinstance(days, int) else None,
        )


@dataclass(frozen=True)
class PublicSignInExperience:
    social_connectors: tuple[Connector, ...]
    # ``None``: Logto did not say (a production build leaves the key out).
    trusted_device: TrustedDevicePolicy | None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> PublicSignInExperience:
        connectors = data["socialConnectors"]
        if not isinstance(connectors, list):
            raise TypeError("socialConnectors")
        policy = data.get("trustedDevice")
        return cls(
            social_connectors=tuple(Connector.from_sign_in_experience(c) for c in connectors),
            trusted_device=None if policy is None else TrustedDevicePolicy.from_api(policy),
        )


class SignInExperienceResource(Transport):
    # ------------------------------------------------------------------ the sign-in experience

    def get_public_sign_in_experience(self) -> PublicSignInExperience:
        """The sign-in experience as Logto's sign-in page reads it, without a token."""
        data = self._anonymous_get(PATH)
        return _typed(lambda: PublicSignInExperience.from_api(data))
