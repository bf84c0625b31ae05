"""``/api/users/{id}/grants``: one grant per application a session signed in to."""

from __future__ import annotations

from typing import Any

from logto_emulator.http import HttpError, Request, Response, empty, json_response
from logto_emulator.routes import route
from logto_emulator.state import EmulatorState


def _grants_of(
    state: EmulatorState, user_id: str
) -> list[tuple[dict[str, Any], str, dict[str, Any]]]:
    return [
        (session, client_id, authorization)
        for session in state.active_sessions(user_id)
        for client_id, authorization in session["authorizations"].items()
    ]


@route("GET", r"/api/users/([^/]+)/grants")
def list_grants(state: EmulatorState, request: Request, user_id: str) -> Response:
    grants = []
    for session, client_id, authorization in _grants_of(state, user_id):
        app = state.applications.get(client_id)
        grants.append(
            {
                "id": authorization["grantId"],
                "expiresAt": session["exp"] * 1000,
                "application": {"id": client_id, "name": app.name if app else client_id},
                "payload": {
                    "accountId": user_id,
                    "clientId": client_id,
                    "exp": session["exp"],
                    "iat": session["iat"],
                    "jti": authorization["grantId"],
                    "kind": "Grant",
                    "openid": {"scope": "openid"},
                },
            }
        )
    return json_response({"grants": grants})


@route("DELETE", r"/api/users/([^/]+)/grants/([^/]+)")
def revoke_grant(state: EmulatorState, request: Request, user_id: str, grant_id: str) -> Response:
    for session, client_id, authorization in _grants_of(state, user_id):
        if authorization["grantId"] == grant_id:
            del session["authorizations"][client_id]
            for token in [
                t
                for t, i in state.tokens.items()
                if i.get("sub") == user_id and i.get("client_id") == client_id
            ]:
                del state.tokens[token]
            return empty()
    raise HttpError(404, "oidc.invalid_grant")
