"""``GET /oidc/jwks``: the provider's signing key (ES384), as Logto publishes it."""

from __future__ import annotations

from logto_emulator.http import Request, Response, json_response
from logto_emulator.routes import route
from logto_emulator.state import EmulatorState


@route("GET", r"/oidc/jwks")
def jwks(state: EmulatorState, request: Request) -> Response:
    return json_response({"keys": [state.public_jwk()]})
