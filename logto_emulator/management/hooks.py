"""``GET`` and ``POST /api/hooks``: the tenant's webhooks, as Logto's ``routes/hook.ts`` keeps
them (so ``account_center_check`` can be tried on the emulator). The emulator never delivers a
webhook: tests sign and post deliveries themselves."""

from __future__ import annotations

import secrets
import string
from typing import Any

from logto_emulator.http import (
    HttpError,
    Request,
    Response,
    empty,
    invalid_input,
    json_response,
    not_found,
)
from logto_emulator.management.common import TENANT_ID
from logto_emulator.routes import route
from logto_emulator.state import EmulatorState, now_ms

_ID_ALPHABET = string.ascii_lowercase + string.digits


def _standard_id(length: int = 21, alphabet: str = _ID_ALPHABET) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


def _hook_json(hook: dict[str, Any]) -> dict[str, Any]:
    return dict(hook)


@route("GET", r"/api/hooks")
def list_hooks(state: EmulatorState, request: Request) -> Response:
    return json_response([_hook_json(hook) for hook in state.hooks])


@route("POST", r"/api/hooks")
def create_hook(state: EmulatorState, request: Request) -> Response:
    body = request.json_object()
    name, config, events = body.get("name"), body.get("config"), body.get("events")
    if not isinstance(name, str) or not isinstance(config, dict):
        raise invalid_input("name and config are required")
    if not isinstance(config.get("url"), str):
        raise invalid_input("config.url: Required")
    if not events:
        raise HttpError(400, "hook.missing_events")
    hook = {
        "tenantId": TENANT_ID,
        "id": _standard_id(),
        "name": name,
        "event": None,
        "events": list(dict.fromkeys(events)),
        "config": config,
        # generateStandardSecret(): 32 letters (both cases) and digits.
        "signingKey": _standard_id(32, _ID_ALPHABET + string.ascii_uppercase),
        "enabled": bool(body.get("enabled", True)),
        "createdAt": now_ms(),
    }
    with state.lock:
        state.hooks.append(hook)
    return json_response(_hook_json(hook), status=201)


@route("DELETE", r"/api/hooks/([^/]+)")
def delete_hook(state: EmulatorState, request: Request, hook_id: str) -> Response:
    with state.lock:
        kept = [hook for hook in state.hooks if hook["id"] != hook_id]
        if len(kept) == len(state.hooks):
            raise not_found("hook", hook_id)
        state.hooks = kept
    return empty()
