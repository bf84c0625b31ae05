"""``/api/verification-codes``: send a code by email or SMS (to the outbox) and verify it."""

from __future__ import annotations

import secrets
import time
from typing import Any

from logto_emulator.http import HttpError, Request, Response, empty, invalid_input
from logto_emulator.management.common import EMAIL_RE, PHONE_RE
from logto_emulator.routes import route
from logto_emulator.state import CODE_LIFETIME_SECONDS, CODE_MAX_TRIES, EmulatorState


def _code_target(body: dict[str, Any]) -> tuple[str, str]:
    if isinstance(body.get("email"), str) and body["email"]:
        if not EMAIL_RE.match(body["email"]):
            raise invalid_input("email: Invalid")
        return "email", body["email"]
    if isinstance(body.get("phone"), str) and body["phone"]:
        if not PHONE_RE.match(body["phone"]):
            raise invalid_input("phone: Invalid")
        return "phone", body["phone"]
    raise invalid_input("email or phone: Required")


@route("POST", r"/api/verification-codes")
def send_code(state: EmulatorState, request: Request) -> Response:
    kind, value = _code_target(request.json_object())
    if ("email" if kind == "email" else "sms") not in state.connectors:
        # A tenant without an email (or SMS) connector cannot send: Logto's 501.
        raise HttpError(501, "connector.not_found", type="email" if kind == "email" else "sms")
    state.issue_code(kind, value)
    return empty()


@route("POST", r"/api/verification-codes/verify")
def verify_code(state: EmulatorState, request: Request) -> Response:
    body = request.json_object()
    kind, value = _code_target(body)
    typed = body.get("verificationCode")
    if not isinstance(typed, str) or not typed:
        raise invalid_input("verificationCode: Required")
    matching = [
        c for c in state.codes if c.target[0] == kind and c.target[1].lower() == value.lower()
    ]
    if not matching:
        raise HttpError(400, "verification_code.not_found")
    code = matching[-1]
    if time.time() - code.created_at > CODE_LIFETIME_SECONDS:
        raise HttpError(400, "verification_code.expired")
    if code.tries >= CODE_MAX_TRIES:
        raise HttpError(400, "verification_code.exceed_max_try")
    if not secrets.compare_digest(typed, code.code):
        code.tries += 1
        raise HttpError(400, "verification_code.code_mismatch")
    state.codes.remove(code)  # a code is consumed once verified
    return empty()
