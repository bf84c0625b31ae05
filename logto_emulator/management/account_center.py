"""``/api/account-center``: the tenant's account-center settings (whether the Account API is on,
each field's Off / ReadOnly / Edit, the related origins for passkeys), and their anonymous copy
``/api/.well-known/account-center``."""

from __future__ import annotations

import copy
from typing import Any

from logto_emulator import zod_issues
from logto_emulator.http import (
    ABSENT,
    Request,
    Response,
    guard_error,
    json_response,
    type_issue,
    zod_type,
)
from logto_emulator.routes import route
from logto_emulator.state import EmulatorState

# accountCenterFieldControlGuard; ``trustedDevice`` only with the development features on.
FIELDS = (
    "name",
    "avatar",
    "profile",
    "email",
    "phone",
    "password",
    "username",
    "social",
    "customData",
    "mfa",
    "passkey",
    "session",
)
DEV_FIELDS = ("trustedDevice",)
CONTROLS = ("Off", "ReadOnly", "Edit")


def _fields(state: EmulatorState) -> tuple[str, ...]:
    return FIELDS + DEV_FIELDS if state.dev_features else FIELDS


@route("GET", r"/api/account-center")
def get_settings(state: EmulatorState, request: Request) -> Response:
    return json_response(copy.deepcopy(state.account_center))


@route("GET", r"/api/\.well-known/account-center")
def get_public_settings(state: EmulatorState, request: Request) -> Response:
    return json_response(copy.deepcopy(state.account_center))


def _issues(body: dict[str, Any], known: tuple[str, ...]) -> list[dict[str, Any]]:
    issues: list[dict[str, Any]] = []
    enabled = body.get("enabled", ABSENT)
    if enabled is not ABSENT and not isinstance(enabled, bool):
        issues.append(type_issue("enabled", "boolean", enabled))
    fields = body.get("fields", ABSENT)
    if fields is not ABSENT:
        if zod_type(fields) != "object":
            issues.append(type_issue("fields", "object", fields))
        else:
            issues.extend(
                zod_issues.invalid_enum(["fields", name], CONTROLS, value)
                for name, value in fields.items()
                if name in known and value not in CONTROLS
            )
    origins = body.get("webauthnRelatedOrigins", ABSENT)
    if origins is not ABSENT:
        if zod_type(origins) != "array":
            issues.append(type_issue("webauthnRelatedOrigins", "array", origins))
        else:
            issues.extend(
                type_issue(f"webauthnRelatedOrigins.{index}", "string", origin)
                for index, origin in enumerate(origins)
                if not isinstance(origin, str)
            )
    return issues


@route("PATCH", r"/api/account-center")
def update_settings(state: EmulatorState, request: Request) -> Response:
    body = request.json_object()
    issues = _issues(body, _fields(state))
    if issues:
        raise guard_error(*issues)
    settings = state.account_center
    if "enabled" in body:
        settings["enabled"] = body["enabled"]
    if "fields" in body:
        # The jsonb column is replaced whole: a field left out is Off again. zod drops
        # unknown keys.
        known = _fields(state)
        settings["fields"] = {k: v for k, v in body["fields"].items() if k in known}
    if "webauthnRelatedOrigins" in body:
        settings["webauthnRelatedOrigins"] = list(dict.fromkeys(body["webauthnRelatedOrigins"]))
    for key in ("deleteAccountUrl", "customCss"):
        if key in body:
            settings[key] = body[key] or None
    return json_response(copy.deepcopy(settings))
