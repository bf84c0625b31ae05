"""``POST /oidc/token``: client authentication, the authorization code, refresh token and client
credentials grants, and oidc-provider's errors with Logto's words."""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from collections.abc import Callable
from typing import Any

import jwt

from logto_emulator.http import Request, Response, json_response
from logto_emulator.oidc import refresh_tokens
from logto_emulator.oidc.claims import id_token_claims
from logto_emulator.oidc.discovery import issuer
from logto_emulator.routes import route
from logto_emulator.state import TOKEN_LIFETIME_SECONDS, Application, EmulatorState, generate_id


# Logto's English messages for oidc-provider errors (phrases errors/oidc.ts); an error without its
# own phrase gets provider_error_fallback, "An OIDC error occurred: {code}.".
OIDC_ERROR_MESSAGES = {
    "invalid_token": "Invalid token provided.",
    "invalid_request": "Request is invalid.",
    "invalid_grant": "Grant request is invalid.",
    "invalid_target": "Invalid resource indicator.",
    "unsupported_grant_type": "Unsupported `grant_type` requested.",
    "access_denied": "Access denied.",
}
OIDC_ERROR_URIS = {"invalid_grant": "https://openid.sh/debug/invalid_grant"}
# The grants each kind of Logto application may use at the token endpoint.
ALLOWED_GRANTS = {
    "Traditional": {"authorization_code", "refresh_token"},
    "MachineToMachine": {"client_credentials"},
}
TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
KNOWN_GRANTS = {"authorization_code", "refresh_token", "client_credentials", TOKEN_EXCHANGE}
GrantHandler = Callable[[EmulatorState, Request, Application, dict[str, str]], Response]
# Grants served by a module of their own (``token_exchange``), which registers here.
MORE_GRANTS: dict[str, GrantHandler] = {}


def allowed_grants(client: Application) -> set[str]:
    """The console's "token exchange" switch adds the exchange to a client's grants."""
    allowed = set(ALLOWED_GRANTS.get(client.type, set()))
    if client.allow_token_exchange:
        allowed.add(TOKEN_EXCHANGE)
    return allowed


def oidc_error_body(error: str, description: str) -> dict[str, Any]:
    """oidc-provider's ``{error, error_description}`` as Logto's error handler extends it."""
    code = f"oidc.{error}"
    body: dict[str, Any] = {
        "code": code,
        "message": OIDC_ERROR_MESSAGES.get(error, f"An OIDC error occurred: {code}."),
    }
    if error in OIDC_ERROR_URIS:
        body["error_uri"] = OIDC_ERROR_URIS[error]
    body.update(error=error, error_description=description)
    return body


def _oidc_error(
    status: int, error: str, description: str, headers: list[tuple[str, str]] | None = None
) -> Response:
    return json_response(
        oidc_error_body(error, description),
        status=status,
        headers=[("Cache-Control", "no-store"), *(headers or [])],
    )


def _authenticate_client(
    state: EmulatorState, request: Request, form: dict[str, str]
) -> Application | Response:
    """oidc-provider's client authentication, in its order: one mechanism, a known client, the secret.

    Logto accepts client_secret_basic and client_secret_post for web and M2M apps alike.
    """
    basic = request.basic_auth()
    if basic and ("client_secret" in form or "client_assertion" in form):
        return _oidc_error(
            400,
            "invalid_request",
            "client authentication must only be provided using one mechanism",
        )
    if basic:
        client_id, secret = basic
        if form.get("client_id") and form["client_id"] != client_id:
            return _oidc_error(
                400, "invalid_request", "mismatch in body and authorization client ids"
            )
        if not secret:
            return _oidc_error(
                400, "invalid_request", "client_secret must be provided in the Authorization header"
            )
    else:
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        if not client_id:
            return _oidc_error(
                400, "invalid_request", "no client authentication mechanism provided"
            )
    app = state.applications.get(client_id)
    if app is None:
        # An unknown client is a 400 naming it; a known one with a wrong secret is the 401 below.
        return _oidc_error(400, "invalid_client", f"invalid client {client_id}")
    if not secret or not secrets.compare_digest(secret.encode(), app.secret.encode()):
        # The Basic challenge is only sent back to a client that authenticated with Basic.
        challenge = (
            [
                (
                    "WWW-Authenticate",
                    f'Basic realm="{issuer(request)}", error="invalid_client", error_description="client authentication failed"',
                )
            ]
            if basic
            else []
        )
        return _oidc_error(401, "invalid_client", "client authentication failed", challenge)
    return app


def _sign(state: EmulatorState, claims: dict[str, Any], typ: str | None = None) -> str:
    headers: dict[str, Any] = {"kid": state.kid}
    if typ:
        headers["typ"] = typ
    return jwt.encode(claims, state.signing_key, algorithm="ES384", headers=headers)


def _at_hash(access_token: str) -> str:
    digest = hashlib.sha384(access_token.encode()).digest()
    return base64.urlsafe_b64encode(digest[: len(digest) // 2]).rstrip(b"=").decode()


@route("POST", r"/oidc/token")
def token(state: EmulatorState, request: Request) -> Response:
    form = request.form()
    client = _authenticate_client(state, request, form)
    if isinstance(client, Response):
        return client
    grant_type = form.get("grant_type")
    if not grant_type:
        return _oidc_error(400, "invalid_request", "missing required parameter 'grant_type'")
    if grant_type not in KNOWN_GRANTS:
        return _oidc_error(400, "unsupported_grant_type", "unsupported grant_type requested")
    if grant_type not in allowed_grants(client):
        # Logto (oidc-provider) says invalid_request here, not unauthorized_client.
        return _oidc_error(
            400, "invalid_request", "requested grant type is not allowed for this client"
        )
    if grant_type == "authorization_code":
        return _authorization_code_grant(state, client, form)
    if grant_type == "refresh_token":
        return _refresh_token_grant(state, client, form)
    if grant_type in MORE_GRANTS:
        return MORE_GRANTS[grant_type](state, request, client, form)
    return _client_credentials_grant(state, request, client, form)


def _authorization_code_grant(
    state: EmulatorState, client: Application, form: dict[str, str]
) -> Response:
    if not form.get("code"):
        return _oidc_error(400, "invalid_request", "missing required parameter 'code'")
    with state.lock:
        grant = state.authorization_codes.pop(form["code"], None)
    if (
        grant is None
        or grant["exp"] < time.time()
        or grant["client_id"] != client.id
        or grant["redirect_uri"] != form.get("redirect_uri")
    ):
        return _oidc_error(400, "invalid_grant", "grant request is invalid")
    if grant["code_challenge"]:
        verifier = form.get("code_verifier", "")
        computed = (
            base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            .rstrip(b"=")
            .decode()
        )
        if not verifier or not secrets.compare_digest(computed, grant["code_challenge"]):
            return _oidc_error(400, "invalid_grant", "grant request is invalid")
    user = state.users.get(grant["user_id"])
    if user is None or user["isSuspended"]:
        return _oidc_error(400, "invalid_grant", "grant request is invalid")
    session = state.sessions.get(grant["session_uid"]) or {}
    authorization = session.get("authorizations", {}).get(client.id) or {}
    issued = {
        "sub": user["id"],
        "client_id": client.id,
        "scope": grant["scope"],
        "grant_id": authorization.get("grantId"),
        "issuer": grant["issuer"],
        "auth_time": grant["auth_time"],
        "sid": grant["sid"],
    }
    refresh_token = None
    if "offline_access" in grant["scope"].split():
        refresh_token = refresh_tokens.issue(state, issued)
    return _user_tokens(state, user, issued, grant["scope"], grant["nonce"], refresh_token)


def _user_tokens(
    state: EmulatorState,
    user: dict[str, Any],
    issued: dict[str, Any],
    scope: str,
    nonce: str | None,
    refresh_token: str | None,
) -> Response:
    """A new opaque access token (no ``resource``: the one userinfo and the Account API take),
    the ID token, and the refresh token when there is one."""
    access_token = secrets.token_urlsafe(32)
    state.store_token(
        access_token,
        {
            "kind": "user",
            "sub": user["id"],
            "client_id": issued["client_id"],
            "scope": scope,
            "grant_id": issued["grant_id"],
        },
    )
    now = int(time.time())
    claims: dict[str, Any] = {
        "sub": user["id"],
        **id_token_claims(user, scope.split(), state.extended_id_token_claims),
        "at_hash": _at_hash(access_token),
        "aud": issued["client_id"],
        "exp": now + TOKEN_LIFETIME_SECONDS,
        "iat": now,
        "iss": issued["issuer"],
        "auth_time": issued["auth_time"],
        "sid": issued["sid"],
    }
    if nonce:
        claims["nonce"] = nonce
    answer: dict[str, Any] = {
        "access_token": access_token,
        "expires_in": TOKEN_LIFETIME_SECONDS,
        "id_token": _sign(state, claims),
    }
    if refresh_token:
        answer["refresh_token"] = refresh_token
    answer.update(scope=scope, token_type="Bearer")
    return json_response(answer, headers=[("Cache-Control", "no-store")])


def _refresh_token_grant(
    state: EmulatorState, client: Application, form: dict[str, str]
) -> Response:
    if not form.get("refresh_token"):
        return _oidc_error(400, "invalid_request", "missing required parameter 'refresh_token'")
    if form.get("resource"):
        # The emulator's sign-ins ask no resource, and a refresh may not add one.
        return _oidc_error(400, "invalid_target", "resource indicator is missing, or unknown")
    redeemed = refresh_tokens.redeem(state, form["refresh_token"], client.id)
    if redeemed is None:
        return _oidc_error(400, "invalid_grant", "grant request is invalid")
    issued, refresh_token = redeemed
    user = state.users.get(issued["sub"])
    if user is None or user["isSuspended"]:
        return _oidc_error(400, "invalid_grant", "grant request is invalid")
    scope = issued["scope"]
    requested = form.get("scope", "").split()
    if requested:
        if not set(requested) <= set(scope.split()):
            return _oidc_error(400, "invalid_scope", "refresh token missing requested scope")
        scope = " ".join(requested)
    return _user_tokens(state, user, issued, scope, None, refresh_token)


def _client_credentials_grant(
    state: EmulatorState, request: Request, client: Application, form: dict[str, str]
) -> Response:
    resource = form.get("resource")
    if not resource:
        return _oidc_error(
            400, "invalid_target", "both `resource` and `organization_id` are not provided"
        )
    if resource != state.management_api_resource:
        return _oidc_error(400, "invalid_target", "resource indicator is missing, or unknown")
    # Scopes the app may not have are dropped, not refused; with none left the token carries no
    # scope and the Management API answers it 403 auth.forbidden.
    scope = "all" if "all" in form.get("scope", "").split() else ""
    now = int(time.time())
    claims: dict[str, Any] = {
        "jti": generate_id(21),
        "sub": client.id,
        "iat": now,
        "exp": now + TOKEN_LIFETIME_SECONDS,
    }
    if scope:
        claims["scope"] = scope
    claims.update(client_id=client.id, iss=issuer(request), aud=resource)
    access_token = _sign(state, claims, typ="at+jwt")
    state.store_token(access_token, {"kind": "m2m", "client_id": client.id, "scope": scope})
    with state.lock:
        state.m2m_tokens_issued += 1
    answer: dict[str, Any] = {
        "access_token": access_token,
        "expires_in": TOKEN_LIFETIME_SECONDS,
        "token_type": "Bearer",
    }
    if scope:
        answer["scope"] = scope
    return json_response(answer, headers=[("Cache-Control", "no-store")])
