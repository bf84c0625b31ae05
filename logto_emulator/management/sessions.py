"""``/api/users/{id}/sessions``: the user's sign-in sessions at the provider, read and revoked."""

from __future__ import annotations

from typing import Any

from logto_emulator import zod_issues
from logto_emulator.http import HttpError, Request, Response, empty, guard_error, json_response
from logto_emulator.oidc.refresh_tokens import revoke_grant
from logto_emulator.routes import route
from logto_emulator.state import EmulatorState

# Logto's SessionGrantRevokeTarget.
REVOKE_GRANTS_TARGETS = ("all", "firstParty")


def session_json(session: dict[str, Any]) -> dict[str, Any]:
    payload = {
        "exp": session["exp"],
        "iat": session["iat"],
        "jti": session["jti"],
        "uid": session["uid"],
        "kind": "Session",
        "loginTs": session["loginTs"],
        "accountId": session["accountId"],
        "authorizations": session["authorizations"],
    }
    return {
        "payload": payload,
        "lastSubmission": session["lastSubmission"],
        "clientId": session["clientId"],
        "accountId": session["accountId"],
        "expiresAt": session["exp"] * 1000,
    }


@route("GET", r"/api/users/([^/]+)/sessions")
def list_sessions(state: EmulatorState, request: Request, user_id: str) -> Response:
    # No user lookup, as in Logto: an unknown or deleted user simply has no sessions.
    return json_response({"sessions": [session_json(s) for s in state.active_sessions(user_id)]})


@route("GET", r"/api/users/([^/]+)/sessions/([^/]+)")
def get_session(state: EmulatorState, request: Request, user_id: str, uid: str) -> Response:
    session = next((s for s in state.active_sessions(user_id) if s["uid"] == uid), None)
    if session is None:
        raise HttpError(404, "oidc.session_not_found")
    return json_response(session_json(session))


@route("DELETE", r"/api/users/([^/]+)/sessions/([^/]+)")
def revoke_session(state: EmulatorState, request: Request, user_id: str, uid: str) -> Response:
    target = request.query.get("revokeGrantsTarget")
    if target is not None and target not in REVOKE_GRANTS_TARGETS:
        raise guard_error(
            zod_issues.invalid_enum("revokeGrantsTarget", REVOKE_GRANTS_TARGETS, target),
            where="query",
        )
    session = state.sessions.get(uid)
    if session is None:
        raise HttpError(404, "oidc.session_not_found")
    if session["accountId"] != user_id:
        raise HttpError(404, "oidc.invalid_session_account_id")
    if target:
        # ``revokeSessionAssociatedGrants``: the grants this session holds (all of them, or the
        # first-party apps' only), each revoked with the tokens issued under it. The same app's
        # grant in another session of the user (another browser) lives on.
        for client_id, authorization in session["authorizations"].items():
            app = state.applications.get(client_id)
            if target == "firstParty" and (app is None or app.is_third_party):
                continue
            revoke_grant(state, authorization.get("grantId"))
    del state.sessions[uid]
    return empty()
