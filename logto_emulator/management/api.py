"""The Management API's door (``/api/...``): the M2M bearer checked as Logto checks it, each call
counted, then the resource's route, or koa-router's own 404 and 405."""

from __future__ import annotations

import jwt

from logto_emulator.http import HttpError, Request, Response
from logto_emulator.routes import resolve
from logto_emulator.state import EmulatorState


def dispatch(state: EmulatorState, request: Request) -> Response:
    _authenticate(state, request)
    with state.lock:
        state.management_api_calls += 1
    handler, params, allowed = resolve(
        request.path, request.method, dev_features=state.dev_features
    )
    if handler is not None:
        with state.lock:
            return handler(state, request, *params)
    # koa-router's own answers, plain text without a Logto code: the client tells a Logto
    # version without a route (e.g. sessions) by them.
    if allowed:
        return Response(
            405,
            b"Method Not Allowed",
            [("Content-Type", "text/plain; charset=utf-8"), ("Allow", ", ".join(allowed))],
        )
    return Response(404, b"Not Found", [("Content-Type", "text/plain; charset=utf-8")])


def _authenticate(state: EmulatorState, request: Request) -> None:
    header = request.headers.get("authorization")
    if not header:
        raise HttpError(401, "auth.authorization_header_missing")
    if not header.startswith("Bearer"):
        raise HttpError(
            401, "auth.authorization_token_type_not_supported", {"supportedTypes": ["Bearer"]}
        )
    token = header[len("Bearer ") :].strip()
    info = state.token_info(token)
    if info is None or info["kind"] != "m2m":
        raise HttpError(401, "auth.unauthorized", _jose_error(state, token))
    if "all" not in info["scope"].split():
        raise HttpError(403, "auth.forbidden")


def _jose_error(state: EmulatorState, token: str) -> dict[str, str] | None:
    """What Logto's JWT library (jose) says about a token the API refuses, as Logto puts it in
    the 401's ``data``; ``None`` for a sound token the emulator no longer knows (after a reset)."""
    try:
        jwt.decode(
            token,
            state.signing_key.public_key(),
            algorithms=["ES384"],
            options={"verify_aud": False},
        )
    except jwt.InvalidAlgorithmError:
        return {"code": "ERR_JOSE_NOT_SUPPORTED", "name": "JOSENotSupported"}
    except jwt.InvalidSignatureError:
        return {
            "code": "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
            "name": "JWSSignatureVerificationFailed",
        }
    except jwt.ExpiredSignatureError:
        return {"code": "ERR_JWT_EXPIRED", "name": "JWTExpired"}
    except jwt.PyJWTError:  # not a JWS at all, e.g. an opaque user access token
        return {"code": "ERR_JWS_INVALID", "name": "JWSInvalid"}
    return None
