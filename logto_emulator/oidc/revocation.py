"""``POST /oidc/token/revocation``: RFC 7009 as Logto's oidc-provider answers it
(``lib/actions/revocation.js``), in its order: the client authenticated as at the token endpoint,
``token`` required, a JWT refused (``unsupported_token_type``), then 200 with an empty body for
any token, known or not (the lab's Logto answers an unknown one so). A known opaque access or
refresh token of the client is destroyed with every token of its grant; another client's is
refused.

oidc-provider also destroys the grant itself when the token was a refresh token: here a grant no
session holds (``state.grants``) is forgotten; a session's authorization keeps naming its grant,
which then holds no token.
"""

from __future__ import annotations

import jwt

from logto_emulator.http import Request, Response, json_response
from logto_emulator.oidc import refresh_tokens
from logto_emulator.oidc.token import _authenticate_client, oidc_error_body
from logto_emulator.routes import route
from logto_emulator.state import EmulatorState

# What oidc-provider revokes: opaque access tokens and refresh tokens (client credentials' tokens
# are JWTs here, as in Logto for a resource, and refused before).
REVOCABLE = ("user", "refresh")


def _refused(error: str, description: str) -> Response:
    # Unlike the token endpoint's, these carry no Cache-Control (as the lab's Logto answered).
    return json_response(oidc_error_body(error, description), status=400)


def _is_jwt(token: str) -> bool:
    try:
        jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        return False
    return True


@route("POST", r"/oidc/token/revocation")
def revoke(state: EmulatorState, request: Request) -> Response:
    form = request.form()
    client = _authenticate_client(state, request, form)
    if isinstance(client, Response):
        return client
    token = form.get("token")
    if not token:
        return _refused("invalid_request", "missing required parameter 'token'")
    if _is_jwt(token):
        return _refused(
            "unsupported_token_type",
            "Structured JWT Tokens cannot be revoked via the revocation_endpoint",
        )
    with state.lock:
        info = state.tokens.get(token)
        if info is not None and info.get("kind") in REVOCABLE:
            if info["client_id"] != client.id:
                return _refused(
                    "invalid_request", "client is not authorized to revoke the presented token"
                )
            del state.tokens[token]
            refresh_tokens.revoke_grant(state, info.get("grant_id"))
            if info["kind"] == "refresh" and info.get("grant_id"):
                state.grants.pop(info["grant_id"], None)
    # koa's answer to an empty string body.
    return Response(200, b"", [("Content-Type", "text/plain; charset=utf-8")])
