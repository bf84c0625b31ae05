"""The Account API's door (``/api/my-account...``, ``/api/verifications...``), in Logto's order:
koa-router finds the route first (a path or method it lacks gets its plain 404 or 405 before any
check), then ``koaOidcAuth`` (the user's own opaque access token, and the
``logto-verification-id`` header), then ``koaAccountCenter`` (the tenant's switch), then the
route. What the routes share is here too: field controls, the first-party check, proof of
identity."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from logto_emulator.http import HttpError, Request, Response
from logto_emulator.oidc.access_tokens import find_user_access_token
from logto_emulator.routes import resolve
from logto_emulator.state import EmulatorState, now_ms

PREFIXES = ("/api/my-account", "/api/verifications")
VERIFICATION_HEADER = "logto-verification-id"
EDIT, READ_ONLY = "Edit", "ReadOnly"
# The records that prove who the user is (koa-oidc-auth.ts ``isUserPermissionVerificationRecord``).
USER_PERMISSION_VALIDATION = "UserPermissionValidation"


@dataclass(frozen=True)
class AccountAuth:
    """``ctx.auth`` and ``ctx.accountCenter`` of a Logto Account API route."""

    user_id: str
    client_id: str
    scopes: frozenset[str]
    session_uid: str | None
    identity_verified: bool
    fields: dict[str, str]

    def control(self, name: str) -> str | None:
        return self.fields.get(name)

    def passkey_control(self) -> str | None:
        # Logto's ``fields.passkey ?? fields.mfa``.
        value = self.fields.get("passkey")
        return value if value is not None else self.fields.get("mfa")


def serves(path: str) -> bool:
    return any(path == prefix or path.startswith(prefix + "/") for prefix in PREFIXES)


def dispatch(state: EmulatorState, request: Request) -> Response:
    handler, params, allowed = resolve(
        request.path, request.method, dev_features=state.dev_features
    )
    if handler is None:
        if allowed:
            return Response(
                405,
                b"Method Not Allowed",
                [("Content-Type", "text/plain; charset=utf-8"), ("Allow", ", ".join(allowed))],
            )
        return Response(404, b"Not Found", [("Content-Type", "text/plain; charset=utf-8")])
    with state.lock:
        auth = _authenticate(state, request)
        return handler(state, request, auth, *params)


def _authenticate(state: EmulatorState, request: Request) -> AccountAuth:
    header = request.headers.get("authorization")
    if not header:
        raise HttpError(401, "auth.authorization_header_missing")
    if not header.startswith("Bearer"):
        raise HttpError(
            401, "auth.authorization_token_type_not_supported", {"supportedTypes": ["Bearer"]}
        )
    token = find_user_access_token(state, header[len("Bearer ") :])
    if token is None:
        raise HttpError(401, "auth.unauthorized")
    if "openid" not in token.scopes:
        raise HttpError(403, "auth.forbidden")
    record_id = request.headers.get(VERIFICATION_HEADER)
    verified = record_id is not None and _proves_identity(state, record_id, token.account_id)
    settings = state.account_center
    if not settings["enabled"]:
        raise HttpError(400, "account_center.not_enabled")
    return AccountAuth(
        user_id=token.account_id,
        client_id=token.client_id,
        scopes=token.scopes,
        session_uid=token.session_uid,
        identity_verified=verified,
        fields=dict(settings["fields"]),
    )


def active_record(state: EmulatorState, record_id: str) -> dict[str, Any] | None:
    record = state.verification_records.get(record_id)
    if record is None or record["expiresAt"] <= now_ms():
        return None
    return record


def _proves_identity(state: EmulatorState, record_id: str, user_id: str) -> bool:
    record = active_record(state, record_id)
    if record is None or record.get("userId") != user_id or not record["verified"]:
        return False
    if record["type"] == "Password":
        return True
    return (
        record["type"] in ("EmailVerificationCode", "PhoneVerificationCode")
        and record.get("templateType") == USER_PERMISSION_VALIDATION
    )


def require_verified(auth: AccountAuth) -> None:
    if not auth.identity_verified:
        raise HttpError(401, "verification_record.permission_denied")


def require_scope(auth: AccountAuth, scope: str) -> None:
    # Logto answers a missing scope 400 or 401 depending on the route; both with this code.
    if scope not in auth.scopes:
        raise HttpError(401, "auth.unauthorized")


def require_scope_400(auth: AccountAuth, scope: str) -> None:
    """``assertThat(scopes.has(...), 'auth.unauthorized')``: the code's default status, 400."""
    if scope not in auth.scopes:
        raise HttpError(400, "auth.unauthorized")


def require_editable(control: str | None) -> None:
    if control != EDIT:
        raise HttpError(400, "account_center.field_not_editable")


def require_readable(control: str | None) -> None:
    if control not in (EDIT, READ_ONLY):
        raise HttpError(400, "account_center.field_not_enabled")


def require_first_party(state: EmulatorState, auth: AccountAuth) -> None:
    """``assertFirstPartyClient``: fails closed for a client it cannot find."""
    app = state.applications.get(auth.client_id)
    if app is None or app.is_third_party:
        raise HttpError(403, "auth.third_party_application_forbidden")


def has_security_verification_method(user: dict[str, Any]) -> bool:
    return bool(user["_password"] or user["primaryEmail"] or user["primaryPhone"])


def require_verified_if_needed(auth: AccountAuth, user: dict[str, Any]) -> None:
    """``assertIdentityVerifiedIfRequired``: a user with nothing to prove it with needs no proof."""
    if has_security_verification_method(user):
        require_verified(auth)


def expiry_ms(seconds: float) -> int:
    return int((time.time() + seconds) * 1000)


def iso(ms: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms / 1000)) + f".{ms % 1000:03d}Z"
