"""What the Account API needs from whoever holds the signed-in user's tokens.

The Account API (``/api/my-account``, ``/api/verifications``) is authenticated with the user's
own **opaque** access token: the one ``/oidc/token`` answers when no ``resource`` is asked (a JWT
for a resource, and the ID token, get 401; ACCOUNT-API.md §2). The session layer keeps that token
(sealed, like the M2M token) with its refresh token and implements this protocol; the transport
only asks it for a token, and for a new one once when Logto refuses the current one.
"""

from __future__ import annotations

from typing import Protocol


class UserTokenProvider(Protocol):
    """The signed-in user's tokens, as the transport sees them. Implementations never log or
    cache a token beside other users' data."""

    @property
    def user_id(self) -> str:
        """The user's Logto id (the ID token's ``sub``): after a change through the Account API,
        the Management API reads kept for this user are dropped."""
        ...

    def access_token(self) -> str:
        """The user's current opaque access token (refreshed first if it is about to expire)."""
        ...

    def refreshed_access_token(self, rejected: str) -> str:
        """A new access token after Logto refused ``rejected`` (401 ``auth.unauthorized``): from
        the refresh token, with no ``resource``. Raises :class:`~account_center.logto.errors.
        LogtoUserTokenRefused` when there is none to be had (no refresh token, or it is
        revoked): the user must sign in again."""
        ...
