"""``GET /api/sign-in-exp``: the tenant's sign-in experience, as a fresh real Logto (1.43
candidate) answers it once set to sign in and sign up by username and password; ``PATCH`` changes
the parts the Account API and the sign-in page read (``mfa``, ``passkeySignIn``,
``socialSignInConnectorTargets``, and ``trustedDevice`` with the development features on). And
its anonymous copy for the sign-in page, ``GET /api/.well-known/sign-in-exp``
(``libraries/sign-in-experience/index.ts``, ``getFullSignInExperience``).

``trustedDevice`` (the remembered-devices policy; ``{}`` as Logto's column default, which Logto
reads as off) is in both answers only while the state plays a build with Logto's development
features on, as Logto's response guards omit it otherwise.
"""

from __future__ import annotations

import copy
from typing import Any

from logto_emulator.connectors import connector_json
from logto_emulator.http import (
    Request,
    Response,
    check_type,
    guard_error,
    invalid_input,
    json_response,
    type_issue,
)
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
    "trustedDevice": {},
}


# What PATCH changes here, each replaced whole (as Logto stores these jsonb columns).
PATCHABLE = ("mfa", "passkeySignIn", "socialSignInConnectorTargets", "trustedDevice")
# Only the development features' guards have it; a production build's zod guards drop it.
DEV_ONLY = ("trustedDevice",)
# Left out of the sign-in page's copy (``fullSignInExperienceGuard``).
NOT_PUBLIC = ("emailBlocklistPolicy", "forgotPasswordMethods", "trustedDevice")
# A connector's metadata as the sign-in page gets it (``connectorMetadataGuard`` less its
# description, readme, config template, form items and custom data), in the guard's order.
PUBLIC_CONNECTOR_KEYS = (
    "id",
    "target",
    "name",
    "logo",
    "logoDark",
    "fromEmail",
    "platform",
    "isStandard",
    "isTokenStorageSupported",
)


def current(state: EmulatorState) -> dict[str, Any]:
    """The tenant's sign-in experience now (``trustedDevice`` included, whatever the build)."""
    return {**copy.deepcopy(DEFAULT), **copy.deepcopy(state.sign_in_experience_changes)}


def _answer(state: EmulatorState) -> dict[str, Any]:
    experience = current(state)
    if not state.dev_features:
        for key in DEV_ONLY:
            experience.pop(key)
    return experience


@route("GET", r"/api/sign-in-exp")
def get_sign_in_experience(state: EmulatorState, request: Request) -> Response:
    return json_response(_answer(state))


@route("GET", r"/api/\.well-known/sign-in-exp")
def get_public_sign_in_experience(state: EmulatorState, request: Request) -> Response:
    """What Logto's sign-in page reads: no token. The social connectors are those of the sign-in
    page's targets, each as its metadata with the tenant's connector id; no SSO connector."""
    experience = current(state)
    public = {key: value for key, value in experience.items() if key not in NOT_PUBLIC}
    if state.dev_features:
        public["trustedDevice"] = experience["trustedDevice"]
    targets = experience["socialSignInConnectorTargets"]
    social = connector_json("social") if "social" in state.connectors else None
    public["socialConnectors"] = [
        {
            key: social[key]
            for key in PUBLIC_CONNECTOR_KEYS
            if key in social
        }
        for target in targets
        if social is not None and social["target"] == target
    ]
    public["ssoConnectors"] = []
    methods = experience["forgotPasswordMethods"]
    public["forgotPassword"] = {
        "phone": "sms" in state.connectors
        and (methods is None or "PhoneVerificationCode" in methods),
        "email": "email" in state.connectors
        and (methods is None or "EmailVerificationCode" in methods),
    }
    public.update(isDevelopmentTenant=False, customProfileFields=[], customProfileFieldCatalog=[])
    return json_response(public)


def _social_targets(state: EmulatorState, value: Any) -> list[str]:
    """Logto keeps only the targets of the tenant's social connectors, in the order given."""
    if not isinstance(value, list):
        raise guard_error(type_issue("socialSignInConnectorTargets", "array", value))
    for index, target in enumerate(value):
        if not isinstance(target, str):
            raise guard_error(type_issue(f"socialSignInConnectorTargets.{index}", "string", target))
    known = {connector_json("social")["target"]} if "social" in state.connectors else set()
    return [target for target in value if target in known]


def _trusted_device(value: dict[str, Any]) -> dict[str, Any]:
    enabled, days = value.get("enabled"), value.get("durationDays")
    if enabled is not None and not isinstance(enabled, bool):
        raise guard_error(type_issue("trustedDevice.enabled", "boolean", enabled))
    if days is not None and (
        isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 365
    ):
        raise invalid_input("trustedDevice.durationDays: a whole number of days, 1 to 365")
    return {key: value[key] for key in ("enabled", "durationDays") if key in value}


@route("PATCH", r"/api/sign-in-exp")
def update_sign_in_experience(state: EmulatorState, request: Request) -> Response:
    body = request.json_object()
    if not state.dev_features:
        body = {key: value for key, value in body.items() if key not in DEV_ONLY}
    for key in ("mfa", "passkeySignIn", "trustedDevice"):
        if key in body:
            check_type(body, key, "object")
    if "socialSignInConnectorTargets" in body:
        body["socialSignInConnectorTargets"] = _social_targets(
            state, body["socialSignInConnectorTargets"]
        )
    if "trustedDevice" in body:
        body["trustedDevice"] = _trusted_device(body["trustedDevice"])
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
    return json_response(_answer(state))


def webauthn_enabled(state: EmulatorState) -> bool:
    """Whether a passkey may be bound: WebAuthn among the MFA factors, or passkey sign-in on."""
    experience = current(state)
    return "WebAuthn" in experience["mfa"]["factors"] or bool(
        experience["passkeySignIn"].get("enabled")
    )
