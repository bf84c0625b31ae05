"""``/oidc/me``: userinfo for a user's access token."""

from __future__ import annotations

from logto_emulator.http import Request, Response, json_response
from logto_emulator.oidc.claims import userinfo_claims
from logto_emulator.oidc.discovery import issuer
from logto_emulator.oidc.token import _oidc_error
from logto_emulator.routes import route
from logto_emulator.state import EmulatorState


@route(None, r"/oidc/me")
def userinfo(state: EmulatorState, request: Request) -> Response:
    header = request.headers.get("authorization", "")
    token_value = (
        header[7:].strip()
        if header.lower().startswith("bearer ")
        else request.query.get("access_token", "")
    )
    info = state.token_info(token_value) if token_value else None
    challenge = [
        (
            "WWW-Authenticate",
            f'Bearer realm="{issuer(request)}", error="invalid_token", error_description="invalid token provided"',
        )
    ]
    if info is None or info["kind"] != "user" or info["sub"] not in state.users:
        return _oidc_error(401, "invalid_token", "invalid token provided", challenge)
    return json_response(userinfo_claims(state.users[info["sub"]], info["scope"].split()))
