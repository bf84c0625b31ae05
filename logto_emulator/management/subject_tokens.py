"""``POST /api/subject-tokens`` (``routes/subject-token.ts``): a subject token for a user, good
for one token exchange at ``/oidc/token`` within 600 seconds (``oidc/token.py``)."""

from __future__ import annotations

import time

from logto_emulator import zod_issues
from logto_emulator.http import HttpError, Request, Response, guard_error, json_response
from logto_emulator.http import type_issue, zod_type
from logto_emulator.routes import route
from logto_emulator.state import SUBJECT_TOKEN_LIFETIME_SECONDS, EmulatorState, generate_id


def _optional_object(path: str, value: object) -> tuple[list[dict[str, object]], bool]:
    if zod_type(value) in ("undefined", "object"):
        return [], False
    return [type_issue(path, "object", value)], True


@route("POST", r"/api/subject-tokens")
def create_subject_token(state: EmulatorState, request: Request) -> Response:
    body = request.json_object()
    issues, _ = zod_issues.object_issues(
        body, {"userId": zod_issues.string(), "context": _optional_object}
    )
    if issues:
        raise guard_error(*issues)
    if body["userId"] not in state.users:
        # The row's foreign key to users fails.
        raise HttpError(404, "entity.relation_foreign_key_not_found")
    token = f"sub_{generate_id(21)}"
    state.subject_tokens[token] = {
        "userId": body["userId"],
        "context": body.get("context") or {},
        "expiresAt": time.time() + SUBJECT_TOKEN_LIFETIME_SECONDS,
        "consumedAt": None,
    }
    return json_response(
        {"subjectToken": token, "expiresIn": SUBJECT_TOKEN_LIFETIME_SECONDS}, status=201
    )
