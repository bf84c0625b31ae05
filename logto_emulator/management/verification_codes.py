"""``/api/verification-codes``: send a code by email or SMS (to the outbox) and verify it."""

from __future__ import annotations

import secrets
import time
from typing import Any

from logto_emulator import zod_issues
from logto_emulator.http import HttpError, Request, Response, empty, guard_error
from logto_emulator.management.common import EMAIL_RE, PHONE_RE
from logto_emulator.routes import route
from logto_emulator.state import CODE_LIFETIME_SECONDS, CODE_MAX_TRIES, EmulatorState


_EMAIL = zod_issues.string(pattern=EMAIL_RE)
_PHONE = zod_issues.string(pattern=PHONE_RE)
_CODE = zod_issues.string(min_length=1)


def _code_target(body: Any, *, with_code: bool = False) -> tuple[str, str]:
    """The recipient of Logto's ``z.union([{email}, {phone}])`` (each with ``verificationCode``
    when ``with_code``), or its guard error."""
    branches = []
    for kind, check in (("email", _EMAIL), ("phone", _PHONE)):
        keys = {kind: check, **({"verificationCode": _CODE} if with_code else {})}
        branches.append(zod_issues.object_issues(body, keys))
        if not branches[-1][0]:
            return kind, body[kind]
    raise guard_error(*zod_issues.union_issues(branches))


@route("POST", r"/api/verification-codes")
def send_code(state: EmulatorState, request: Request) -> Response:
    kind, value = _code_target(request.json())
    if ("email" if kind == "email" else "sms") not in state.connectors:
        # A tenant without an email (or SMS) connector cannot send: Logto's 501.
        raise HttpError(501, "connector.not_found", type="email" if kind == "email" else "sms")
    state.issue_code(kind, value)
    return empty()


@route("POST", r"/api/verification-codes/verify")
def verify_code(state: EmulatorState, request: Request) -> Response:
    body = request.json()
    kind, value = _code_target(body, with_code=True)
    typed = body["verificationCode"]
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
