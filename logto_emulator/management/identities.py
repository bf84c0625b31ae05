"""A user's social identities (link, unlink, read) and enterprise SSO identities (read)."""

from __future__ import annotations

import secrets

from logto_emulator.http import HttpError, Request, Response, check_type, json_response
from logto_emulator.management.common import _touch, _user, user_json
from logto_emulator.management.connectors import _connector_kind
from logto_emulator.routes import route
from logto_emulator.state import EmulatorState


@route("POST", r"/api/users/([^/]+)/identities")
def link_identity(state: EmulatorState, request: Request, user_id: str) -> Response:
    user = _user(state, user_id)
    body = request.json_object()
    connector_id = check_type(body, "connectorId", "string")
    data = check_type(body, "connectorData", "object")
    if _connector_kind(state, connector_id) != "social":
        raise HttpError(422, "session.invalid_connector_id", connectorId=connector_id)
    if not isinstance(data.get("code"), str):
        # The mock connector's data guard needs a `code`; its connector error surfaces as 400,
        # with the guard's words in data.message.
        raise HttpError(
            400,
            "connector.invalid_response",
            {"message": "code: Required"},
        )
    issued = state.social_codes.pop(data["code"], {})
    social_id = (
        data.get("userId") or issued.get("userId") or f"mock-social-sub-{secrets.token_hex(8)}"
    )
    target = "mock-social"
    for other in state.users.values():
        if (
            other["id"] != user_id
            and other["identities"].get(target, {}).get("userId") == social_id
        ):
            raise HttpError(422, "user.identity_already_in_use")
    details = {
        "id": social_id,
        **{
            k: data[k] for k in ("email", "phone", "name", "avatar") if isinstance(data.get(k), str)
        },
        "rawData": data,
    }
    user["identities"] = {**user["identities"], target: {"userId": social_id, "details": details}}
    _touch(user)
    return json_response(user["identities"])


@route("DELETE", r"/api/users/([^/]+)/identities/([^/]+)")
def unlink_identity(state: EmulatorState, request: Request, user_id: str, target: str) -> Response:
    user = _user(state, user_id)
    if target not in user["identities"]:
        raise HttpError(404, "user.identity_not_exist")
    user["identities"] = {t: i for t, i in user["identities"].items() if t != target}
    _touch(user)
    return json_response(user_json(user))


@route("GET", r"/api/users/([^/]+)/all-identities")
def all_identities(state: EmulatorState, request: Request, user_id: str) -> Response:
    user = _user(state, user_id)
    return json_response(
        {
            "socialIdentities": [
                {"target": target, "identity": identity}
                for target, identity in user["identities"].items()
            ],
            "ssoIdentities": [
                {"ssoConnectorId": sso["ssoConnectorId"], "ssoIdentity": sso}
                for sso in user["_sso"]
            ],
        }
    )


@route("GET", r"/api/users/([^/]+)/identities/([^/]+)")
def get_identity(state: EmulatorState, request: Request, user_id: str, target: str) -> Response:
    identity = _user(state, user_id)["identities"].get(target)
    if identity is None:
        raise HttpError(404, "user.identity_not_exist")
    return json_response({"identity": identity})


@route("GET", r"/api/users/([^/]+)/sso-identities/([^/]+)")
def get_sso_identity(
    state: EmulatorState, request: Request, user_id: str, connector_id: str
) -> Response:
    found = [s for s in _user(state, user_id)["_sso"] if s["ssoConnectorId"] == connector_id]
    if not found:
        raise HttpError(404, "user.enterprise_sso_identity_not_exists", ssoConnectorId=connector_id)
    return json_response({"ssoIdentity": found[0]})
