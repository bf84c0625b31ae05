"""``/api/my-account`` itself, ``/profile`` and ``/password`` (``routes/account/index.ts``): the
user as their token's scopes and the tenant's fields let them see and change themselves."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from logto_emulator import password_policy, zod_issues
from logto_emulator.account.api import (
    EDIT,
    READ_ONLY,
    AccountAuth,
    has_security_verification_method,
    require_editable,
    require_first_party,
    require_scope_400,
    require_verified,
)
from logto_emulator.http import (
    ABSENT,
    HttpError,
    Request,
    Response,
    empty,
    guard_error,
    json_response,
    type_issue,
    zod_type,
)
from logto_emulator.management.common import USERNAME_RE, _touch, _user, user_json
from logto_emulator.routes import route
from logto_emulator.state import EmulatorState, check_password, hash_password


def _readable(control: str | None) -> bool:
    return control in (EDIT, READ_ONLY)


def account_json(user: dict[str, Any], auth: AccountAuth) -> dict[str, Any]:
    """``getScopedProfile`` then ``getAccountCenterFilteredProfile``."""
    full = user_json(user)
    scopes, fields = auth.scopes, auth.fields
    shown: dict[str, Any] = {"id": full["id"]}
    if "identities" in scopes:
        # Logto spreads the list of SSO identities into the object (``...conditional([...])``):
        # each lands under its index, and none adds nothing.
        shown.update({str(index): sso for index, sso in enumerate(user["_sso"])})
        shown["identities"] = full["identities"]
    if "custom_data" in scopes:
        shown["customData"] = full["customData"]
    if "email" in scopes:
        shown["primaryEmail"] = full["primaryEmail"]
    if "phone" in scopes:
        shown["primaryPhone"] = full["primaryPhone"]
    if "profile" in scopes:
        profile = {k: v for k, v in full["profile"].items() if k != "address"}
        if "address" in scopes and "address" in full["profile"]:
            profile["address"] = full["profile"]["address"]
        shown.update(
            {
                key: full[key]
                for key in (
                    "name",
                    "avatar",
                    "username",
                    "lastSignInAt",
                    "createdAt",
                    "updatedAt",
                    "applicationId",
                    "cimdClientId",
                    "isSuspended",
                    "hasPassword",
                )
            }
        )
        shown["profile"] = profile
    gated = {
        "name": "name",
        "avatar": "avatar",
        "username": "username",
        "primaryEmail": "email",
        "primaryPhone": "phone",
        "profile": "profile",
        "customData": "customData",
        "identities": "social",
        "hasPassword": "password",
    }
    answer = {
        key: value
        for key, value in shown.items()
        if key not in gated or _readable(fields.get(gated[key]))
    }
    answer["hasSecurityVerificationMethod"] = has_security_verification_method(user)
    return answer


@route("GET", r"/api/my-account")
def get_account(state: EmulatorState, request: Request, auth: AccountAuth) -> Response:
    return json_response(account_json(_user(state, auth.user_id), auth))


def _nullable_string(pattern: Any = None, url: bool = False) -> Any:
    def check(path: str, value: Any) -> tuple[list[dict[str, Any]], bool]:
        if value is ABSENT or value is None:
            return [], False
        if zod_type(value) != "string":
            return [type_issue(path, "string", value)], True
        if pattern is not None and not pattern.match(value):
            return [zod_issues.regex(path)], False
        if url and not _is_url(value):
            issue = {"validation": "url", "code": "invalid_string", "message": "Invalid url"}
            return [{**issue, "path": [path]}], False
        return [], False

    return check


def _is_url(value: str) -> bool:
    # zod's .url(): whatever WHATWG URL parses, i.e. a scheme and something after it.
    parts = urlsplit(value)
    return bool(parts.scheme) and bool(parts.netloc or parts.path)


def _optional_object(path: str, value: Any) -> tuple[list[dict[str, Any]], bool]:
    if value is ABSENT or isinstance(value, dict):
        return [], False
    return [type_issue(path, "object", value)], True


@route("PATCH", r"/api/my-account")
def update_account(state: EmulatorState, request: Request, auth: AccountAuth) -> Response:
    body = request.json()
    issues, _ = zod_issues.object_issues(
        body,
        {
            "name": _nullable_string(),
            "avatar": _nullable_string(url=True),
            "username": _nullable_string(pattern=USERNAME_RE),
            "customData": _optional_object,
        },
    )
    if issues:
        raise guard_error(*issues)
    for key, field in (
        ("name", "name"),
        ("avatar", "avatar"),
        ("username", "username"),
        ("customData", "customData"),
    ):
        if key in body:
            require_editable(auth.control(field))
    require_scope_400(auth, "profile")
    if "customData" in body:
        require_scope_400(auth, "custom_data")
    require_first_party(state, auth)
    user = _user(state, auth.user_id)
    if "username" in body:
        require_verified(auth)
        username = body["username"]
        if username is None:
            _require_remaining_identifier(user, "username")
        elif state.find_user_by("username", username, exclude=user["id"]):
            raise HttpError(422, "user.username_already_in_use")
    for key in ("name", "avatar", "username", "customData"):
        if key in body:
            user[key] = body[key]
    _touch(user)
    return json_response(account_json(user, auth))


def _require_remaining_identifier(user: dict[str, Any], removed: str) -> None:
    """``assertUserHasRemainingIdentifier``: one of username, email, phone or a linked identity
    must stay."""
    kept = [user[key] for key in ("username", "primaryEmail", "primaryPhone") if key != removed]
    if not any(kept) and not user["identities"] and not user["_sso"]:
        raise HttpError(400, "user.last_sign_in_method_required")


@route("PATCH", r"/api/my-account/profile")
def update_profile(state: EmulatorState, request: Request, auth: AccountAuth) -> Response:
    body = request.json()
    if zod_type(body) != "object":
        raise guard_error({**type_issue("body", "object", body), "path": []})
    require_editable(auth.control("profile"))
    require_scope_400(auth, "profile")
    if "address" in body:
        require_scope_400(auth, "address")
    require_first_party(state, auth)
    user = _user(state, auth.user_id)
    # updateUserById merges the profile jsonb.
    user["profile"] = {**user["profile"], **body}
    _touch(user)
    profile = {k: v for k, v in user["profile"].items() if k != "address"}
    if "address" in auth.scopes and "address" in user["profile"]:
        profile["address"] = user["profile"]["address"]
    return json_response(profile)


@route("POST", r"/api/my-account/password")
def set_password(state: EmulatorState, request: Request, auth: AccountAuth) -> Response:
    body = request.json()
    issues, _ = zod_issues.object_issues(body, {"password": zod_issues.string(min_length=1)})
    if issues:
        raise guard_error(*issues)
    require_first_party(state, auth)
    user = _user(state, auth.user_id)
    if has_security_verification_method(user):
        require_verified(auth)
    require_editable(auth.control("password"))
    password = body["password"]
    # PasswordValidator.validatePassword: the policy, then "not the same as before".
    found = password_policy.check_password(
        password, password_policy.user_info_of(user), state.password_policy
    )
    if found:
        raise HttpError(422, "password.rejected", found)
    if check_password(password, user["_password"]):
        raise HttpError(422, "user.same_password")
    user["_password"] = hash_password(password)
    _touch(user)
    return empty()
