"""The tenant's account-center settings: whether Logto's Account API is on, each field's
Off / ReadOnly / Edit, and ``webauthnRelatedOrigins`` (``routes/account-center/``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from account_center.logto.account_models import CONTROLS, AccountCenterSettings
from account_center.logto.transport import _UNSET, Transport, _typed


class AccountCenterSettingsResource(Transport):
    # ------------------------------------------------------------------ account-center settings

    def get_account_center_settings(self) -> AccountCenterSettings:
        """The settings, read with the M2M token (``GET /api/account-center``)."""
        data = self._request("GET", "/api/account-center", shape="object")
        return _typed(lambda: AccountCenterSettings.from_api(data))

    def get_public_account_center_settings(self) -> AccountCenterSettings:
        """The same settings from Logto's anonymous ``GET /api/.well-known/account-center``
        (``routes/well-known/index.ts``): no token at all, so a site without M2M credentials
        can still learn what the Account API allows (read so by the lab journeys on gateway
        "auto")."""
        data = self._anonymous_get("/api/.well-known/account-center")
        return _typed(lambda: AccountCenterSettings.from_api(data))

    def update_account_center_settings(
        self,
        *,
        enabled: bool = _UNSET,
        fields: Mapping[str, str] = _UNSET,
        webauthn_related_origins: Iterable[str] = _UNSET,
    ) -> AccountCenterSettings:
        """PATCH only what is given; answers the settings as Logto stored them.

        ``fields`` **replaces** Logto's whole map (a field left out becomes Off): read the
        settings, change one field, send them all. Values are Off, ReadOnly or Edit.
        """
        body: dict[str, object] = {}
        if enabled is not _UNSET:
            body["enabled"] = bool(enabled)
        if fields is not _UNSET:
            unknown = {value for value in fields.values() if value not in CONTROLS}
            if unknown:
                raise ValueError(f"Not a field control: {sorted(unknown)}")
            body["fields"] = dict(fields)
        if webauthn_related_origins is not _UNSET:
            body["webauthnRelatedOrigins"] = list(webauthn_related_origins)
        data = self._request("PATCH", "/api/account-center", json=body, shape="object")
        return _typed(lambda: AccountCenterSettings.from_api(data))
