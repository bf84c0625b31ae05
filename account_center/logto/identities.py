"""Social connectors and the social identities linked to a user."""

from __future__ import annotations

from typing import Any

from django.views.decorators.debug import sensitive_variables

from account_center.logto.models import Connector, Identity
from account_center.logto.transport import Transport, _segment, _typed


class Identities(Transport):
    # ------------------------------------------------------------------ connectors and identities

    def list_connectors(self) -> list[Connector]:
        data = self._request("GET", "/api/connectors", shape="list")
        return _typed(lambda: [Connector.from_api(item) for item in data])

    def list_social_connectors(self) -> list[Connector]:
        return [c for c in self.list_connectors() if c.type == "Social"]

    def get_authorization_uri(self, connector_id: str, *, state: str, redirect_uri: str) -> str:
        """Where to send the user to sign in at the social provider. The caller checks ``state``."""
        data = self._request(
            "POST",
            f"/api/connectors/{_segment(connector_id)}/authorization-uri",
            json={"state": state, "redirectUri": redirect_uri},
            shape="object",
            changes=False,
        )
        return str((data or {}).get("redirectTo", ""))

    @sensitive_variables("connector_data")
    def link_identity(
        self, user_id: str, connector_id: str, connector_data: dict[str, Any]
    ) -> dict[str, Identity]:
        """Link a social identity from the provider's callback parameters; returns all identities."""
        data = self._request(
            "POST",
            self._user_path(user_id, "identities"),
            json={"connectorId": connector_id, "connectorData": connector_data},
            shape="object",
        )
        return {
            target: Identity(
                target=target,
                user_id=str(value.get("userId", "")),
                details=value.get("details") or {},
            )
            for target, value in (data or {}).items()
            if isinstance(value, dict)
        }

    def unlink_identity(self, user_id: str, target: str) -> None:
        self._request("DELETE", self._user_path(user_id, "identities", _segment(target)))
