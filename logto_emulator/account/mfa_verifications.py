"""``/api/my-account/mfa-verifications`` and ``/mfa-settings`` (``routes/account/
mfa-verifications.ts``, ``index.ts``): the user's own second factors and passkeys. Unlike the
Management API, Logto checks here the fields, the ``identities`` scope, proof of identity, a
TOTP code, and that the sign-in experience offers the factor."""

from __future__ import annotations

import base64
import re
import secrets
from typing import Any

from logto_emulator import totp, zod_issues
from logto_emulator.account.api import (
    AccountAuth,
    require_editable,
    require_first_party,
    require_readable,
    require_scope,
    require_verified,
)
from logto_emulator.account.verifications import record_of_type
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
from logto_emulator.management.common import _iso_now, _touch, _user
from logto_emulator.management.mfa import mfa_list_json, valid_totp_secret
from logto_emulator.management.sign_in_experience import current, webauthn_enabled
from logto_emulator.routes import route
from logto_emulator.state import EmulatorState, generate_id

_FACTORS = r"/api/my-account/mfa-verifications"
_TYPES = ["WebAuthn", "Totp", "BackupCode"]


def _enable_mfa(user: dict[str, Any]) -> None:
    # buildUpdatedUserLogtoConfig(user, {mfa: {enabled: true}})
    user["logtoConfig"].setdefault("mfa", {})["enabled"] = True


@route("GET", _FACTORS)
def list_factors(state: EmulatorState, request: Request, auth: AccountAuth) -> Response:
    require_readable(auth.control("mfa"))
    require_scope(auth, "identities")
    return json_response(mfa_list_json(_user(state, auth.user_id)))


def _string_array(path: str, value: Any) -> tuple[list[dict[str, Any]], bool]:
    if zod_type(value) != "array":
        return [type_issue(path, "array", value)], True
    issues = [
        type_issue(f"{path}.{index}", "string", item)
        for index, item in enumerate(value)
        if not isinstance(item, str)
    ]
    return issues, bool(issues)


def _guard_new_factor(body: Any) -> dict[str, Any]:
    if zod_type(body) != "object":
        raise guard_error({**type_issue("body", "object", body), "path": []})
    keys: dict[str, Any] = {
        "WebAuthn": {
            "newIdentifierVerificationRecordId": zod_issues.string(),
            "name": zod_issues.optional(zod_issues.string()),
        },
        "Totp": {"secret": zod_issues.string(), "code": zod_issues.optional(zod_issues.string())},
        "BackupCode": {"codes": _string_array},
    }.get(body.get("type", ABSENT) if isinstance(body.get("type"), str) else "")
    if keys is None:
        raise guard_error(zod_issues.invalid_discriminator("type", _TYPES))
    issues, _ = zod_issues.object_issues(body, keys)
    if issues:
        raise guard_error(*issues)
    return dict(body)


@route("POST", _FACTORS)
def add_factor(state: EmulatorState, request: Request, auth: AccountAuth) -> Response:
    body = _guard_new_factor(request.json())
    require_verified(auth)
    kind = body["type"]
    require_editable(auth.passkey_control() if kind == "WebAuthn" else auth.control("mfa"))
    require_scope(auth, "identities")
    require_first_party(state, auth)
    user = _user(state, auth.user_id)
    factors = current(state)["mfa"]["factors"]
    enabled = webauthn_enabled(state) if kind == "WebAuthn" else kind in factors
    if not enabled:
        raise HttpError(400, "session.mfa.mfa_factor_not_enabled")
    if kind == "Totp":
        if any(f["type"] == "Totp" for f in user["_mfa"]):
            raise HttpError(422, "user.totp_already_in_use")
        if not valid_totp_secret(body["secret"]):
            raise HttpError(400, "user.totp_secret_invalid")
        if body.get("code") and not totp.verify(body["secret"], body["code"]):
            raise HttpError(400, "session.mfa.invalid_totp_code")
        factor = {"id": generate_id(21), "type": "Totp", "secret": body["secret"]}
        user["_mfa"].append({**factor, "createdAt": _iso_now()})
        _enable_mfa(user)
    elif kind == "BackupCode":
        if any(
            f["type"] == "BackupCode" and any(not c["usedAt"] for c in f["codes"])
            for f in user["_mfa"]
        ):
            raise HttpError(422, "user.backup_code_already_in_use")
        if not any(f["type"] != "BackupCode" for f in user["_mfa"]):
            raise HttpError(422, "session.mfa.backup_code_can_not_be_alone")
        codes = body["codes"]
        if len(codes) != 10 or any(not re.fullmatch(r"[0-9a-fA-F]{10}", c) for c in codes):
            raise HttpError(422, "user.wrong_backup_code_format")
        user["_mfa"].append(
            {
                "id": generate_id(21),
                "type": "BackupCode",
                "codes": [{"code": c, "usedAt": None} for c in codes],
                "createdAt": _iso_now(),
            }
        )
        _enable_mfa(user)
    else:
        # Logto loads the record by id alone: not checked to be this user's (ACCOUNT-API.md).
        record = record_of_type(state, body["newIdentifierVerificationRecordId"], "WebAuthn")
        if not record["verified"]:
            raise HttpError(400, "verification_record.not_found")
        passkey = {
            **record["registrationInfo"],
            "id": generate_id(21),
            "createdAt": _iso_now(),
        }
        if "name" in body:
            passkey["name"] = body["name"]
        user["_mfa"].append(passkey)
        if "WebAuthn" in factors:
            _enable_mfa(user)
    _touch(user)
    return empty()


@route("PUT", _FACTORS + r"/totp")
def replace_totp(state: EmulatorState, request: Request, auth: AccountAuth) -> Response:
    body = request.json()
    issues, _ = zod_issues.object_issues(
        body, {"secret": zod_issues.string(), "code": zod_issues.string()}
    )
    if issues:
        raise guard_error(*issues)
    require_verified(auth)
    require_editable(auth.control("mfa"))
    require_scope(auth, "identities")
    require_first_party(state, auth)
    if "Totp" not in current(state)["mfa"]["factors"]:
        raise HttpError(400, "session.mfa.mfa_factor_not_enabled")
    user = _user(state, auth.user_id)
    if not valid_totp_secret(body["secret"]):
        raise HttpError(400, "user.totp_secret_invalid")
    if not totp.verify(body["secret"], body["code"]):
        raise HttpError(400, "session.mfa.invalid_totp_code")
    factor = {
        "id": generate_id(21),
        "type": "Totp",
        "secret": body["secret"],
        "createdAt": _iso_now(),
    }
    others = [f for f in user["_mfa"] if f["type"] != "Totp"]
    user["_mfa"] = others + [factor]
    _enable_mfa(user)
    _touch(user)
    return empty()


@route("POST", _FACTORS + r"/totp-secret/generate")
def generate_totp_secret(state: EmulatorState, request: Request, auth: AccountAuth) -> Response:
    # otplib's authenticator.generateSecret(20): 20 random bytes in base32.
    return json_response({"secret": base64.b32encode(secrets.token_bytes(20)).decode()})


@route("POST", _FACTORS + r"/backup-codes/generate")
def generate_backup_codes(state: EmulatorState, request: Request, auth: AccountAuth) -> Response:
    return json_response({"codes": [secrets.token_hex(5) for _ in range(10)]})


@route("GET", _FACTORS + r"/backup-codes")
def get_backup_codes(state: EmulatorState, request: Request, auth: AccountAuth) -> Response:
    require_verified(auth)
    require_scope(auth, "identities")
    user = _user(state, auth.user_id)
    factor = next((f for f in user["_mfa"] if f["type"] == "BackupCode"), None)
    if factor is None:
        raise HttpError(404, "verification_record.not_found")
    return json_response(
        {"codes": [{"code": c["code"], "usedAt": c["usedAt"]} for c in factor["codes"]]}
    )


@route("PATCH", _FACTORS + r"/([^/]+)/name")
def rename_passkey(
    state: EmulatorState, request: Request, auth: AccountAuth, factor_id: str
) -> Response:
    body = request.json()
    issues, _ = zod_issues.object_issues(body, {"name": zod_issues.string()})
    if issues:
        raise guard_error(*issues)
    require_verified(auth)
    require_editable(auth.passkey_control())
    require_scope(auth, "identities")
    require_first_party(state, auth)
    user = _user(state, auth.user_id)
    factor = next(
        (f for f in user["_mfa"] if f["id"] == factor_id and f["type"] == "WebAuthn"), None
    )
    if factor is None:
        raise HttpError(400, "verification_record.not_found")
    factor["name"] = body["name"]
    _touch(user)
    # Koa's answer to a 200 without a body: its status message as text.
    return Response(200, b"OK", [("Content-Type", "text/plain; charset=utf-8")])


@route("DELETE", _FACTORS + r"/([^/]+)")
def delete_factor(
    state: EmulatorState, request: Request, auth: AccountAuth, factor_id: str
) -> Response:
    require_verified(auth)
    require_scope(auth, "identities")
    require_first_party(state, auth)
    user = _user(state, auth.user_id)
    factor = next((f for f in user["_mfa"] if f["id"] == factor_id), None)
    if factor is None:
        raise HttpError(400, "verification_record.not_found")
    require_editable(
        auth.passkey_control() if factor["type"] == "WebAuthn" else auth.control("mfa")
    )
    user["_mfa"] = [f for f in user["_mfa"] if f["id"] != factor_id]
    _touch(user)
    return empty()


@route("GET", r"/api/my-account/mfa-settings")
def get_mfa_settings(state: EmulatorState, request: Request, auth: AccountAuth) -> Response:
    require_scope(auth, "identities")
    require_readable(auth.control("mfa"))
    user = _user(state, auth.user_id)
    skip = user["logtoConfig"].get("mfa", {}).get("skipMfaOnSignIn", False)
    return json_response({"skipMfaOnSignIn": bool(skip)})


@route("PATCH", r"/api/my-account/mfa-settings")
def update_mfa_settings(state: EmulatorState, request: Request, auth: AccountAuth) -> Response:
    body = request.json()
    if zod_type(body) != "object" or not isinstance(body.get("skipMfaOnSignIn"), bool):
        value = body.get("skipMfaOnSignIn", ABSENT) if isinstance(body, dict) else body
        raise guard_error(type_issue("skipMfaOnSignIn", "boolean", value))
    require_verified(auth)
    require_scope(auth, "identities")
    require_first_party(state, auth)
    require_editable(auth.control("mfa"))
    user = _user(state, auth.user_id)
    user["logtoConfig"].setdefault("mfa", {})["skipMfaOnSignIn"] = body["skipMfaOnSignIn"]
    _touch(user)
    return json_response({"skipMfaOnSignIn": body["skipMfaOnSignIn"]})
