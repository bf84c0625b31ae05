"""``/api/my-account/primary-email`` and ``/primary-phone`` (``routes/account/email-and-phone.ts``):
set one proven by a code record sent to it, or remove it while another way to sign in stays."""

from __future__ import annotations

from logto_emulator import zod_issues
from logto_emulator.account.api import (
    AccountAuth,
    require_editable,
    require_first_party,
    require_scope_400,
    require_verified,
)
from logto_emulator.account.profile import _require_remaining_identifier
from logto_emulator.account.verifications import record_of_type
from logto_emulator.http import HttpError, Request, Response, empty, guard_error
from logto_emulator.management.common import EMAIL_RE, PHONE_RE, _touch, _user
from logto_emulator.routes import route
from logto_emulator.state import EmulatorState

# kind -> (body key, user key, field, scope, record type, "already in use" code, guard pattern)
_KINDS = {
    "email": (
        "email",
        "primaryEmail",
        "email",
        "email",
        "EmailVerificationCode",
        "user.email_already_in_use",
        EMAIL_RE,
    ),
    "phone": (
        "phone",
        "primaryPhone",
        "phone",
        "phone",
        "PhoneVerificationCode",
        "user.phone_already_in_use",
        PHONE_RE,
    ),
}


def _set(state: EmulatorState, request: Request, auth: AccountAuth, kind: str) -> Response:
    key, user_key, field, scope, record_type, in_use, pattern = _KINDS[kind]
    body = request.json()
    issues, _ = zod_issues.object_issues(
        body,
        {
            key: zod_issues.string(pattern=pattern),
            "newIdentifierVerificationRecordId": zod_issues.string(),
        },
    )
    if issues:
        raise guard_error(*issues)
    require_verified(auth)
    require_editable(auth.control(field))
    require_scope_400(auth, scope)
    require_first_party(state, auth)
    record = record_of_type(state, body["newIdentifierVerificationRecordId"], record_type)
    if not record["verified"] or record["identifier"]["value"] != body[key]:
        raise HttpError(400, "verification_record.not_found")
    user = _user(state, auth.user_id)
    if state.find_user_by(user_key, body[key], exclude=user["id"]):
        raise HttpError(422, in_use)
    user[user_key] = body[key]
    _touch(user)
    return empty()


def _remove(state: EmulatorState, auth: AccountAuth, kind: str) -> Response:
    _, user_key, field, scope, *_ = _KINDS[kind]
    require_verified(auth)
    require_editable(auth.control(field))
    require_scope_400(auth, scope)
    require_first_party(state, auth)
    user = _user(state, auth.user_id)
    _require_remaining_identifier(user, user_key)
    user[user_key] = None
    _touch(user)
    return empty()


@route("POST", r"/api/my-account/primary-email")
def set_email(state: EmulatorState, request: Request, auth: AccountAuth) -> Response:
    return _set(state, request, auth, "email")


@route("DELETE", r"/api/my-account/primary-email")
def remove_email(state: EmulatorState, request: Request, auth: AccountAuth) -> Response:
    return _remove(state, auth, "email")


@route("POST", r"/api/my-account/primary-phone")
def set_phone(state: EmulatorState, request: Request, auth: AccountAuth) -> Response:
    return _set(state, request, auth, "phone")


@route("DELETE", r"/api/my-account/primary-phone")
def remove_phone(state: EmulatorState, request: Request, auth: AccountAuth) -> Response:
    return _remove(state, auth, "phone")
