"""``GET /api/sign-in-exp``: the tenant's sign-in experience, as a fresh real Logto (1.43
candidate) answers it once set to sign in and sign up by username and password; ``PATCH`` changes
the parts the Account API reads (``mfa``, ``passkeySignIn``)."""

from __future__ import annotations

import copy
from typing import Any

from logto_emulator.http import Request, Response, check_type, invalid_input, json_response
from logto_emulator.management.common import TENANT_ID
from logto_emulator.routes import route
from logto_emulator.state import EmulatorState

DEFAULT: dict[str, Any] = {
    "tenantId": TENANT_ID,
    "id": "default",
    "color": {"primaryColor": "#6139F6", "isDarkModeEnabled": False, "darkPrimaryColor": "#8768F8"},
    "branding": {
        "logoUrl": "https://logto.io/logo.svg",
        "darkLogoUrl": "https://logto.io/logo-dark.svg",
    },
    "hideLogtoBranding": False,
    "languageInfo": {"autoDetect": True, "fallbackLanguage": "en"},
    "termsOfUseUrl": None,
    "privacyPolicyUrl": None,
    "agreeToTermsPolicy": "Automatic",
    "signIn": {
        "methods": [
            {
                "identifier": "username",
                "password": True,
                "verificationCode": False,
                "isPasswordPrimary": True,
            }
        ]
    },
    "signUp": {"identifiers": ["username"], "password": True, "verify": False},
    "socialSignIn": {},
    "socialSignInConnectorTargets": [],
    "signInMode": "SignInAndRegister",
    "customCss": None,
    "customContent": {},
    "customUiAssets": None,
    "customUiCsp": {},
    "passwordPolicy": {
        "length": {"min": 8, "max": 256},
        "characterTypes": {"min": 1},
        "rejects": {"pwned": False, "repetitionAndSequence": True, "userInfo": True, "words": []},
    },
    "mfa": {"factors": [], "policy": "UserControlled"},
    "adaptiveMfa": {},
    "singleSignOnEnabled": False,
    "supportEmail": None,
    "supportWebsiteUrl": None,
    "unknownSessionRedirectUrl": None,
    "captchaPolicy": {},
    "sentinelPolicy": {},
    "emailBlocklistPolicy": {},
    "verificationCodePolicy": {},
    "forgotPasswordMethods": [],
    "passkeySignIn": {},
    "signUpProfileFields": None,
    "passwordExpiration": {},
    "usernamePolicy": {
        "caseSensitive": True,
        "minLength": 1,
        "maxLength": 128,
        "allowedChars": {"lowercase": True, "uppercase": True, "numbers": True, "underscore": True},
    },
}


# What PATCH changes here, each replaced whole (as Logto stores these jsonb columns).
PATCHABLE = ("mfa", "passkeySignIn")


def current(state: EmulatorState) -> dict[str, Any]:
    """The tenant's sign-in experience now."""
    return {**copy.deepcopy(DEFAULT), **copy.deepcopy(state.sign_in_experience_changes)}


@route("GET", r"/api/sign-in-exp")
def get_sign_in_experience(state: EmulatorState, request: Request) -> Response:
    return json_response(current(state))


@route("PATCH", r"/api/sign-in-exp")
def update_sign_in_experience(state: EmulatorState, request: Request) -> Response:
    body = request.json_object()
    for key in PATCHABLE:
        if key in body:
            check_type(body, key, "object")
    unknown = sorted(set(body) - set(PATCHABLE))
    if unknown:
        # The emulator keeps the rest of the recorded tenant's settings as they are.
        raise invalid_input(f"{unknown[0]}: not changeable in the Logto emulator")
    if "mfa" in body:
        mfa = body["mfa"]
        factors = mfa.get("factors", [])
        if not isinstance(factors, list) or not all(isinstance(f, str) for f in factors):
            raise invalid_input("mfa.factors: Expected array")
        body["mfa"] = {"factors": factors, "policy": mfa.get("policy", "UserControlled")}
    state.sign_in_experience_changes.update({key: body[key] for key in PATCHABLE if key in body})
    return json_response(current(state))


def webauthn_enabled(state: EmulatorState) -> bool:
    """Whether a passkey may be bound: WebAuthn among the MFA factors, or passkey sign-in on."""
    experience = current(state)
    return "WebAuthn" in experience["mfa"]["factors"] or bool(
        experience["passkeySignIn"].get("enabled")
    )
