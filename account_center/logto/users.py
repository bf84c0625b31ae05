"""The user itself: profile, custom data, Logto configs, suspension, deletion, search, password."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from django.views.decorators.debug import sensitive_variables

from account_center.logto.errors import LogtoAPIError, LogtoOutcomeUnknown, LogtoUnavailable
from account_center.logto.models import LogtoUser, PasswordIssue
from account_center.logto.transport import (
    _UNSET,
    Transport,
    _checked_body,
    _deep_merge,
    _json_or_none,
    _typed,
)


def _users_from(data: list[dict[str, Any]]) -> list[LogtoUser]:
    return [LogtoUser.from_api(item) for item in data]


# The most users Logto answers in one page.
_PAGE_SIZE = 100


class Users(Transport):
    # ------------------------------------------------------------------ users

    def get_user(self, user_id: str, *, include_sso_identities: bool = False) -> LogtoUser:
        params = {"includeSsoIdentities": "true"} if include_sso_identities else None
        data = self._request("GET", self._user_path(user_id), params=params, shape="user")
        return _typed(lambda: LogtoUser.from_api(data))

    def update_user(
        self,
        user_id: str,
        *,
        username: str | None = _UNSET,
        primary_email: str | None = _UNSET,
        primary_phone: str | None = _UNSET,
        name: str | None = _UNSET,
        avatar: str | None = _UNSET,
        custom_data: dict[str, Any] | None = _UNSET,
        profile: dict[str, Any] | None = _UNSET,
    ) -> LogtoUser:
        """PATCH the user with only the given fields; ``None`` clears a field.

        ``custom_data`` and ``profile`` are replaced whole here: use :meth:`update_custom_data`
        and :meth:`update_profile` to merge.
        """
        fields = {
            "username": username,
            "primaryEmail": primary_email,
            "primaryPhone": primary_phone,
            "name": name,
            "avatar": avatar,
            "customData": custom_data,
            "profile": profile,
        }
        body = {key: value for key, value in fields.items() if value is not _UNSET}
        data = self._request("PATCH", self._user_path(user_id), json=body, shape="user")
        return _typed(lambda: LogtoUser.from_api(data))

    def update_profile(self, user_id: str, profile: dict[str, Any]) -> dict[str, Any]:
        """Merge ``profile`` (camelCase OIDC keys) into the user's profile; returns the new one."""
        data = self._request(
            "PATCH", self._user_path(user_id, "profile"), json={"profile": profile}, shape="object"
        )
        return data or {}

    def get_custom_data(self, user_id: str) -> dict[str, Any]:
        return self._request("GET", self._user_path(user_id, "custom-data"), shape="object")

    def update_custom_data(self, user_id: str, data: dict[str, Any]) -> dict[str, Any]:
        """Merge ``data`` into custom data at the top level; returns the new custom data."""
        answer = self._request(
            "PATCH",
            self._user_path(user_id, "custom-data"),
            json={"customData": data},
            shape="object",
        )
        return answer or {}

    def get_logto_configs(self, user_id: str) -> dict[str, Any]:
        return self._request("GET", self._user_path(user_id, "logto-configs"), shape="object")

    def update_logto_configs(self, user_id: str, data: dict[str, Any]) -> dict[str, Any]:
        """Change some of the user's Logto configs (``mfa``, ``passkeySignIn``); answer them all.

        Logto 1.37 requires the whole body (``mfa.skipped``, ``mfa.skipMfaOnSignIn`` and
        ``passkeySignIn.skipped``) and refuses a partial one with ``guard.invalid_input``; 1.42
        makes each part optional. So the current configs are read, ``data`` is merged into them
        key by key, and the full result is sent: correct on both. Two concurrent updates of the
        same user can lose one another's change (no ETag on this route).
        """
        path = self._user_path(user_id, "logto-configs")
        current = self._request("GET", path, shape="object")
        merged = _deep_merge(current if isinstance(current, dict) else {}, data)
        return self._request("PATCH", path, json=merged, shape="object")

    def set_suspended(self, user_id: str, suspended: bool) -> LogtoUser:
        data = self._request(
            "PATCH",
            self._user_path(user_id, "is-suspended"),
            json={"isSuspended": bool(suspended)},
            shape="user",
        )
        return _typed(lambda: LogtoUser.from_api(data))

    def delete_user(self, user_id: str) -> None:
        """Delete the user: Logto signs them out everywhere. :class:`LogtoNotFound` if gone."""
        self._request("DELETE", self._user_path(user_id))

    def get_users(self, user_ids: Iterable[str]) -> dict[str, LogtoUser]:
        """The users with these ids, by id, in one read per 100 (Logto's largest page): Logto's
        exact search takes ``search.id`` once per id. Ids Logto does not know are left out."""
        wanted = sorted({str(user_id) for user_id in user_ids if user_id})
        found: dict[str, LogtoUser] = {}
        for start in range(0, len(wanted), _PAGE_SIZE):
            chunk = wanted[start : start + _PAGE_SIZE]
            params = [("search.id", user_id) for user_id in chunk]
            params += [
                ("mode.id", "exact"),
                ("isCaseSensitive", "true"),
                ("page_size", str(len(chunk))),
            ]
            data = self._request("GET", "/api/users", params=params, shape="list")
            users: list[LogtoUser] = _typed(partial(_users_from, data))
            found.update((user.id, user) for user in users if user.id in chunk)
        return found

    def search_user_ids(self, text: str) -> list[str]:
        """Ids of the users (at most 100) whose id, email, phone, username or name contains
        ``text``, as the Logto console searches: ``search=%text%`` in Logto's "like" mode, with
        ``%``, ``_`` and ``\\`` in ``text`` taken literally."""
        literal = "".join("\\" + char if char in "%_\\" else char for char in text)
        params = {"search": f"%{literal}%", "page_size": str(_PAGE_SIZE)}
        data = self._request("GET", "/api/users", params=params, shape="list")
        return [str(user["id"]) for user in data if isinstance(user, dict) and user.get("id")]

    def find_user_ids(
        self,
        *,
        email: str | None = None,
        phone: str | None = None,
        username: str | None = None,
    ) -> list[str]:
        """Ids of the users whose primary email, primary phone or username is exactly one given.

        Logto's exact search (``search.<field>`` with ``mode.<field>=exact``) is case-insensitive
        unless asked otherwise; several fields match with "or". ``phone`` is Logto's format
        (digits with the country code). Nothing given: ``[]`` without asking Logto.
        """
        fields = {"primaryEmail": email, "primaryPhone": phone, "username": username}
        params: dict[str, str] = {}
        for name, value in fields.items():
            if value:
                params[f"search.{name}"] = value
                params[f"mode.{name}"] = "exact"
        if not params:
            return []
        # A collision check needs to know "anyone else?", not the whole list: one small page.
        params["page_size"] = "20"
        data = self._request("GET", "/api/users", params=params, shape="list")
        return [str(user["id"]) for user in data if isinstance(user, dict) and user.get("id")]

    # ------------------------------------------------------------------ password

    def has_password(self, user_id: str) -> bool:
        data = self._request("GET", self._user_path(user_id, "has-password"), shape="object")
        return bool(data.get("hasPassword"))

    @sensitive_variables("password")
    def verify_password(self, user_id: str, password: str) -> bool:
        """True if ``password`` is the user's; False when Logto says the credentials are wrong."""
        try:
            self._request(
                "POST",
                self._user_path(user_id, "password", "verify"),
                json={"password": password},
                changes=False,
            )
        except LogtoAPIError as error:
            if error.code == "session.invalid_credentials":
                return False
            raise
        return True

    @sensitive_variables("password", "body")
    def check_password_policy(
        self, password: str, *, user_id: str | None = None
    ) -> list[PasswordIssue]:
        """The reasons Logto's password policy refuses ``password``; ``[]`` means acceptable."""
        body: dict[str, Any] = {"password": password}
        if user_id:
            body["userId"] = user_id
        try:
            response = self._call("POST", "/api/sign-in-exp/default/check-password", json=body)
        except LogtoOutcomeUnknown:  # a check changes nothing: a plain outage
            raise LogtoUnavailable("Logto did not answer in time.") from None
        data = _json_or_none(response)
        # A refused password is a 400 whose body is {"result": false, "issues": [...]}, not an
        # error body; any other 4xx is a real error.
        if (
            isinstance(data, dict)
            and isinstance(data.get("issues"), list)
            and (response.status_code in (200, 400))
        ):
            return [
                PasswordIssue(
                    code=str(issue.get("code", "")),
                    interpolation=issue.get("interpolation") or {},
                )
                for issue in data["issues"]
                if isinstance(issue, dict)
            ]
        self._raise_for(response)
        # Accepted: Logto answers {"result": true}; anything but an object is not Logto.
        _checked_body(response, "/api/sign-in-exp/default/check-password", "object", changes=False)
        return []

    @sensitive_variables("password")
    def set_password(self, user_id: str, password: str) -> None:
        """Set the password. Logto does not check the policy here: call check_password_policy."""
        self._request("PATCH", self._user_path(user_id, "password"), json={"password": password})
