"""The token exchange grant at ``/oidc/token`` (RFC 8693, Logto's
``oidc/grants/token-exchange/``): a subject token from ``POST /api/subject-tokens`` (or the
user's opaque access token of a first-party app, or a personal access token) for that user's
access token, asked by an application whose "token exchange" switch is on.

As on Logto: each subject token is spent by its exchange; the answer has no ID token and no
refresh token; without ``resource`` the access token is opaque and carries the requested OIDC
scopes; and the exchange leaves a grant of the application among the user's grants.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from logto_emulator.http import Request, Response, json_response
from logto_emulator.oidc.access_tokens import find_user_access_token
from logto_emulator.oidc.discovery import SCOPES_SUPPORTED, issuer
from logto_emulator.oidc.token import MORE_GRANTS, TOKEN_EXCHANGE, _oidc_error, _sign
from logto_emulator.state import TOKEN_LIFETIME_SECONDS, Application, EmulatorState, generate_id

ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token"
IMPERSONATION_TOKEN = "urn:logto:token-type:impersonation_token"  # Logto: deprecated
PERSONAL_ACCESS_TOKEN = "urn:logto:token-type:personal_access_token"
REQUIRED = ("subject_token", "subject_token_type")


def _invalid_grant() -> Response:
    # oidc-provider words every InvalidGrant the same to the client.
    return _oidc_error(400, "invalid_grant", "grant request is invalid")


def _subject(state: EmulatorState, token: str, kind: str) -> tuple[str, str | None] | None:
    """The user the subject token names and, for a subject token, its key; None: refused."""
    if kind == IMPERSONATION_TOKEN or (kind == ACCESS_TOKEN and token.startswith("sub_")):
        row = state.subject_tokens.get(token)
        if row is None or row["expiresAt"] <= time.time() or row["consumedAt"]:
            return None
        return row["userId"], token
    if kind == ACCESS_TOKEN:
        # Only a first-party app's opaque token; JWT access tokens are not emulated.
        found = find_user_access_token(state, token)
        app = state.applications.get(found.client_id) if found else None
        if found is None or app is None or app.is_third_party:
            return None
        return found.account_id, None
    if kind == PERSONAL_ACCESS_TOKEN:
        pat = next((t for t in state.personal_access_tokens if t["value"] == token), None)
        if pat is None or (pat.get("expiresAt") and pat["expiresAt"] <= time.time() * 1000):
            return None
        return pat["userId"], None
    return None


def token_exchange(
    state: EmulatorState, request: Request, client: Application, form: dict[str, str]
) -> Response:
    missing = [name for name in REQUIRED if name not in form]
    if missing:
        names = " and ".join(f"'{name}'" for name in missing)
        plural = "s" if len(missing) > 1 else ""
        return _oidc_error(400, "invalid_request", f"missing required parameter{plural} {names}")
    with state.lock:  # a subject token is spent once, even by two exchanges at the same time
        return _exchange(state, request, client, form)


def _exchange(
    state: EmulatorState, request: Request, client: Application, form: dict[str, str]
) -> Response:
    subject = _subject(state, form["subject_token"], form["subject_token_type"])
    user = state.users.get(subject[0]) if subject else None
    if subject is None or user is None or user["isSuspended"]:
        return _invalid_grant()
    user_id, subject_token = subject
    requested = form.get("scope", "").split()
    resource = form.get("resource")
    if resource:
        if resource != state.management_api_resource:
            return _oidc_error(400, "invalid_target", "resource indicator is missing, or unknown")
        # The user holds none of the Management API's scopes: a JWT with none.
        scope = ""
        now = int(time.time())
        claims: dict[str, Any] = {
            "jti": generate_id(43),
            "sub": user_id,
            "iat": now,
            "exp": now + TOKEN_LIFETIME_SECONDS,
            "scope": scope,
            "client_id": client.id,
            "iss": issuer(request),
            "aud": resource,
        }
        access_token = _sign(state, claims, typ="at+jwt")
    else:
        scope = " ".join(name for name in requested if name in SCOPES_SUPPORTED)
        access_token = secrets.token_urlsafe(32)
    grant_id = state.add_grant(user_id, client.id, scope, jti=generate_id(21))
    state.store_token(
        access_token,
        {
            # A JWT for a resource is not the user's token for userinfo or the Account API.
            "kind": "user_jwt" if resource else "user",
            "sub": user_id,
            "client_id": client.id,
            "scope": scope,
            "grant_id": grant_id,
            "subject_token": subject_token,
        },
    )
    if subject_token:
        state.subject_tokens[subject_token]["consumedAt"] = time.time()
    return json_response(
        {
            "access_token": access_token,
            "expires_in": TOKEN_LIFETIME_SECONDS,
            "scope": scope,
            "token_type": "Bearer",
        },
        headers=[("Cache-Control", "no-store")],
    )


MORE_GRANTS[TOKEN_EXCHANGE] = token_exchange
