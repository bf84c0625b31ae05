"""``/api/verifications``: Logto's verification records (``routes/verification/index.ts``) made
with the user's own token: a password or a code proves who the user is, a code to a new address,
a social sign-in or a passkey (:mod:`.web_authn`) proves a new identifier. Each lives 600 s, may
be used again until then, and is kept in ``state.verification_records`` as Logto keeps its rows.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from logto_emulator import zod_issues
from logto_emulator.account.api import (
    USER_PERMISSION_VALIDATION,
    AccountAuth,
    active_record,
    expiry_ms,
    iso,
    require_first_party,
)
from logto_emulator.http import (
    ABSENT,
    HttpError,
    Request,
    Response,
    guard_error,
    json_response,
    with_query,
)
from logto_emulator.management.common import EMAIL_RE, PHONE_RE, _user
from logto_emulator.management.connectors import _connector_kind
from logto_emulator.routes import route
from logto_emulator.state import (
    CODE_LIFETIME_SECONDS,
    CODE_MAX_TRIES,
    VERIFICATION_RECORD_LIFETIME_SECONDS,
    EmulatorState,
    check_password,
    generate_id,
)

BIND_MFA = "BindMfa"
BIND_NEW_IDENTIFIER = "BindNewIdentifier"
_CODE_TYPES = {"email": "EmailVerificationCode", "phone": "PhoneVerificationCode"}


def new_record(
    state: EmulatorState, kind: str, user_id: str | None, **data: Any
) -> dict[str, Any]:
    """Insert a record (``insertVerificationRecord``); ``user_id`` is None for a new identifier."""
    record = {
        "id": generate_id(21),
        "type": kind,
        "userId": user_id,
        "verified": False,
        "expiresAt": expiry_ms(VERIFICATION_RECORD_LIFETIME_SECONDS),
        **data,
    }
    state.verification_records[record["id"]] = record
    return record


def record_of_type(state: EmulatorState, record_id: str, kind: str) -> dict[str, Any]:
    """``buildVerificationRecordByIdAndType``: an active record of ``kind``, whoever it is for."""
    record = active_record(state, record_id)
    if record is None or record["type"] != kind:
        raise HttpError(400, "verification_record.not_found")
    return record


def _created(record: dict[str, Any], **extra: Any) -> Response:
    return json_response(
        {"verificationRecordId": record["id"], **extra, "expiresAt": iso(record["expiresAt"])},
        status=201,
    )


def _guard(body: Any, keys: dict[str, Any]) -> dict[str, Any]:
    issues, _ = zod_issues.object_issues(body, keys)
    if issues:
        raise guard_error(*issues)
    return dict(body)


def _identifier(path: str, value: Any) -> tuple[list[dict[str, Any]], bool]:
    """``verificationCodeIdentifierGuard``: a discriminated union on ``type``."""
    if value is ABSENT or not isinstance(value, dict):
        return zod_issues.object_issues(value, {}, prefix=path)
    checks = {
        "email": zod_issues.string(max_length=256, pattern=EMAIL_RE),
        "phone": zod_issues.string(pattern=PHONE_RE),
    }
    check = checks.get(value.get("type")) if isinstance(value.get("type"), str) else None
    if check is None:
        return [zod_issues.invalid_discriminator(f"{path}.type", ["email", "phone"])], True
    return check(f"{path}.value", value.get("value", ABSENT))


def _template(path: str, value: Any) -> tuple[list[dict[str, Any]], bool]:
    if value is ABSENT or value in (BIND_MFA, USER_PERMISSION_VALIDATION):
        return [], False
    literal = [
        {
            "received": value,
            "code": "invalid_literal",
            "expected": expected,
            "path": [path],
            "message": f'Invalid literal value, expected "{expected}"',
        }
        for expected in (BIND_MFA, USER_PERMISSION_VALIDATION)
    ]
    return [zod_issues.invalid_union(path, [[issue] for issue in literal])], False


@route("POST", r"/api/verifications/password")
def verify_password(state: EmulatorState, request: Request, auth: AccountAuth) -> Response:
    body = _guard(request.json(), {"password": zod_issues.string(min_length=1)})
    require_first_party(state, auth)
    user = _user(state, auth.user_id)
    if not check_password(body["password"], user["_password"]):
        raise HttpError(422, "session.invalid_credentials")
    if user["isSuspended"]:
        raise HttpError(401, "user.suspended")
    record = new_record(
        state,
        "Password",
        auth.user_id,
        identifier={"type": "userId", "value": auth.user_id},
        verified=True,
    )
    return _created(record)


@route("POST", r"/api/verifications/verification-code")
def send_code(state: EmulatorState, request: Request, auth: AccountAuth) -> Response:
    body = _guard(request.json(), {"identifier": _identifier, "templateType": _template})
    require_first_party(state, auth)
    identifier = {"type": body["identifier"]["type"], "value": body["identifier"]["value"]}
    user = _user(state, auth.user_id)
    own = user["primaryEmail"] if identifier["type"] == "email" else user["primaryPhone"]
    is_new = identifier["value"] != own
    template = (
        BIND_NEW_IDENTIFIER if is_new else body.get("templateType", USER_PERMISSION_VALIDATION)
    )
    connector = "email" if identifier["type"] == "email" else "sms"
    if connector not in state.connectors:
        raise HttpError(501, "connector.not_found", type=connector)
    code = f"{secrets.randbelow(10**6):06d}"
    state.deliver_code(identifier["type"], identifier["value"], code)
    record = new_record(
        state,
        _CODE_TYPES[identifier["type"]],
        None if is_new else auth.user_id,
        identifier=identifier,
        templateType=template,
        _code={"code": code, "createdAt": time.time(), "tries": 0},
    )
    return _created(record)


@route("POST", r"/api/verifications/verification-code/verify")
def verify_code(state: EmulatorState, request: Request, auth: AccountAuth) -> Response:
    body = _guard(
        request.json(),
        {
            "identifier": _identifier,
            "verificationId": zod_issues.string(),
            "code": zod_issues.string(),
        },
    )
    require_first_party(state, auth)
    identifier = body["identifier"]
    record = record_of_type(state, body["verificationId"], _CODE_TYPES[identifier["type"]])
    # Logto's passcode library, in its order.
    sent = record.get("_code")
    if not body["code"] or sent is None:
        raise HttpError(400, "verification_code.not_found")
    if identifier["value"] != record["identifier"]["value"]:
        raise HttpError(400, f"verification_code.{identifier['type']}_mismatch")
    if time.time() - sent["createdAt"] > CODE_LIFETIME_SECONDS:
        raise HttpError(400, "verification_code.expired")
    if sent["tries"] >= CODE_MAX_TRIES:
        raise HttpError(400, "verification_code.exceed_max_try")
    if not secrets.compare_digest(body["code"], sent["code"]):
        sent["tries"] += 1
        raise HttpError(400, "verification_code.code_mismatch")
    record["_code"] = None  # a code is consumed once verified
    record["verified"] = True
    return json_response({"verificationRecordId": record["id"]})


@route("POST", r"/api/verifications/social")
def start_social(state: EmulatorState, request: Request, auth: AccountAuth) -> Response:
    body = _guard(
        request.json(),
        {
            "state": zod_issues.string(),
            "redirectUri": zod_issues.string(),
            "scope": zod_issues.optional(zod_issues.string()),
            "connectorId": zod_issues.string(),
        },
    )
    try:
        kind = _connector_kind(state, body["connectorId"])
    except HttpError:
        # The experience's SocialVerification looks the connector up by its own error.
        raise HttpError(
            422, "session.invalid_connector_id", connectorId=body["connectorId"]
        ) from None
    if kind != "social":
        raise HttpError(400, "connector.unexpected_type")
    state.social_redirect_uris.add(body["redirectUri"])
    uri = with_query(
        f"{request.base_url}/mock-social/authorize",
        {"state": body["state"], "redirect_uri": body["redirectUri"], "scope": "email profile"},
    )
    record = new_record(state, "Social", None, connectorId=body["connectorId"])
    return _created(record, authorizationUri=uri)


@route("POST", r"/api/verifications/social/verify")
def verify_social(state: EmulatorState, request: Request, auth: AccountAuth) -> Response:
    body = _guard(
        request.json(),
        {"connectorData": _json_object, "verificationRecordId": zod_issues.string()},
    )
    record = record_of_type(state, body["verificationRecordId"], "Social")
    data = body["connectorData"]
    if not isinstance(data.get("code"), str):
        # The mock connector's own guard, as on the Management API's link.
        raise HttpError(400, "connector.invalid_response", {"message": "code: Required"})
    issued = state.social_codes.pop(data["code"], {})
    social_id = (
        data.get("userId") or issued.get("userId") or f"mock-social-sub-{secrets.token_hex(8)}"
    )
    details = {
        "id": social_id,
        **{
            k: data[k] for k in ("email", "phone", "name", "avatar") if isinstance(data.get(k), str)
        },
        "rawData": data,
    }
    record["socialIdentity"] = {"target": "mock-social", "userInfo": details}
    record["verified"] = True
    return json_response({"verificationRecordId": record["id"]})


def _json_object(path: str, value: Any) -> tuple[list[dict[str, Any]], bool]:
    if isinstance(value, dict):
        return [], False
    return zod_issues.object_issues(value, {}, prefix=path)
