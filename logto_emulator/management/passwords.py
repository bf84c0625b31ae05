"""The user's password (``has-password``, ``password/verify``, ``PATCH password``) and the sign-in
experience's password policy check."""

from __future__ import annotations

from logto_emulator import password_policy
from logto_emulator.http import HttpError, Request, Response, empty, invalid_input, json_response
from logto_emulator.management.common import _touch, _user, user_json
from logto_emulator.routes import route
from logto_emulator.state import EmulatorState, check_password, hash_password


def _password_body(request: Request) -> str:
    password = request.json_object().get("password")
    if not isinstance(password, str) or not password:
        raise invalid_input("password: String must contain at least 1 character(s)")
    return password


@route("GET", r"/api/users/([^/]+)/has-password")
def has_password(state: EmulatorState, request: Request, user_id: str) -> Response:
    return json_response({"hasPassword": bool(_user(state, user_id)["_password"])})


@route("POST", r"/api/users/([^/]+)/password/verify")
def verify_password(state: EmulatorState, request: Request, user_id: str) -> Response:
    user = _user(state, user_id)
    if not check_password(_password_body(request), user["_password"]):
        raise HttpError(422, "session.invalid_credentials")
    return empty()


@route("PATCH", r"/api/users/([^/]+)/password")
def set_password(state: EmulatorState, request: Request, user_id: str) -> Response:
    user = _user(state, user_id)
    # No policy check here, as in Logto: callers check with sign-in-exp/default/check-password.
    user["_password"] = hash_password(_password_body(request))
    _touch(user)
    return json_response(user_json(user))


@route("POST", r"/api/sign-in-exp/default/check-password")
def check_password_policy(state: EmulatorState, request: Request) -> Response:
    body = request.json_object()
    password = body.get("password")
    if not isinstance(password, str):
        raise invalid_input("password: Required")
    user_id = body.get("userId")
    if user_id is not None and not isinstance(user_id, str):
        raise invalid_input("userId: Expected string")
    user_info = None
    if user_id:  # Logto skips an empty userId, as if none was given
        user = state.users.get(user_id)
        if user is None:
            # This route answers the generic not-found, not entity.not_exists_with_id.
            raise HttpError(404, "entity.not_found")
        user_info = password_policy.user_info_of(user)
    try:
        issues = password_policy.check_password(password, user_info, state.password_policy)
    except password_policy.UserInfoRequired as error:
        # Logto turns the checker's TypeError into request.invalid_input with the bare message.
        raise HttpError(400, "request.invalid_input", {"message": error.message}) from error
    if issues:
        return json_response({"result": False, "issues": issues}, status=400)
    return json_response({"result": True})
