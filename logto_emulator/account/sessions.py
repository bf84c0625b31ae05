"""``/api/my-account/sessions`` and ``/grants`` (``routes/account/sessions.ts``, ``grants.ts``):
even listing them needs proof of identity, the ``session`` field and the sessions scope."""

from __future__ import annotations

from logto_emulator import zod_issues
from logto_emulator.account.api import (
    AccountAuth,
    require_editable,
    require_first_party,
    require_readable,
    require_scope,
    require_verified,
)
from logto_emulator.http import HttpError, Request, Response, guard_error, json_response
from logto_emulator.management.grants import app_type_query, grants_json, revoke_grant
from logto_emulator.management.sessions import REVOKE_GRANTS_TARGETS, revoke_session, session_json
from logto_emulator.routes import route
from logto_emulator.state import EmulatorState

SESSIONS_SCOPE = "urn:logto:scope:sessions"


def _can_read(auth: AccountAuth) -> None:
    require_verified(auth)
    require_readable(auth.control("session"))
    require_scope(auth, SESSIONS_SCOPE)


def _can_revoke(state: EmulatorState, auth: AccountAuth) -> None:
    require_verified(auth)
    require_editable(auth.control("session"))
    require_scope(auth, SESSIONS_SCOPE)
    require_first_party(state, auth)


@route("GET", r"/api/my-account/sessions")
def list_sessions(state: EmulatorState, request: Request, auth: AccountAuth) -> Response:
    _can_read(auth)
    sessions = [
        {**session_json(s), "isCurrent": s["uid"] == auth.session_uid}
        for s in state.active_sessions(auth.user_id)
    ]
    return json_response({"sessions": sessions})


@route("DELETE", r"/api/my-account/sessions/([^/]+)")
def end_session(state: EmulatorState, request: Request, auth: AccountAuth, uid: str) -> Response:
    target = request.query.get("revokeGrantsTarget")
    if target is not None and target not in REVOKE_GRANTS_TARGETS:
        raise guard_error(
            zod_issues.invalid_enum("revokeGrantsTarget", REVOKE_GRANTS_TARGETS, target),
            where="query",
        )
    _can_revoke(state, auth)
    try:
        return revoke_session(state, request, auth.user_id, uid)
    except HttpError as error:
        # This route builds the error as RequestError(code, {status: 404}): the status lands
        # in the data and the answer is a 400.
        raise HttpError(400, error.code, {"status": 404}) from error


@route("GET", r"/api/my-account/grants")
def list_own_grants(state: EmulatorState, request: Request, auth: AccountAuth) -> Response:
    app_type = app_type_query(request)
    _can_read(auth)
    return json_response({"grants": grants_json(state, auth.user_id, app_type)})


@route("DELETE", r"/api/my-account/grants/([^/]+)")
def revoke_own_grant(
    state: EmulatorState, request: Request, auth: AccountAuth, grant_id: str
) -> Response:
    _can_revoke(state, auth)
    return revoke_grant(state, request, auth.user_id, grant_id)
