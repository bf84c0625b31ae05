"""``GET /api/sign-in-exp``: the tenant's sign-in experience, as a fresh real Logto (1.43
candidate) answers it once set to sign in and sign up by username and password."""

from __future__ import annotations

import copy
from typing import Any

from logto_emulator.http import Request, Response, json_response
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
    "adaptiveMfa": {"enabled": False},
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


@route("GET", r"/api/sign-in-exp")
def get_sign_in_experience(state: EmulatorState, request: Request) -> Response:
    return json_response(copy.deepcopy(DEFAULT))
