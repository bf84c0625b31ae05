"""What the Account API asks of the provider: who an opaque access token belongs to.

The one boundary between the token endpoint (which issues and rotates the user's tokens) and
``logto_emulator.account`` (which accepts them), as Logto's ``koaOidcAuth`` asks oidc-provider's
``AccessToken.find``: only an opaque token the provider issued to a user passes; an M2M JWT, an ID
token or anything else is unknown here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from logto_emulator.state import EmulatorState


@dataclass(frozen=True)
class UserAccessToken:
    account_id: str
    client_id: str
    scopes: frozenset[str]
    # The provider session the token was issued in (the Account API marks it ``isCurrent``).
    session_uid: str | None


def find_user_access_token(state: EmulatorState, token: str) -> UserAccessToken | None:
    """The live user access token ``token``, or ``None`` (unknown, expired or not a user's)."""
    info = state.token_info(token)
    if info is None or info.get("kind") != "user" or not info.get("sub"):
        return None
    client_id = info.get("client_id", "")
    return UserAccessToken(
        account_id=info["sub"],
        client_id=client_id,
        scopes=frozenset(str(info.get("scope", "")).split()),
        session_uid=info.get("session_uid") or _session_of_grant(state, client_id, info),
    )


def _session_of_grant(state: EmulatorState, client_id: str, info: dict[str, Any]) -> str | None:
    """The session that holds the token's grant (a refreshed token names its grant only)."""
    grant_id = info.get("grant_id")
    if not grant_id:
        return None
    for uid, session in state.sessions.items():
        if session["authorizations"].get(client_id, {}).get("grantId") == grant_id:
            return uid
    return None
