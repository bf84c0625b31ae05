"""A stand-in for the session layer's :class:`UserTokenProvider`: hands out tokens from a list
and counts refreshes, so tests see which token each Account API call carried."""

from __future__ import annotations

from account_center.logto.errors import LogtoUserTokenRefused


class FakeUserTokens:
    def __init__(self, *tokens: str, user_id: str = "u1") -> None:
        self._tokens = list(tokens or ("user-at-1",))
        self._user_id = user_id
        self.refreshed: list[str] = []  # the tokens Logto refused, in order

    @property
    def user_id(self) -> str:
        return self._user_id

    def access_token(self) -> str:
        return self._tokens[0]

    def refreshed_access_token(self, rejected: str) -> str:
        self.refreshed.append(rejected)
        if len(self._tokens) < 2:
            raise LogtoUserTokenRefused(401, "auth.unauthorized", "no refresh token")
        self._tokens.pop(0)
        return self._tokens[0]
