"""What every Management API resource uses: Logto's guard patterns, the tenant, a user by id
and its JSON."""

from __future__ import annotations

import re
import time
from typing import Any

from logto_emulator.connectors import CONNECTOR_IDS
from logto_emulator.http import Request, not_found
from logto_emulator.state import EmulatorState, now_ms


# Logto's guard regexes (packages/toolkit/core-kit/src/regex.ts).
USERNAME_RE = re.compile(r"^[A-Z_a-z]\w*$")
EMAIL_RE = re.compile(r"^\S+@\S+\.\S+$")
PHONE_RE = re.compile(r"^\d+$")
TENANT_ID = "default"
MOCK_SOCIAL_CONNECTOR_ID = CONNECTOR_IDS["social"]


def _user(state: EmulatorState, user_id: str) -> dict[str, Any]:
    user = state.users.get(user_id)
    if user is None:
        raise not_found("user", user_id)
    return user


def user_json(user: dict[str, Any], *, include_sso: bool = False) -> dict[str, Any]:
    data = {k: v for k, v in user.items() if not k.startswith("_") and k != "logtoConfig"}
    data["cimdClientId"] = None
    data["hasPassword"] = bool(user["_password"])
    if include_sso:
        data["ssoIdentities"] = user["_sso"]
    return data


def _touch(user: dict[str, Any]) -> None:
    user["updatedAt"] = now_ms()


def _bool_query(request: Request, name: str) -> bool:
    return request.query.get(name, "").lower() in ("true", "1", "yes", "y")


def _iso_now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
