"""``/api/users/{id}/mfa-verifications``: authenticator apps, backup codes and passkeys."""

from __future__ import annotations

import base64
import re
import secrets
from typing import Any

from logto_emulator import totp, zod_issues
from logto_emulator.http import (
    HttpError,
    Request,
    Response,
    check_type,
    empty,
    guard_error,
    json_response,
    type_issue,
)
from logto_emulator.management.common import _iso_now, _touch, _user
from logto_emulator.routes import route
from logto_emulator.state import EmulatorState, generate_id


@route("GET", r"/api/users/([^/]+)/mfa-verifications")
def list_mfa(state: EmulatorState, request: Request, user_id: str) -> Response:
    return json_response(mfa_list_json(_user(state, user_id)))


def mfa_list_json(user: dict[str, Any]) -> list[dict[str, Any]]:
    """``transpileUserMfaVerifications``: the factors without their secrets."""
    result = []
    for factor in user["_mfa"]:
        item = {"id": factor["id"], "createdAt": factor["createdAt"], "type": factor["type"]}
        if factor.get("lastUsedAt"):
            item["lastUsedAt"] = factor["lastUsedAt"]
        if factor["type"] == "BackupCode":
            item["remainCodes"] = sum(1 for c in factor["codes"] if not c["usedAt"])
        for key in ("name", "agent"):
            if factor.get(key):
                item[key] = factor[key]
        result.append(item)
    return result


# Logto's rule (libraries/verification-helpers/totp-validation.ts): 16 to 32 characters of
# RFC 4648 base32, padding included, in whole 8-character blocks.
_BASE32 = re.compile(
    r"(?:[2-7A-Z]{8})*(?:[2-7A-Z]{2}={6}|[2-7A-Z]{4}={4}|[2-7A-Z]{5}={3}|[2-7A-Z]{7}=)?"
)


def valid_totp_secret(secret: str) -> bool:
    return 16 <= len(secret) <= 32 and bool(_BASE32.fullmatch(secret))


@route("POST", r"/api/users/([^/]+)/mfa-verifications")
def create_mfa(state: EmulatorState, request: Request, user_id: str) -> Response:
    body = request.json_object()
    kind = body.get("type")
    if kind not in ("Totp", "BackupCode"):
        # WebAuthn too: only the Account API binds a passkey.
        raise guard_error(zod_issues.invalid_discriminator("type", ["Totp", "BackupCode"]))
    if kind == "Totp":
        secret = check_type(body, "secret", "string", optional=True)
    elif kind == "BackupCode":
        codes = check_type(body, "codes", "array", optional=True)
        for index, code in enumerate(codes or ()):
            if not isinstance(code, str):
                raise guard_error(type_issue(f"codes.{index}", "string", code))
    user = _user(state, user_id)
    if kind == "Totp":
        if any(f["type"] == "Totp" for f in user["_mfa"]):
            raise HttpError(422, "user.totp_already_in_use")
        # Only a non-empty secret is checked: Logto stores an empty one as given.
        if secret and not valid_totp_secret(secret):
            raise HttpError(422, "user.totp_secret_invalid")
        if secret is None:
            secret = base64.b32encode(secrets.token_bytes(20)).decode()  # 160 bits, as Logto
        label = (
            user["username"]
            or user["primaryEmail"]
            or user["primaryPhone"]
            or user["name"]
            or "Unnamed User"
        )
        key_uri = totp.key_uri(
            secret, label, request.base_url.split("//")[-1].split("/")[0].split(":")[0]
        )
        # Logto answers a PNG data URL; the emulator has no image library, so it carries the URI.
        qr = "data:text/plain;base64," + base64.b64encode(key_uri.encode()).decode()
        user["_mfa"].append(
            {"id": generate_id(21), "type": "Totp", "secret": secret, "createdAt": _iso_now()}
        )
        _touch(user)
        return json_response({"type": "Totp", "secret": secret, "secretQrCode": qr})
    if kind == "BackupCode":
        if any(
            f["type"] == "BackupCode" and any(not c["usedAt"] for c in f["codes"])
            for f in user["_mfa"]
        ):
            raise HttpError(422, "user.backup_code_already_in_use")
        if not any(f["type"] != "BackupCode" for f in user["_mfa"]):
            raise HttpError(422, "session.mfa.backup_code_can_not_be_alone")
        # Logto's rule: exactly 10 codes of 10 hex digits, in either case.
        if codes is not None and (
            len(codes) != 10 or any(not re.fullmatch(r"[0-9a-fA-F]{10}", c) for c in codes)
        ):
            raise HttpError(422, "user.wrong_backup_code_format")
        codes = codes or [secrets.token_hex(5) for _ in range(10)]
        user["_mfa"] = [f for f in user["_mfa"] if f["type"] != "BackupCode"]
        user["_mfa"].append(
            {
                "id": generate_id(21),
                "type": "BackupCode",
                "codes": [{"code": c, "usedAt": None} for c in codes],
                "createdAt": _iso_now(),
            }
        )
        _touch(user)
        return json_response({"type": "BackupCode", "codes": codes})
    raise AssertionError(kind)  # the guard above lets no other type through


@route("DELETE", r"/api/users/([^/]+)/mfa-verifications/([^/]+)")
def delete_mfa(
    state: EmulatorState, request: Request, user_id: str, verification_id: str
) -> Response:
    user = _user(state, user_id)
    if not any(f["id"] == verification_id for f in user["_mfa"]):
        raise HttpError(404, "entity.not_found")
    user["_mfa"] = [f for f in user["_mfa"] if f["id"] != verification_id]
    _touch(user)
    return empty()
