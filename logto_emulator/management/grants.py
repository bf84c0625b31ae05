"""``/api/users/{id}/grants``: the grants of the user's sessions' authorizations, and the grants
no session holds (``state.grants``: a consent given earlier, a token exchange's). As Logto joins
them with the applications table, a grant of an application that no longer exists is not
listed."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from logto_emulator import zod_issues
from logto_emulator.http import HttpError, Request, Response, empty, guard_error, json_response
from logto_emulator.routes import route
from logto_emulator.state import EmulatorState

APP_TYPES = ("firstParty", "thirdParty")


def _session_grants(
    state: EmulatorState, user_id: str
) -> list[tuple[dict[str, Any], str, dict[str, Any]]]:
    return [
        (session, client_id, authorization)
        for session in state.active_sessions(user_id)
        for client_id, authorization in session["authorizations"].items()
    ]


def _grants(state: EmulatorState, user_id: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every active grant of the user: ``(id, {"clientId", "iat", "exp", "scope"})``."""
    for session, client_id, authorization in _session_grants(state, user_id):
        yield (
            authorization["grantId"],
            {"clientId": client_id, "iat": session["iat"], "exp": session["exp"], "scope": "openid"},
        )
    now = time.time()
    for grant_id, grant in state.grants.items():
        if grant["accountId"] == user_id and grant["exp"] > now:
            yield grant_id, grant


def grants_json(state: EmulatorState, user_id: str, app_type: str | None) -> list[dict[str, Any]]:
    grants = []
    for grant_id, grant in _grants(state, user_id):
        app = state.applications.get(grant["clientId"])
        if app is None or (app_type and app.is_third_party != (app_type == "thirdParty")):
            continue
        grants.append(
            {
                "id": grant_id,
                "payload": {
                    "exp": grant["exp"],
                    "iat": grant["iat"],
                    "jti": grant_id,
                    "kind": "Grant",
                    "clientId": grant["clientId"],
                    "accountId": user_id,
                    "openid": {"scope": grant["scope"]},
                },
                "expiresAt": grant["exp"] * 1000,
                "application": {"id": app.id, "name": app.name},
            }
        )
    return grants


def app_type_query(request: Request) -> str | None:
    app_type = request.query.get("appType")
    if app_type is not None and app_type not in APP_TYPES:
        raise guard_error(zod_issues.invalid_enum("appType", APP_TYPES, app_type), where="query")
    return app_type


@route("GET", r"/api/users/([^/]+)/grants")
def list_grants(state: EmulatorState, request: Request, user_id: str) -> Response:
    # No user lookup, as in Logto: an unknown user simply has no grants.
    return json_response({"grants": grants_json(state, user_id, app_type_query(request))})


@route("DELETE", r"/api/users/([^/]+)/grants/([^/]+)")
def revoke_grant(state: EmulatorState, request: Request, user_id: str, grant_id: str) -> Response:
    client_id = None
    for session, session_client, authorization in _session_grants(state, user_id):
        if authorization["grantId"] == grant_id:
            # Logto also takes the grant out of the session that holds it.
            del session["authorizations"][session_client]
            client_id = session_client
    standalone = state.grants.get(grant_id)
    if standalone is not None and standalone["accountId"] == user_id:
        del state.grants[grant_id]
        client_id = standalone["clientId"]
    if client_id is None:
        raise HttpError(404, "oidc.invalid_grant")
    for token in [
        t
        for t, i in state.tokens.items()
        if i.get("sub") == user_id
        and (i.get("grant_id") == grant_id or i.get("client_id") == client_id)
    ]:
        del state.tokens[token]
    return empty()
