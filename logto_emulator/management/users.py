"""``/api/users``: search, create, read, update, delete; the profile, custom data and
suspension.

Like real Logto, the Management API enforces little: no password policy on set, no username rules
beyond its guard regexes, no "keep one way to sign in". Applications must enforce those
themselves.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from logto_emulator.http import (
    HttpError,
    Request,
    Response,
    check_type,
    clearable_issue,
    empty,
    guard_error,
    invalid_input,
    json_response,
    regex_issue,
    type_issue,
)
from logto_emulator.management.common import (
    EMAIL_RE,
    PHONE_RE,
    USERNAME_RE,
    _bool_query,
    _touch,
    _user,
    user_json,
)
from logto_emulator.routes import route
from logto_emulator.state import EmulatorState


PROFILE_KEYS = {
    "familyName",
    "givenName",
    "middleName",
    "nickname",
    "preferredUsername",
    "profile",
    "website",
    "gender",
    "birthdate",
    "zoneinfo",
    "locale",
    "address",
}
ADDRESS_KEYS = {"formatted", "streetAddress", "locality", "region", "postalCode", "country"}


def _check_collisions(state: EmulatorState, body: dict[str, Any], user_id: str | None) -> None:
    if body.get("username") and state.find_user_by("username", body["username"], exclude=user_id):
        raise HttpError(422, "user.username_already_in_use")
    if body.get("primaryEmail") and state.find_user_by(
        "primaryEmail", body["primaryEmail"], exclude=user_id
    ):
        raise HttpError(422, "user.email_already_in_use")
    if body.get("primaryPhone") and state.find_user_by(
        "primaryPhone", body["primaryPhone"], exclude=user_id
    ):
        raise HttpError(422, "user.phone_already_in_use")


def _validate_user_fields(body: dict[str, Any], *, allow_clear: bool) -> dict[str, Any]:
    """Apply Logto's body guard for user create/update; answer the fields with "" turned into None."""
    clean: dict[str, Any] = {}
    patterns = {"username": USERNAME_RE, "primaryEmail": EMAIL_RE, "primaryPhone": PHONE_RE}
    for key, value in body.items():
        if key in patterns and allow_clear and value not in ("", None):
            # The update guard: a valid string, or "" or null (clear), and nothing else.
            if not isinstance(value, str):
                raise guard_error(clearable_issue(key, value, type_issue(key, "string", value)))
            if not patterns[key].match(value):
                # zod reports a union member that got the type right by its own issue alone.
                raise guard_error(regex_issue(key))
        if key in patterns or key in ("name", "avatar"):
            if value in ("", None):
                if not allow_clear and key != "avatar":
                    raise guard_error(
                        regex_issue(key) if value == "" else type_issue(key, "string", value)
                    )
                clean[key] = None
                continue
            if not isinstance(value, str):
                raise guard_error(type_issue(key, "string", value))
            if key in patterns and not patterns[key].match(value):
                raise guard_error(regex_issue(key))
            if key == "avatar" and not value.startswith(("http://", "https://")):
                raise invalid_input("avatar: Invalid url")
            clean[key] = value
        elif key == "customData":
            if not isinstance(value, dict):
                raise invalid_input("customData: Expected object")
            clean[key] = value
        elif key == "profile":
            clean[key] = _validate_profile(value)
    return clean


def _validate_profile(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise invalid_input("profile: Expected object")
    profile: dict[str, Any] = {}
    for key, item in value.items():
        if key not in PROFILE_KEYS:
            continue  # zod strips unknown keys
        if key == "address":
            if not isinstance(item, dict) or any(
                not isinstance(v, str) for k, v in item.items() if k in ADDRESS_KEYS
            ):
                raise invalid_input("profile.address: Expected object of strings")
            profile[key] = {k: v for k, v in item.items() if k in ADDRESS_KEYS}
        elif not isinstance(item, str):
            raise invalid_input(f"profile.{key}: Expected string")
        else:
            profile[key] = item
    return profile


# Logto's user search keys (queries/user.ts) and its search syntax (utils/search.ts):
# ``search`` / ``search.<field>`` values, ``mode`` / ``mode.<field>`` of like (default) or exact,
# "or" between fields unless ``joint=and``, case-insensitive unless ``isCaseSensitive=true``.
USER_SEARCH_FIELDS = ("id", "primaryEmail", "primaryPhone", "username", "name")


def _like_pattern(value: str) -> str:
    # SQL LIKE: % is any run, _ any one character, backslash escapes the next one.
    parts, escaped = [], False
    for char in value:
        if escaped:
            parts.append(re.escape(char))
            escaped = False
        elif char == "\\":
            escaped = True
        else:
            parts.append(".*" if char == "%" else "." if char == "_" else re.escape(char))
    return "".join(parts)


def _user_search(query_all: dict[str, list[str]]) -> Callable[[dict[str, Any]], bool] | None:
    """A predicate for Logto's user search parameters; ``None`` when none given. A field may be
    searched for several values only in ``exact`` mode (any of them matches), as in Logto. A bad
    search is Logto's ``request.invalid_input`` with empty ``data`` (its reason is not sent)."""
    query = {key: values[-1] for key, values in query_all.items()}
    modes: dict[str | None, str] = {}
    values: dict[str | None, list[str]] = {}
    for key, given in query_all.items():
        prefix, _, field = key.partition(".")
        if prefix not in ("search", "mode"):
            continue
        if field and field not in USER_SEARCH_FIELDS:
            raise HttpError(400, "request.invalid_input", {})
        if prefix == "mode":
            value = given[-1]
            if value not in ("like", "exact"):  # similar_to and posix are not emulated
                raise HttpError(400, "request.invalid_input", {})
            modes[field or None] = value
        else:
            values[field or None] = list(given)
    if not values:
        return None
    for field, wanted_values in values.items():
        mode = modes.get(field) or modes.get(None) or "like"
        if mode != "exact" and len(wanted_values) != 1:
            raise HttpError(400, "request.invalid_input", {})
        if not all(wanted_values):
            raise HttpError(400, "request.invalid_input", {})
    joint_and = (query.get("joint") or query.get("jointMode") or "or") == "and"
    case_sensitive = query.get("isCaseSensitive", "false").lower() == "true"

    def matches(user: dict[str, Any], field: str | None, wanted: str) -> bool:
        mode = modes.get(field) or modes.get(None) or "like"
        for name in (field,) if field else USER_SEARCH_FIELDS:
            stored = user.get(name)  # type: ignore[arg-type]
            if stored is None:
                continue
            have, want = (
                (str(stored), wanted) if case_sensitive else (str(stored).lower(), wanted.lower())
            )
            if mode == "exact" and have == want:
                return True
            if mode == "like" and re.fullmatch(_like_pattern(want), have, re.S):
                return True
        return False

    def predicate(user: dict[str, Any]) -> bool:
        results = (
            any(matches(user, field, wanted) for wanted in wanted_values)
            for field, wanted_values in values.items()
        )
        return all(results) if joint_and else any(results)

    return predicate


@route("GET", r"/api/users")
def list_users(state: EmulatorState, request: Request) -> Response:
    users = sorted(state.users.values(), key=lambda u: u["createdAt"], reverse=True)
    predicate = _user_search(request.query_all)
    if predicate is not None:
        users = [u for u in users if predicate(u)]
    try:
        page = max(int(request.query.get("page", "1")), 1)
        size = min(max(int(request.query.get("page_size", "20")), 1), 100)
    except ValueError as exc:
        raise HttpError(
            400, "guard.invalid_input", {"details": "page: Invalid"}, type="query"
        ) from exc
    chunk = users[(page - 1) * size : page * size]
    return json_response([user_json(u) for u in chunk], headers=[("Total-Number", str(len(users)))])


@route("POST", r"/api/users")
def create_user(state: EmulatorState, request: Request) -> Response:
    body = request.json_object()
    fields = _validate_user_fields(body, allow_clear=False)
    password = body.get("password")
    if password is not None and (not isinstance(password, str) or not password):
        raise invalid_input("password: String must contain at least 1 character(s)")
    _check_collisions(state, fields, None)
    user = state.create_user(
        username=fields.get("username"),
        password=password,
        primary_email=fields.get("primaryEmail"),
        primary_phone=fields.get("primaryPhone"),
        name=fields.get("name"),
        avatar=fields.get("avatar"),
        custom_data=fields.get("customData"),
        profile=fields.get("profile"),
    )
    return json_response(user_json(user))


@route("GET", r"/api/users/([^/]+)")
def get_user(state: EmulatorState, request: Request, user_id: str) -> Response:
    return json_response(
        user_json(_user(state, user_id), include_sso=_bool_query(request, "includeSsoIdentities"))
    )


@route("PATCH", r"/api/users/([^/]+)")
def update_user(state: EmulatorState, request: Request, user_id: str) -> Response:
    user = _user(state, user_id)
    fields = _validate_user_fields(request.json_object(), allow_clear=True)
    _check_collisions(state, fields, user_id)
    # Here customData and profile are replaced whole, unlike their own endpoints which merge.
    user.update(fields)
    _touch(user)
    return json_response(user_json(user))


@route("DELETE", r"/api/users/([^/]+)")
def delete_user(state: EmulatorState, request: Request, user_id: str) -> Response:
    _user(state, user_id)
    state.end_sessions_of(user_id)  # Logto signs the user out everywhere
    del state.users[user_id]
    state.personal_access_tokens = [
        t for t in state.personal_access_tokens if t["userId"] != user_id
    ]
    return empty()


@route("PATCH", r"/api/users/([^/]+)/profile")
def update_profile(state: EmulatorState, request: Request, user_id: str) -> Response:
    user = _user(state, user_id)
    body = request.json_object()
    if "profile" not in body:
        raise invalid_input("profile: Required")
    user["profile"] = {**user["profile"], **_validate_profile(body["profile"])}
    _touch(user)
    return json_response(user["profile"])


@route("GET", r"/api/users/([^/]+)/custom-data")
def get_custom_data(state: EmulatorState, request: Request, user_id: str) -> Response:
    return json_response(_user(state, user_id)["customData"])


@route("PATCH", r"/api/users/([^/]+)/custom-data")
def update_custom_data(state: EmulatorState, request: Request, user_id: str) -> Response:
    user = _user(state, user_id)
    body = request.json_object()
    if not isinstance(body.get("customData"), dict):
        raise invalid_input("customData: Required")
    user["customData"] = {**user["customData"], **body["customData"]}
    _touch(user)
    return json_response(user["customData"])


@route("PATCH", r"/api/users/([^/]+)/is-suspended")
def set_suspended(state: EmulatorState, request: Request, user_id: str) -> Response:
    value = check_type(request.json_object(), "isSuspended", "boolean")
    user = _user(state, user_id)
    user["isSuspended"] = value
    if value:
        state.end_sessions_of(user_id)  # a suspended user is signed out
    _touch(user)
    return json_response(user_json(user))
