"""``/api/verifications/web-authn/registration`` (and ``/verify``): a new passkey's creation
options, then the browser's attestation checked (``web-authn-verification.ts``).

As in Logto: the relying party is the host name the request reached (an IP address is one too,
though no browser accepts it); the expected origins are the request's ``Origin`` header (Logto on
Koa 3 reads ``ctx.origin`` from it: none when a server relays the call) and the tenant's
``webauthnRelatedOrigins``; user verification is required. The attestation is checked by
py_webauthn (the emulator's optional ``webauthn`` dependency), which, unlike Logto's
@simplewebauthn 10 call, also checks the relying party's hash.
"""

from __future__ import annotations

import base64
import json
import secrets
from typing import Any

from logto_emulator import zod_issues
from logto_emulator.account.api import AccountAuth, iso, require_first_party
from logto_emulator.account.verifications import new_record, record_of_type
from logto_emulator.http import ABSENT, HttpError, Request, Response, guard_error, json_response
from logto_emulator.management.common import _user
from logto_emulator.routes import route
from logto_emulator.state import EmulatorState

try:
    import webauthn
    from webauthn.helpers.exceptions import InvalidRegistrationResponse
except ImportError:  # the emulator without its optional extra: no passkey can be verified
    webauthn = None
    InvalidRegistrationResponse = ValueError  # type: ignore[misc,assignment]

MISSING_LIBRARY = (
    "The Logto emulator verifies passkeys with py_webauthn: "
    "pip install 'django-logto-account-center[emulator]'."
)
TIMEOUT_MS = 60000  # webAuthnAuthenticationOptionsTimeout


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _display_name(user: dict[str, Any], *, with_name: bool) -> str:
    # @logto/shared getUserDisplayName: name ?? primaryEmail ?? phone ?? username.
    candidates = [user["name"]] if with_name else []
    candidates += [user["primaryEmail"], user["primaryPhone"], user["username"]]
    return next((value for value in candidates if value is not None), "Unnamed User")


@route("POST", r"/api/verifications/web-authn/registration")
def start_registration(state: EmulatorState, request: Request, auth: AccountAuth) -> Response:
    require_first_party(state, auth)
    user = _user(state, auth.user_id)
    rp_id = request.headers.get("host", "").rsplit(":", 1)[0].strip("[]") or "localhost"
    challenge = _b64url(secrets.token_bytes(32))
    options = {
        "challenge": challenge,
        "rp": {"name": rp_id, "id": rp_id},
        "user": {
            "id": _b64url(user["id"].encode()),
            "name": _display_name(user, with_name=False),
            "displayName": _display_name(user, with_name=True),
        },
        "pubKeyCredParams": [
            {"alg": -7, "type": "public-key"},
            {"alg": -257, "type": "public-key"},
        ],
        "timeout": TIMEOUT_MS,
        "attestation": "none",
        "excludeCredentials": [
            {"id": f["credentialId"], "type": "public-key", "transports": f["transports"]}
            for f in user["_mfa"]
            if f["type"] == "WebAuthn"
        ],
        "authenticatorSelection": {
            "residentKey": "required",
            "userVerification": "required",
            "requireResidentKey": True,
        },
        "extensions": {"credProps": True},
    }
    record = new_record(
        state,
        "WebAuthn",
        auth.user_id,
        registrationChallenge=challenge,
        registrationRpId=rp_id,
    )
    return json_response(
        {
            "verificationRecordId": record["id"],
            "registrationOptions": options,
            "expiresAt": iso(record["expiresAt"]),
        }
    )


def _payload(path: str, value: Any) -> tuple[list[dict[str, Any]], bool]:
    """``bindWebAuthnPayloadGuard``, for the keys a browser's credential carries."""
    if not isinstance(value, dict):
        return zod_issues.object_issues(value, {}, prefix=path)
    issues: list[dict[str, Any]] = []
    fatal = False
    kind = value.get("type", ABSENT)
    if kind != "WebAuthn":
        issues.append(
            {
                "received": None if kind is ABSENT else kind,
                "code": "invalid_literal",
                "expected": "WebAuthn",
                "path": [path, "type"],
                "message": 'Invalid literal value, expected "WebAuthn"',
            }
        )
        if kind is ABSENT:
            del issues[-1]["received"]
        fatal = True
    string = zod_issues.string()
    optional_string = zod_issues.optional(string)
    for keys in (
        {"id": string, "rawId": string},
        {
            "response": lambda p, v: zod_issues.object_issues(
                v,
                {
                    "clientDataJSON": string,
                    "attestationObject": string,
                    "authenticatorData": optional_string,
                    "publicKey": optional_string,
                },
                prefix=p,
            )
        },
        {"clientExtensionResults": lambda p, v: zod_issues.object_issues(v, {}, prefix=p)},
    ):
        found, aborted = zod_issues.object_issues(value, keys, prefix=path)
        issues.extend(found)
        fatal = fatal or aborted
    return issues, fatal


def _failed(message: str) -> HttpError:
    return HttpError(400, "session.mfa.webauthn_verification_failed", {"message": message})


@route("POST", r"/api/verifications/web-authn/registration/verify")
def verify_registration(state: EmulatorState, request: Request, auth: AccountAuth) -> Response:
    body = request.json()
    issues, _ = zod_issues.object_issues(
        body, {"verificationRecordId": zod_issues.string(), "payload": _payload}
    )
    if issues:
        raise guard_error(*issues)
    require_first_party(state, auth)
    record = record_of_type(state, body["verificationRecordId"], "WebAuthn")
    challenge, rp_id = record.get("registrationChallenge"), record.get("registrationRpId")
    if not challenge or not rp_id:
        raise HttpError(400, "session.mfa.pending_info_not_found")
    payload = body["payload"]
    # @simplewebauthn/server's own checks and words, as Logto passes them on in data.message.
    try:
        client_data = json.loads(_b64url_decode(payload["response"]["clientDataJSON"]))
    except ValueError as error:
        raise _failed(str(error)) from error
    if client_data.get("type") != "webauthn.create":
        raise _failed(f"Unexpected registration response type: {client_data.get('type')}")
    if client_data.get("challenge") != challenge:
        raise _failed(
            f'Unexpected registration response challenge "{client_data.get("challenge")}", '
            f'expected "{challenge}"'
        )
    # [ctx.origin, ...webauthnRelatedOrigins]: JavaScript joins a null origin as "".
    related = state.account_center["webauthnRelatedOrigins"]
    expected = [request.headers.get("origin") or "", *related]
    origin = client_data.get("origin")
    if not origin or origin not in expected:
        raise _failed(
            f'Unexpected registration response origin "{origin}", '
            f"expected one of: {', '.join(expected)}"
        )
    if webauthn is None:
        raise _failed(MISSING_LIBRARY)
    try:
        verified = webauthn.verify_registration_response(
            credential={**payload, "type": "public-key"},
            expected_challenge=_b64url_decode(challenge),
            expected_rp_id=rp_id,
            expected_origin=origin,
            require_user_verification=True,
        )
    except (InvalidRegistrationResponse, ValueError, KeyError, TypeError) as error:
        raise _failed(str(error)) from error
    record["verified"] = True
    record["registrationInfo"] = {
        "type": "WebAuthn",
        "rpId": rp_id,
        "credentialId": _b64url(verified.credential_id),
        "publicKey": _b64url(verified.credential_public_key),
        "counter": verified.sign_count,
        "agent": request.headers.get("user-agent", ""),
        "transports": list(payload["response"].get("transports") or []),
    }
    return json_response({"verificationRecordId": record["id"]})
