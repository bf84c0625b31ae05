"""``/api/users/{id}/personal-access-tokens``: list, create, rename and delete, by the current
routes and the older ones."""

from __future__ import annotations

import secrets
import string
from typing import Any
from urllib.parse import unquote

from logto_emulator import zod_issues
from logto_emulator.http import (
    ABSENT,
    HttpError,
    Request,
    Response,
    check_type,
    empty,
    guard_error,
    json_response,
    type_issue,
    zod_type,
)
from logto_emulator.management.common import TENANT_ID, _user
from logto_emulator.routes import route
from logto_emulator.state import EmulatorState, now_ms

_SECRET_ALPHABET = string.digits + string.ascii_lowercase + string.ascii_uppercase


def _optional_number(path: str, value: Any) -> tuple[list[dict[str, Any]], bool]:
    if value is ABSENT or value is None or zod_type(value) == "number":
        return [], False
    return [type_issue(path, "number", value)], True


def _standard_secret() -> str:
    """@logto/shared ``generateStandardSecret``: 32 letters (either case) and digits."""
    return "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(32))


def _tokens_of(state: EmulatorState, user_id: str) -> list[dict[str, Any]]:
    return [t for t in state.personal_access_tokens if t["userId"] == user_id]


@route("GET", r"/api/users/([^/]+)/personal-access-tokens")
def list_pats(state: EmulatorState, request: Request, user_id: str) -> Response:
    _user(state, user_id)
    # Logto's query has no ORDER BY; on a fresh Logto PostgreSQL reads the rows through the
    # (tenant_id, value) index, so they come sorted by value (byte order: digits, then upper,
    # then lower case). Once the table is analyzed it may scan it and answer insertion order.
    tokens = sorted(_tokens_of(state, user_id), key=lambda t: t["value"].encode())
    return json_response([dict(t) for t in tokens])


@route("POST", r"/api/users/([^/]+)/personal-access-tokens")
def create_pat(state: EmulatorState, request: Request, user_id: str) -> Response:
    body = request.json_object()
    # PersonalAccessTokens.createGuard: name a varchar(256) of at least one character,
    # expiresAt a number or null.
    issues, _ = zod_issues.object_issues(
        body,
        {
            "name": zod_issues.string(min_length=1, max_length=256),
            "expiresAt": _optional_number,
        },
    )
    if issues:
        raise guard_error(*issues)
    name, expires_at = body["name"], body.get("expiresAt")
    if user_id not in state.users:
        # Logto inserts without looking the user up: its database refuses the foreign key.
        raise HttpError(404, "entity.relation_foreign_key_not_found")
    if expires_at is not None and expires_at <= now_ms():
        raise HttpError(
            400, "request.invalid_input", details="The value of `expiresAt` must be in the future."
        )
    if any(t["name"] == name for t in _tokens_of(state, user_id)):
        # A unique-constraint violation on (tenant, user, name) in Logto's database.
        raise HttpError(422, "user.personal_access_token_name_exists")
    token = {
        "tenantId": TENANT_ID,
        "userId": user_id,
        "name": name,
        "value": f"pat_{_standard_secret()}",
        "createdAt": now_ms(),
        "expiresAt": expires_at,
    }
    state.personal_access_tokens.append(token)
    return json_response(dict(token), status=201)


def _rename_pat(state: EmulatorState, user_id: str, current: str, name: Any) -> Response:
    if not isinstance(name, str) or not name:
        raise guard_error(type_issue("name", "string", name if name is not None else ABSENT))
    tokens = _tokens_of(state, user_id)
    token = next((t for t in tokens if t["name"] == current), None)
    if token is None:
        # The update query finds no row (no user lookup first): Logto's generic "not exists".
        raise HttpError(404, "entity.not_exists", name="personal_access_token")
    if name != current and any(t["name"] == name for t in tokens):
        raise HttpError(422, "user.personal_access_token_name_exists")
    token["name"] = name
    return json_response(dict(token))


@route("PATCH", r"/api/users/([^/]+)/personal-access-tokens")
def rename_pat(state: EmulatorState, request: Request, user_id: str) -> Response:
    body = request.json_object()
    current = body.get("currentName") or body.get("name")
    return _rename_pat(state, user_id, current, body.get("name"))


@route("PATCH", r"/api/users/([^/]+)/personal-access-tokens/([^/]+)")
def rename_pat_legacy(state: EmulatorState, request: Request, user_id: str, name: str) -> Response:
    return _rename_pat(state, user_id, unquote(name), request.json_object().get("name"))


def _delete_pat(state: EmulatorState, user_id: str, name: Any) -> Response:
    token = next((t for t in _tokens_of(state, user_id) if t["name"] == name), None)
    if token is None:
        raise HttpError(404, "entity.not_found")
    state.personal_access_tokens.remove(token)
    return empty()


@route("POST", r"/api/users/([^/]+)/personal-access-tokens/delete")
def delete_pat(state: EmulatorState, request: Request, user_id: str) -> Response:
    return _delete_pat(state, user_id, check_type(request.json_object(), "name", "string"))


@route("DELETE", r"/api/users/([^/]+)/personal-access-tokens/([^/]+)")
def delete_pat_legacy(state: EmulatorState, request: Request, user_id: str, name: str) -> Response:
    return _delete_pat(state, user_id, unquote(name))
