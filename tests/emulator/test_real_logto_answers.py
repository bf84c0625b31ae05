"""What a real Logto (1.37.1, probed on a live instance) answered, asserted against the emulator:
the password policy, token endpoint client authentication and errors, discovery, and the
Management API's answer to a bad bearer token."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import jwt
import pytest
import requests

from logto_emulator.password_policy import (
    DEFAULT_POLICY,
    PasswordPolicy,
    UserInfoRequired,
    check_password,
)
from logto_emulator.seed import DEMO_CLIENTS
from logto_emulator.server import EmulatorServer
from tests.emulator.conftest import MANAGEMENT_RESOURCE, REDIRECT_URI, Api

REAL_DISCOVERY = Path(__file__).parent / "data" / "logto-1.37.1-discovery.json"
REAL_BASE = "http://127.0.0.1:3001"
M2M_AUTH = (DEMO_CLIENTS.m2m_app_id, DEMO_CLIENTS.m2m_app_secret)
WEB_AUTH = (DEMO_CLIENTS.web_app_id, DEMO_CLIENTS.web_app_secret)
CLIENT_CREDENTIALS = {
    "grant_type": "client_credentials",
    "resource": MANAGEMENT_RESOURCE,
    "scope": "all",
}
CHECK_PASSWORD = "/api/sign-in-exp/default/check-password"


# -- password policy ----------------------------------------------------------------------------
@pytest.fixture
def probe_user_id(logto_emulator: EmulatorServer) -> str:
    user = logto_emulator.state.create_user(
        username="probe_user",
        name="Jane Q Doe",
        primary_email="jdoe.mail@example.com",
        primary_phone="15551234567",
    )
    return str(user["id"])


def _issue(code: str, **interpolation: Any) -> dict[str, Any]:
    issue: dict[str, Any] = {"code": f"password_rejected.{code}"}
    if interpolation:
        issue["interpolation"] = interpolation
    return issue


# Each row is what Logto 1.37.1 answered for the probe user above, pwned check aside.
REAL_POLICY_ANSWERS: list[tuple[str, list[dict[str, Any]]]] = [
    ("1", [_issue("too_short", min=8)]),
    ("", [_issue("too_short", min=8), _issue("character_types", min=1)]),
    ("aaaaaaaaaa", [_issue("restricted.repetition")]),
    ("abcdefgh12", [_issue("restricted.sequence")]),
    ("xyzprobe_user1xyz", [_issue("restricted.sequence"), _issue("restricted.user_info")]),
    ("Pass wörd12", [_issue("unsupported_characters")]),
    ("ÄÖÜabcdefgh", [_issue("unsupported_characters")]),
    ("a" * 300, [_issue("too_long", max=256), _issue("restricted.repetition")]),
    ("abc", [_issue("too_short", min=8), _issue("restricted.sequence")]),
    ("abcd1234X", [_issue("restricted.sequence")]),
    (
        "qwertyuiop",
        [_issue("restricted.sequence"), _issue("restricted.user_info")],
    ),  # "Q" of the name
    ("aaa1bbb2", [_issue("restricted.repetition")]),
    ("Qz7!aaa", [_issue("too_short", min=8)]),
    ("Qz7!aaaa", []),
    ("probe_user", [_issue("restricted.user_info")]),
    ("janedoe123", [_issue("restricted.user_info"), _issue("restricted.sequence")]),
    ("JaneQDoe99!", []),
    ("jdoe.mail1234", [_issue("restricted.user_info"), _issue("restricted.sequence")]),
    (
        "15551234567ab",
        [
            _issue("restricted.user_info"),
            _issue("restricted.repetition"),
            _issue("restricted.sequence"),
        ],
    ),
    ("zyxwvuts", [_issue("restricted.sequence")]),
    ("Hello World 2024", []),
    ("1qazxsw2", [_issue("restricted.sequence"), _issue("restricted.user_info")]),
    ("9876543210", [_issue("restricted.sequence")]),
    ("aaabbbccc", [_issue("restricted.repetition")]),
]


@pytest.mark.parametrize(("password", "issues"), REAL_POLICY_ANSWERS)
def test_check_password_answers_as_real_logto(
    api: Api,
    logto_emulator: EmulatorServer,
    probe_user_id: str,
    password: str,
    issues: list[dict[str, Any]],
) -> None:
    # The live Logto had its pwned check off; the emulator's default keeps it on.
    logto_emulator.state.password_policy = PasswordPolicy(reject_pwned=False)
    response = api("POST", CHECK_PASSWORD, json={"password": password, "userId": probe_user_id})
    if issues:
        assert response.status_code == 400
        assert response.json() == {"result": False, "issues": issues}
    else:
        assert response.status_code == 200
        assert response.json() == {"result": True}


def test_default_policy_needs_one_character_type_and_rejects_pwned(
    api: Api, probe_user_id: str
) -> None:
    assert DEFAULT_POLICY.min_character_types == 1
    accepted = api(
        "POST", CHECK_PASSWORD, json={"password": "correcthorsebattery", "userId": probe_user_id}
    )
    assert accepted.status_code == 200
    pwned = api("POST", CHECK_PASSWORD, json={"password": "12345678", "userId": probe_user_id})
    assert pwned.json()["issues"] == [_issue("pwned"), _issue("restricted.sequence")]


def test_check_password_without_user_is_invalid_input(api: Api) -> None:
    response = api("POST", CHECK_PASSWORD, json={"password": "Qz7!xLp9#w"})
    assert response.status_code == 400
    assert response.json() == {
        "code": "request.invalid_input",
        "data": {"message": "User information data is required to check user information."},
        "message": "Input is invalid. {{details}}",  # Logto leaves the placeholder as is
    }


def test_check_password_without_user_still_answers_an_empty_password(api: Api) -> None:
    # The user-info rule only runs over the password's characters: none, no error.
    response = api("POST", CHECK_PASSWORD, json={"password": ""})
    assert response.status_code == 400
    assert response.json()["issues"] == [
        _issue("too_short", min=8),
        _issue("character_types", min=1),
    ]


def test_check_password_for_an_unknown_user_is_404(api: Api) -> None:
    response = api("POST", CHECK_PASSWORD, json={"password": "Qz7!xLp9#w", "userId": "nonexistent"})
    assert response.status_code == 404
    assert response.json() == {
        "code": "entity.not_found",
        "message": "The resource does not exist.",
    }


def test_checker_needs_user_info_when_the_rule_is_on() -> None:
    with pytest.raises(UserInfoRequired):
        check_password("Qz7!xLp9#w")
    assert check_password("Qz7!xLp9#w", policy=PasswordPolicy(reject_user_info=False)) == []


def test_checker_tolerates_three_unrestricted_characters() -> None:
    # A phrase is reported only when more than len - 3 characters belong to phrases.
    assert check_password("aaaaaQ7!", {}) == []  # 5 marked of 8: not more than 5
    assert check_password("aaaaaaQ7", {}) == [_issue("restricted.repetition")]  # 6 of 8


def test_checker_rejects_words_and_more_character_types() -> None:
    policy = PasswordPolicy(min_character_types=3, reject_words=("logto",), reject_pwned=False)
    assert check_password("logtologto", {}, policy) == [
        _issue("character_types", min=3),
        _issue("restricted.words"),
    ]


# -- token endpoint -------------------------------------------------------------------------------
def _token(url: str, **kwargs: Any) -> requests.Response:
    return requests.post(url + "/oidc/token", timeout=5, **kwargs)


def test_client_secret_post_gets_a_token(logto_emulator: EmulatorServer) -> None:
    response = _token(
        logto_emulator.url,
        data={**CLIENT_CREDENTIALS, "client_id": M2M_AUTH[0], "client_secret": M2M_AUTH[1]},
    )
    assert response.status_code == 200, response.text
    assert response.json()["scope"] == "all"


def test_both_authentication_mechanisms_is_invalid_request(logto_emulator: EmulatorServer) -> None:
    response = _token(
        logto_emulator.url,
        auth=M2M_AUTH,
        data={**CLIENT_CREDENTIALS, "client_id": M2M_AUTH[0], "client_secret": M2M_AUTH[1]},
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "oidc.invalid_request",
        "message": "Request is invalid.",
        "error": "invalid_request",
        "error_description": "client authentication must only be provided using one mechanism",
    }


@pytest.mark.parametrize("mechanism", ["basic", "post"])
def test_unknown_client_is_400_invalid_client(
    logto_emulator: EmulatorServer, mechanism: str
) -> None:
    if mechanism == "basic":
        response = _token(logto_emulator.url, auth=("nosuch", "x"), data=CLIENT_CREDENTIALS)
    else:
        response = _token(
            logto_emulator.url,
            data={**CLIENT_CREDENTIALS, "client_id": "nosuch", "client_secret": "x"},
        )
    assert response.status_code == 400
    assert response.json() == {
        "code": "oidc.invalid_client",
        "message": "An OIDC error occurred: oidc.invalid_client.",
        "error": "invalid_client",
        "error_description": "invalid client nosuch",
    }
    assert "WWW-Authenticate" not in response.headers


WRONG_SECRET_BODY = {
    "code": "oidc.invalid_client",
    "message": "An OIDC error occurred: oidc.invalid_client.",
    "error": "invalid_client",
    "error_description": "client authentication failed",
}


def test_wrong_secret_in_basic_is_401_with_a_challenge(logto_emulator: EmulatorServer) -> None:
    response = _token(logto_emulator.url, auth=(M2M_AUTH[0], "wrong"), data=CLIENT_CREDENTIALS)
    assert response.status_code == 401
    assert response.json() == WRONG_SECRET_BODY
    issuer = logto_emulator.url + "/oidc"
    assert response.headers["WWW-Authenticate"] == (
        f'Basic realm="{issuer}", error="invalid_client", error_description="client authentication failed"'
    )
    assert response.headers["Cache-Control"] == "no-store"


def test_wrong_secret_in_body_is_401_without_a_challenge(logto_emulator: EmulatorServer) -> None:
    response = _token(
        logto_emulator.url,
        data={**CLIENT_CREDENTIALS, "client_id": M2M_AUTH[0], "client_secret": "wrong"},
    )
    assert response.status_code == 401
    assert response.json() == WRONG_SECRET_BODY
    assert "WWW-Authenticate" not in response.headers


def test_client_id_without_secret_is_401(logto_emulator: EmulatorServer) -> None:
    response = _token(logto_emulator.url, data={**CLIENT_CREDENTIALS, "client_id": M2M_AUTH[0]})
    assert (response.status_code, response.json()) == (401, WRONG_SECRET_BODY)


@pytest.mark.parametrize(
    ("auth", "data", "error", "description"),
    [
        (
            None,
            CLIENT_CREDENTIALS,
            "invalid_request",
            "no client authentication mechanism provided",
        ),
        (
            (M2M_AUTH[0], ""),
            CLIENT_CREDENTIALS,
            "invalid_request",
            "client_secret must be provided in the Authorization header",
        ),
        (
            M2M_AUTH,
            {**CLIENT_CREDENTIALS, "client_id": WEB_AUTH[0]},
            "invalid_request",
            "mismatch in body and authorization client ids",
        ),
        (M2M_AUTH, {}, "invalid_request", "missing required parameter 'grant_type'"),
        (
            M2M_AUTH,
            {"grant_type": "password"},
            "unsupported_grant_type",
            "unsupported grant_type requested",
        ),
        (
            M2M_AUTH,
            {"grant_type": "implicit"},
            "unsupported_grant_type",
            "unsupported grant_type requested",
        ),
        (
            WEB_AUTH,
            CLIENT_CREDENTIALS,
            "invalid_request",
            "requested grant type is not allowed for this client",
        ),
        (
            M2M_AUTH,
            {"grant_type": "authorization_code", "code": "x"},
            "invalid_request",
            "requested grant type is not allowed for this client",
        ),
        (
            M2M_AUTH,
            {"grant_type": "refresh_token", "refresh_token": "x"},
            "invalid_request",
            "requested grant type is not allowed for this client",
        ),
        (
            WEB_AUTH,
            {"grant_type": "authorization_code"},
            "invalid_request",
            "missing required parameter 'code'",
        ),
        (
            WEB_AUTH,
            {"grant_type": "authorization_code", "code": "bogus", "redirect_uri": REDIRECT_URI},
            "invalid_grant",
            "grant request is invalid",
        ),
        (
            WEB_AUTH,
            {"grant_type": "refresh_token", "refresh_token": "bogus"},
            "invalid_grant",
            "grant request is invalid",
        ),
        (
            M2M_AUTH,
            {**CLIENT_CREDENTIALS, "resource": "https://nope"},
            "invalid_target",
            "resource indicator is missing, or unknown",
        ),
        (
            M2M_AUTH,
            {"grant_type": "client_credentials", "scope": "all"},
            "invalid_target",
            "both `resource` and `organization_id` are not provided",
        ),
    ],
)
def test_token_errors_are_logto_shaped(
    logto_emulator: EmulatorServer,
    auth: tuple[str, str] | None,
    data: dict[str, str],
    error: str,
    description: str,
) -> None:
    response = _token(logto_emulator.url, auth=auth, data=data)
    assert response.status_code == 400
    body = response.json()
    messages = {
        "invalid_request": "Request is invalid.",
        "unsupported_grant_type": "Unsupported `grant_type` requested.",
        "invalid_grant": "Grant request is invalid.",
        "invalid_target": "Invalid resource indicator.",
    }
    expected: dict[str, Any] = {"code": f"oidc.{error}", "message": messages[error]}
    if error == "invalid_grant":
        expected["error_uri"] = "https://openid.sh/debug/invalid_grant"
    expected.update(error=error, error_description=description)
    assert body == expected
    assert list(body) == list(expected)  # Logto's key order


@pytest.mark.parametrize("scope", [None, "foo"])
def test_client_credentials_without_all_gets_a_scopeless_token_the_api_forbids(
    logto_emulator: EmulatorServer, scope: str | None
) -> None:
    data = {"grant_type": "client_credentials", "resource": MANAGEMENT_RESOURCE}
    if scope:
        data["scope"] = scope
    response = _token(logto_emulator.url, auth=M2M_AUTH, data=data)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "expires_in", "token_type"}
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert list(claims) == ["jti", "sub", "iat", "exp", "client_id", "iss", "aud"]
    refused = requests.get(
        logto_emulator.url + "/api/users",
        headers={"Authorization": f"Bearer {body['access_token']}"},
        timeout=5,
    )
    assert refused.status_code == 403
    assert refused.json() == {
        "code": "auth.forbidden",
        "message": "Forbidden. Please check your user roles and permissions.",
    }


def test_userinfo_refuses_a_bad_token_as_logto(logto_emulator: EmulatorServer) -> None:
    response = requests.get(
        logto_emulator.url + "/oidc/me", headers={"Authorization": "Bearer bogus"}, timeout=5
    )
    assert response.status_code == 401
    assert response.json() == {
        "code": "oidc.invalid_token",
        "message": "Invalid token provided.",
        "error": "invalid_token",
        "error_description": "invalid token provided",
    }
    assert response.headers["WWW-Authenticate"] == (
        f'Bearer realm="{logto_emulator.url}/oidc", error="invalid_token", error_description="invalid token provided"'
    )


# -- discovery ------------------------------------------------------------------------------------
def test_discovery_matches_real_logto_key_by_key(logto_emulator: EmulatorServer) -> None:
    real = json.loads(REAL_DISCOVERY.read_text().replace(REAL_BASE, logto_emulator.url))
    ours = requests.get(
        logto_emulator.url + "/oidc/.well-known/openid-configuration", timeout=5
    ).json()
    assert list(ours) == list(real)
    for key, value in real.items():
        assert ours[key] == value, key
    assert "userinfo_signing_alg_values_supported" not in ours


# -- Management API bearer --------------------------------------------------------------------------
def _api_with(url: str, token: str) -> requests.Response:
    return requests.get(url + "/api/users", headers={"Authorization": f"Bearer {token}"}, timeout=5)


def _unauthorized(data: dict[str, str]) -> dict[str, Any]:
    return {
        "code": "auth.unauthorized",
        "data": data,
        "message": "Unauthorized. Please check credentials and its scope.",
    }


def test_bad_bearers_are_described_as_logto_does(logto_emulator: EmulatorServer) -> None:
    token = _token(logto_emulator.url, auth=M2M_AUTH, data=CLIENT_CREDENTIALS).json()[
        "access_token"
    ]
    header, payload, signature = token.split(".")
    tampered = f"{header}.{payload}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"
    unsigned = f"eyJhbGciOiJub25lIn0.{payload}."
    cases = {
        "garbage": {"code": "ERR_JWS_INVALID", "name": "JWSInvalid"},
        f"{header}.{payload}": {"code": "ERR_JWS_INVALID", "name": "JWSInvalid"},
        tampered: {
            "code": "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
            "name": "JWSSignatureVerificationFailed",
        },
        unsigned: {"code": "ERR_JOSE_NOT_SUPPORTED", "name": "JOSENotSupported"},
    }
    for bearer, data in cases.items():
        response = _api_with(logto_emulator.url, bearer)
        assert response.status_code == 401
        assert response.json() == _unauthorized(data)


def test_expired_bearer_is_jwt_expired(logto_emulator: EmulatorServer) -> None:
    state = logto_emulator.state
    now = int(time.time())
    claims = {
        "sub": "demo-m2m-app",
        "iat": now - 7200,
        "exp": now - 3600,
        "scope": "all",
        "aud": MANAGEMENT_RESOURCE,
    }
    expired = jwt.encode(claims, state.signing_key, algorithm="ES384", headers={"kid": state.kid})
    response = _api_with(logto_emulator.url, expired)
    assert response.status_code == 401
    assert response.json() == _unauthorized({"code": "ERR_JWT_EXPIRED", "name": "JWTExpired"})
