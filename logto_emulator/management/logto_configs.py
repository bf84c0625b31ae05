"""``/api/users/{id}/logto-configs``: the user's MFA switch and skips, as Logto keeps them."""

from __future__ import annotations

from typing import Any

from logto_emulator.http import (
    Request,
    Response,
    check_type,
    guard_error,
    json_response,
    type_issue,
)
from logto_emulator.management.common import _touch, _user
from logto_emulator.routes import route
from logto_emulator.state import EmulatorState


def _logto_config_json(user: dict[str, Any]) -> dict[str, Any]:
    config = user["logtoConfig"]
    mfa = config.get("mfa", {})
    answer: dict[str, Any] = {
        "mfa": {
            "skipped": bool(mfa.get("skipped", False)),
            "skipMfaOnSignIn": bool(mfa.get("skipMfaOnSignIn", False)),
        },
        "passkeySignIn": {"skipped": bool(config.get("passkeySignIn", {}).get("skipped", False))},
    }
    if "enabled" in mfa:
        # As Logto (libraries/user-logto-config.ts): absent until it has been set once.
        answer["mfa"] = {"enabled": bool(mfa["enabled"]), **answer["mfa"]}
    return answer


@route("GET", r"/api/users/([^/]+)/logto-configs")
def get_logto_configs(state: EmulatorState, request: Request, user_id: str) -> Response:
    return json_response(_logto_config_json(_user(state, user_id)))


@route("PATCH", r"/api/users/([^/]+)/logto-configs")
def update_logto_configs(state: EmulatorState, request: Request, user_id: str) -> Response:
    # Logto 1.42's behaviour: every part optional, mfa.enabled settable and answered. Logto 1.37
    # required mfa.skipped, mfa.skipMfaOnSignIn and passkeySignIn.skipped in every PATCH; the
    # app's client sends the full merged configs, which both accept.
    body = request.json_object()
    allowed = {
        "mfa": {"enabled", "skipped", "skipMfaOnSignIn", "additionalBindingSuggestionSkipped"},
        "passkeySignIn": {"skipped"},
    }
    for section, keys in allowed.items():
        part = check_type(body, section, "object", optional=True)  # optional, never null
        for key in keys & set(part or ()):
            if not isinstance(part[key], bool):
                raise guard_error(type_issue(f"{section}.{key}", "boolean", part[key]))
    user = _user(state, user_id)
    for section, keys in allowed.items():
        part = body.get(section)
        if part is None:
            continue
        current = user["logtoConfig"].setdefault(section, {})
        current.update({k: v for k, v in part.items() if k in keys})
    _touch(user)
    return json_response(_logto_config_json(user))
