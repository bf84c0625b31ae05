"""``/api/users/{id}/trusted-devices`` (``routes/admin-user/trusted-device.ts``): registered only
by a Logto build with its development features on (``state.configure_dev_features()``); a
production build, the emulator's default, has no such route and answers koa's plain 404."""

from __future__ import annotations

import time
from typing import Any

from logto_emulator.http import HttpError, Request, Response, empty, json_response
from logto_emulator.management.common import _user
from logto_emulator.routes import route
from logto_emulator.state import EmulatorState

# trustedDeviceResponseGuard: what of a row Logto answers (never the secret's hash or the IP).
FIELDS = ("id", "userAgent", "country", "city", "createdAt", "lastUsedAt", "expiresAt")


def active_devices(state: EmulatorState, user_id: str) -> list[dict[str, Any]]:
    now = time.time() * 1000
    return [
        d for d in state.trusted_devices if d["userId"] == user_id and d["expiresAt"] > now
    ]


def paged(request: Request, items: list[Any]) -> Response:
    """koaPagination: ``page`` (from 1) and ``page_size`` (20 by default), the total in
    ``Total-Number``."""
    try:
        page = max(1, int(request.query.get("page", "1")))
        size = max(1, int(request.query.get("page_size", "20")))
    except ValueError:
        raise HttpError(400, "guard.invalid_pagination") from None
    start = (page - 1) * size
    return json_response(
        items[start : start + size], headers=[("Total-Number", str(len(items)))]
    )


def device_json(device: dict[str, Any]) -> dict[str, Any]:
    return {key: device[key] for key in FIELDS}


@route("GET", r"/api/users/([^/]+)/trusted-devices", dev_feature=True)
def list_trusted_devices(state: EmulatorState, request: Request, user_id: str) -> Response:
    _user(state, user_id)
    return paged(request, [device_json(d) for d in active_devices(state, user_id)])


def forget_device(state: EmulatorState, user_id: str, device_id: str) -> None:
    for device in state.trusted_devices:
        if device["id"] == device_id and device["userId"] == user_id:
            state.trusted_devices.remove(device)
            return
    raise HttpError(404, "entity.not_found")


@route("DELETE", r"/api/users/([^/]+)/trusted-devices/([^/]+)", dev_feature=True)
def delete_trusted_device(
    state: EmulatorState, request: Request, user_id: str, device_id: str
) -> Response:
    _user(state, user_id)
    forget_device(state, user_id, device_id)
    return empty()
