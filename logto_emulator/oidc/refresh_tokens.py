"""Refresh tokens as Logto issues them to a web app, and how it redeems, rotates and revokes them.

Logto (oidc-provider, ``oidc/init.ts`` and ``oidc/defaults.ts``) issues one when the authorization
asked ``offline_access`` with ``prompt=consent``; it lives 14 days (``refreshTokenTtlInDays``). A
confidential client's refresh token is rotated only once it is past 70% of its lifetime: the old
one is then spent, and a spent one sent again is destroyed and its whole grant revoked, every
token issued under it included (``grants/refresh-token.ts``: "refresh token already used"). Before
that the same refresh token comes back with each new access token.

They live in ``state.tokens`` with ``kind: "refresh"``, so the revocations that end a user's or a
session's tokens (by ``sub`` and ``client_id``) end them too, and no API takes one as a bearer.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from logto_emulator.state import EmulatorState

LIFETIME_SECONDS = 14 * 24 * 3600
ROTATE_AFTER = 0.7  # of the lifetime passed


def issue(state: EmulatorState, info: dict[str, Any]) -> str:
    """A new refresh token for ``info`` (``sub``, ``client_id``, ``scope``, ``grant_id`` and
    what its ID tokens need: ``issuer``, ``auth_time``, ``sid``)."""
    token = secrets.token_urlsafe(32)
    now = time.time()
    with state.lock:
        state.tokens[token] = {
            **info,
            "kind": "refresh",
            "iat": now,
            "exp": now + LIFETIME_SECONDS,
            "consumed": False,
        }
    return token


def redeem(state: EmulatorState, token: str, client_id: str) -> tuple[dict[str, Any], str] | None:
    """The grant behind ``token`` and the refresh token to answer with (the same, or a rotated
    one); ``None`` when Logto answers ``invalid_grant``."""
    now = time.time()
    with state.lock:
        info = state.tokens.get(token)
        if info is None or info.get("kind") != "refresh" or info["client_id"] != client_id:
            return None
        if info["exp"] < now:
            return None
        if info["consumed"]:
            del state.tokens[token]
            revoke_grant(state, info["grant_id"])
            return None
        if (now - info["iat"]) / (info["exp"] - info["iat"]) < ROTATE_AFTER:
            return info, token
        info["consumed"] = True
        rotated = secrets.token_urlsafe(32)
        state.tokens[rotated] = {
            **info,
            "iat": now,
            "exp": now + LIFETIME_SECONDS,
            "consumed": False,
        }
        return state.tokens[rotated], rotated


def revoke_grant(state: EmulatorState, grant_id: str | None) -> None:
    """End every token issued under the grant (oidc-provider's ``revoke``)."""
    if not grant_id:
        return
    with state.lock:
        for token in [t for t, i in state.tokens.items() if i.get("grant_id") == grant_id]:
            del state.tokens[token]
