"""``/api/my-account/identities`` (``routes/account/identities.ts``): link the identity of a
verified social record (``PUT`` replaces one at the same provider), unlink one."""

from __future__ import annotations

from logto_emulator import zod_issues
from logto_emulator.account.api import (
    AccountAuth,
    require_editable,
    require_first_party,
    require_scope,
    require_scope_400,
    require_verified_if_needed,
)
from logto_emulator.account.profile import _require_remaining_identifier
from logto_emulator.account.verifications import record_of_type
from logto_emulator.http import HttpError, Request, Response, empty, guard_error
from logto_emulator.management.common import _touch, _user
from logto_emulator.routes import route
from logto_emulator.state import EmulatorState


def _link(state: EmulatorState, request: Request, auth: AccountAuth, *, replace: bool) -> Response:
    body = request.json()
    issues, _ = zod_issues.object_issues(
        body, {"newIdentifierVerificationRecordId": zod_issues.string()}
    )
    if issues:
        raise guard_error(*issues)
    require_editable(auth.control("social"))
    require_scope(auth, "identities")
    require_first_party(state, auth)
    user = _user(state, auth.user_id)
    require_verified_if_needed(auth, user)
    record = record_of_type(state, body["newIdentifierVerificationRecordId"], "Social")
    if not record["verified"]:
        raise HttpError(400, "verification_record.not_found")
    target = record["socialIdentity"]["target"]
    info = record["socialIdentity"]["userInfo"]
    for other in state.users.values():
        if other["id"] != user["id"] and other["identities"].get(target, {}).get("userId") == info[
            "id"
        ]:
            raise HttpError(422, "user.identity_already_in_use")
    if not replace and target in user["identities"]:
        raise HttpError(400, "user.identity_already_in_use")
    user["identities"] = {**user["identities"], target: {"userId": info["id"], "details": info}}
    _touch(user)
    return empty()


@route("POST", r"/api/my-account/identities")
def link_identity(state: EmulatorState, request: Request, auth: AccountAuth) -> Response:
    return _link(state, request, auth, replace=False)


@route("PUT", r"/api/my-account/identities")
def replace_identity(state: EmulatorState, request: Request, auth: AccountAuth) -> Response:
    return _link(state, request, auth, replace=True)


@route("DELETE", r"/api/my-account/identities/([^/]+)")
def unlink_identity(
    state: EmulatorState, request: Request, auth: AccountAuth, target: str
) -> Response:
    require_editable(auth.control("social"))
    require_scope_400(auth, "identities")
    require_first_party(state, auth)
    user = _user(state, auth.user_id)
    require_verified_if_needed(auth, user)
    if target not in user["identities"]:
        raise HttpError(404, "user.identity_not_exist")
    remaining = {t: i for t, i in user["identities"].items() if t != target}
    _require_remaining_identifier({**user, "identities": remaining}, "")
    user["identities"] = remaining
    _touch(user)
    return empty()
