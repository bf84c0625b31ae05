"""The user's personal access tokens: a token's secret value passes through here only once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.views.decorators.debug import sensitive_variables

from account_center.logto.models import CreatedPersonalAccessToken, PersonalAccessToken
from account_center.logto.transport import Transport, _checked_body, _segment, _typed


class PersonalAccessTokens(Transport):
    # ------------------------------------------------------------------ personal access tokens

    @sensitive_variables("data")
    def list_personal_access_tokens(self, user_id: str) -> list[PersonalAccessToken]:
        """The user's tokens. Logto includes each secret ``value``; it is dropped here."""
        data = self._request(
            "GET", self._user_path(user_id, "personal-access-tokens"), shape="list"
        )
        return _typed(lambda: [PersonalAccessToken.from_api(item) for item in data])

    @sensitive_variables("data")
    def create_personal_access_token(
        self, user_id: str, name: str, *, expires_at: datetime | None = None
    ) -> CreatedPersonalAccessToken:
        body: dict[str, Any] = {"name": name}
        if expires_at is not None:
            if expires_at.tzinfo is None:
                raise ValueError("expires_at must be timezone-aware.")
            body["expiresAt"] = int(expires_at.timestamp() * 1000)
        data = self._request(
            "POST", self._user_path(user_id, "personal-access-tokens"), json=body, shape="object"
        )
        return CreatedPersonalAccessToken(
            token=_typed(lambda: PersonalAccessToken.from_api(data)),
            value=str(data.get("value", "")),
        )

    def rename_personal_access_token(self, user_id: str, current_name: str, name: str) -> None:
        path = self._user_path(user_id, "personal-access-tokens")
        response = self._call("PATCH", path, json={"currentName": current_name, "name": name})
        if self._is_missing_route(response):
            # Older Logto only has the name-in-path form.
            response = self._call("PATCH", f"{path}/{_segment(current_name)}", json={"name": name})
        self._raise_for(response)
        _checked_body(response, path, "none", changes=True)

    def delete_personal_access_token(self, user_id: str, name: str) -> None:
        path = self._user_path(user_id, "personal-access-tokens")
        response = self._call("POST", f"{path}/delete", json={"name": name})
        if self._is_missing_route(response):
            # Older Logto only has DELETE .../{name}, which cannot carry every name safely.
            response = self._call("DELETE", f"{path}/{_segment(name)}")
        self._raise_for(response)
        _checked_body(response, path, "none", changes=True)
