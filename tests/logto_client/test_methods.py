"""Each public method sends the right method, path and body, and parses Logto's answer."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import responses
from responses import matchers

from account_center.logto.errors import LogtoAPIError, LogtoNotFound, LogtoUnavailable
from account_center.logto.models import (
    Connector,
    LogtoSession,
    LogtoUser,
    MfaVerification,
    PasswordIssue,
    PersonalAccessToken,
    TotpSecret,
)
from account_center.secret_text import SecretText

from .conftest import ENDPOINT, management_calls

USER_JSON = {
    "id": "u1",
    "username": "ada",
    "primaryEmail": "ada@example.com",
    "primaryPhone": "4915112345678",
    "name": "Ada",
    "avatar": None,
    "customData": {"team": "core"},
    "identities": {"github": {"userId": "gh-1", "details": {"name": "ada"}}},
    "profile": {"givenName": "Ada"},
    "lastSignInAt": 1_700_000_000_000,
    "isSuspended": False,
    "hasPassword": True,
    "createdAt": 1_600_000_000_000,
    "updatedAt": 1_700_000_000_000,
}

TOKEN_JSON = {
    "tenantId": "default",
    "userId": "u1",
    "name": "ci",
    "value": "pat_secretvalue",
    "createdAt": 1_700_000_000_000,
    "expiresAt": None,
}

# (client method, args, kwargs, HTTP method, path, expected JSON body or None, answer status,
#  answer JSON, expected result or a check)
CASES = [
    pytest.param(
        "get_user",
        ("u1",),
        {},
        "GET",
        "/api/users/u1",
        None,
        200,
        USER_JSON,
        lambda r: (
            isinstance(r, LogtoUser)
            and r.primary_phone == "4915112345678"
            and r.identities["github"].user_id == "gh-1"
        ),
        id="get_user",
    ),
    pytest.param(
        "update_user",
        ("u1",),
        {"name": "Ada L.", "primary_phone": None},
        "PATCH",
        "/api/users/u1",
        {"name": "Ada L.", "primaryPhone": None},
        200,
        USER_JSON,
        lambda r: isinstance(r, LogtoUser),
        id="update_user-only-given-keys",
    ),
    pytest.param(
        "update_user",
        ("u1",),
        {
            "username": "ada_l",
            "primary_email": "a@x.io",
            "avatar": "https://a/b.png",
            "custom_data": {"k": 1},
            "profile": {"nickname": "al"},
        },
        "PATCH",
        "/api/users/u1",
        {
            "username": "ada_l",
            "primaryEmail": "a@x.io",
            "avatar": "https://a/b.png",
            "customData": {"k": 1},
            "profile": {"nickname": "al"},
        },
        200,
        USER_JSON,
        lambda r: r.id == "u1",
        id="update_user-camel-case",
    ),
    pytest.param(
        "update_profile",
        ("u1", {"givenName": "Ada", "address": {"country": "DE"}}),
        {},
        "PATCH",
        "/api/users/u1/profile",
        {"profile": {"givenName": "Ada", "address": {"country": "DE"}}},
        200,
        {"givenName": "Ada", "familyName": "L", "address": {"country": "DE"}},
        {"givenName": "Ada", "familyName": "L", "address": {"country": "DE"}},
        id="update_profile",
    ),
    pytest.param(
        "get_custom_data",
        ("u1",),
        {},
        "GET",
        "/api/users/u1/custom-data",
        None,
        200,
        {"a": 1},
        {"a": 1},
        id="get_custom_data",
    ),
    pytest.param(
        "update_custom_data",
        ("u1", {"b": 2}),
        {},
        "PATCH",
        "/api/users/u1/custom-data",
        {"customData": {"b": 2}},
        200,
        {"a": 1, "b": 2},
        {"a": 1, "b": 2},
        id="update_custom_data",
    ),
    pytest.param(
        "get_logto_configs",
        ("u1",),
        {},
        "GET",
        "/api/users/u1/logto-configs",
        None,
        200,
        {
            "mfa": {"enabled": True, "skipped": False, "skipMfaOnSignIn": False},
            "passkeySignIn": {"skipped": False},
        },
        lambda r: r["mfa"]["enabled"] is True,
        id="get_logto_configs",
    ),
    pytest.param(
        "set_suspended",
        ("u1", True),
        {},
        "PATCH",
        "/api/users/u1/is-suspended",
        {"isSuspended": True},
        200,
        {**USER_JSON, "isSuspended": True},
        lambda r: r.is_suspended is True,
        id="set_suspended",
    ),
    pytest.param(
        "delete_user",
        ("u1",),
        {},
        "DELETE",
        "/api/users/u1",
        None,
        204,
        None,
        None,
        id="delete_user",
    ),
    pytest.param(
        "has_password",
        ("u1",),
        {},
        "GET",
        "/api/users/u1/has-password",
        None,
        200,
        {"hasPassword": False},
        False,
        id="has_password",
    ),
    pytest.param(
        "verify_password",
        ("u1", "pw"),
        {},
        "POST",
        "/api/users/u1/password/verify",
        {"password": "pw"},
        204,
        None,
        True,
        id="verify_password-ok",
    ),
    pytest.param(
        "verify_password",
        ("u1", "pw"),
        {},
        "POST",
        "/api/users/u1/password/verify",
        {"password": "pw"},
        422,
        {"code": "session.invalid_credentials", "message": "x"},
        False,
        id="verify_password-wrong",
    ),
    pytest.param(
        "check_password_policy",
        ("Str0ng-enough!",),
        {"user_id": "u1"},
        "POST",
        "/api/sign-in-exp/default/check-password",
        {"password": "Str0ng-enough!", "userId": "u1"},
        200,
        {"result": True},
        [],
        id="check_password_policy-ok",
    ),
    pytest.param(
        "check_password_policy",
        ("short",),
        {},
        "POST",
        "/api/sign-in-exp/default/check-password",
        {"password": "short"},
        400,
        {
            "result": False,
            "issues": [
                {"code": "password_rejected.too_short", "interpolation": {"min": 8}},
                {"code": "password_rejected.pwned"},
            ],
        },
        [
            PasswordIssue("password_rejected.too_short", {"min": 8}),
            PasswordIssue("password_rejected.pwned", {}),
        ],
        id="check_password_policy-refused",
    ),
    pytest.param(
        "set_password",
        ("u1", "N3w-password"),
        {},
        "PATCH",
        "/api/users/u1/password",
        {"password": "N3w-password"},
        200,
        USER_JSON,
        None,
        id="set_password",
    ),
    pytest.param(
        "send_verification_code",
        (),
        {"email": "a@example.com"},
        "POST",
        "/api/verification-codes",
        {"email": "a@example.com"},
        204,
        None,
        None,
        id="send_verification_code-email",
    ),
    pytest.param(
        "send_verification_code",
        (),
        {"phone": "4915112345678"},
        "POST",
        "/api/verification-codes",
        {"phone": "4915112345678"},
        204,
        None,
        None,
        id="send_verification_code-phone",
    ),
    pytest.param(
        "verify_verification_code",
        (),
        {"code": "123456", "phone": "4915112345678"},
        "POST",
        "/api/verification-codes/verify",
        {"phone": "4915112345678", "verificationCode": "123456"},
        204,
        None,
        None,
        id="verify_verification_code",
    ),
    pytest.param(
        "list_connectors",
        (),
        {},
        "GET",
        "/api/connectors",
        None,
        200,
        [
            {
                "id": "c1",
                "target": "github",
                "type": "Social",
                "metadata": {"name": {"en": "GitHub", "de": "GitHub DE"}, "logo": "l.svg"},
            },
            {"id": "c2", "target": "aliyun-dm", "type": "Email", "metadata": {"name": {"en": "M"}}},
        ],
        lambda r: (
            [c.id for c in r] == ["c1", "c2"]
            and isinstance(r[0], Connector)
            and r[0].name_for("de") == "GitHub DE"
        ),
        id="list_connectors",
    ),
    pytest.param(
        "list_social_connectors",
        (),
        {},
        "GET",
        "/api/connectors",
        None,
        200,
        [
            {"id": "c1", "target": "github", "type": "Social", "metadata": {}},
            {"id": "c2", "target": "sms", "type": "Sms", "metadata": {}},
        ],
        lambda r: [c.id for c in r] == ["c1"],
        id="list_social_connectors",
    ),
    pytest.param(
        "get_authorization_uri",
        ("c1",),
        {"state": "st", "redirect_uri": "https://app.test/account/social/callback"},
        "POST",
        "/api/connectors/c1/authorization-uri",
        {"state": "st", "redirectUri": "https://app.test/account/social/callback"},
        200,
        {"redirectTo": "https://github.com/login/oauth/authorize?x=1"},
        "https://github.com/login/oauth/authorize?x=1",
        id="get_authorization_uri",
    ),
    pytest.param(
        "link_identity",
        ("u1", "c1", {"code": "abc", "state": "st"}),
        {},
        "POST",
        "/api/users/u1/identities",
        {"connectorId": "c1", "connectorData": {"code": "abc", "state": "st"}},
        200,
        {"github": {"userId": "gh-1", "details": {"email": "a@b.c"}}},
        lambda r: r["github"].user_id == "gh-1" and r["github"].details["email"] == "a@b.c",
        id="link_identity",
    ),
    pytest.param(
        "unlink_identity",
        ("u1", "github"),
        {},
        "DELETE",
        "/api/users/u1/identities/github",
        None,
        204,
        None,
        None,
        id="unlink_identity",
    ),
    pytest.param(
        "list_mfa_verifications",
        ("u1",),
        {},
        "GET",
        "/api/users/u1/mfa-verifications",
        None,
        200,
        [
            {"id": "m1", "type": "Totp", "createdAt": "2024-01-01T00:00:00.000Z"},
            {
                "id": "m2",
                "type": "BackupCode",
                "createdAt": "2024-01-01T00:00:00.000Z",
                "remainCodes": 7,
            },
        ],
        lambda r: isinstance(r[0], MfaVerification) and r[1].remain_codes == 7,
        id="list_mfa_verifications",
    ),
    pytest.param(
        "create_totp",
        ("u1",),
        {},
        "POST",
        "/api/users/u1/mfa-verifications",
        {"type": "Totp"},
        200,
        {"type": "Totp", "secret": "JBSWY3DPEHPK3PXP", "secretQrCode": "data:image/png;base64,x"},
        TotpSecret("JBSWY3DPEHPK3PXP", "data:image/png;base64,x"),
        id="create_totp",
    ),
    pytest.param(
        "create_totp",
        ("u1", "JBSWY3DPEHPK3PXP"),
        {},
        "POST",
        "/api/users/u1/mfa-verifications",
        {"type": "Totp", "secret": "JBSWY3DPEHPK3PXP"},
        200,
        {"type": "Totp", "secret": "JBSWY3DPEHPK3PXP", "secretQrCode": "q"},
        TotpSecret("JBSWY3DPEHPK3PXP", "q"),
        id="create_totp-with-secret",
    ),
    pytest.param(
        "create_backup_codes",
        ("u1",),
        {},
        "POST",
        "/api/users/u1/mfa-verifications",
        {"type": "BackupCode"},
        200,
        {"type": "BackupCode", "codes": ["a1", "b2"]},
        lambda r: all(isinstance(c, SecretText) for c in r) and list(map(str, r)) == ["a1", "b2"],
        id="create_backup_codes",
    ),
    pytest.param(
        "create_backup_codes",
        ("u1", ["x", "y"]),
        {},
        "POST",
        "/api/users/u1/mfa-verifications",
        {"type": "BackupCode", "codes": ["x", "y"]},
        200,
        {"type": "BackupCode", "codes": ["x", "y"]},
        lambda r: list(map(str, r)) == ["x", "y"],
        id="create_backup_codes-given",
    ),
    pytest.param(
        "delete_mfa_verification",
        ("u1", "m1"),
        {},
        "DELETE",
        "/api/users/u1/mfa-verifications/m1",
        None,
        204,
        None,
        None,
        id="delete_mfa_verification",
    ),
    pytest.param(
        "list_personal_access_tokens",
        ("u1",),
        {},
        "GET",
        "/api/users/u1/personal-access-tokens",
        None,
        200,
        [TOKEN_JSON],
        [PersonalAccessToken("ci", datetime.fromtimestamp(1_700_000_000, tz=UTC), None)],
        id="list_personal_access_tokens",
    ),
    pytest.param(
        "create_personal_access_token",
        ("u1", "ci"),
        {"expires_at": datetime(2030, 1, 1, tzinfo=UTC)},
        "POST",
        "/api/users/u1/personal-access-tokens",
        {"name": "ci", "expiresAt": 1_893_456_000_000},
        201,
        {**TOKEN_JSON, "expiresAt": 1_893_456_000_000},
        lambda r: (
            r.value == "pat_secretvalue"
            and r.token.name == "ci"
            and r.token.expires_at == datetime(2030, 1, 1, tzinfo=UTC)
        ),
        id="create_personal_access_token",
    ),
    pytest.param(
        "create_personal_access_token",
        ("u1", "ci"),
        {},
        "POST",
        "/api/users/u1/personal-access-tokens",
        {"name": "ci"},
        201,
        TOKEN_JSON,
        lambda r: r.token.expires_at is None,
        id="create_personal_access_token-no-expiry",
    ),
    pytest.param(
        "rename_personal_access_token",
        ("u1", "ci", "deploy"),
        {},
        "PATCH",
        "/api/users/u1/personal-access-tokens",
        {"currentName": "ci", "name": "deploy"},
        200,
        {**TOKEN_JSON, "name": "deploy"},
        None,
        id="rename_personal_access_token",
    ),
    pytest.param(
        "delete_personal_access_token",
        ("u1", "ci"),
        {},
        "POST",
        "/api/users/u1/personal-access-tokens/delete",
        {"name": "ci"},
        204,
        None,
        None,
        id="delete_personal_access_token",
    ),
    pytest.param(
        "list_sessions",
        ("u1",),
        {},
        "GET",
        "/api/users/u1/sessions",
        None,
        200,
        {
            "sessions": [
                {
                    "payload": {
                        "uid": "s1",
                        "loginTs": 1_700_000_000,
                        "exp": 1_700_100_000,
                        "authorizations": {"web-app-id": {"sid": "sid-1", "grantId": "g1"}},
                    },
                    "lastSubmission": {"login": {"accountId": "u1"}},
                    "clientId": "web-app-id",
                    "accountId": "u1",
                    "expiresAt": 1_700_100_000_000,
                }
            ]
        },
        lambda r: (
            isinstance(r[0], LogtoSession)
            and r[0].uid == "s1"
            and r[0].sids == {"web-app-id": "sid-1"}
            and r[0].login_at == datetime.fromtimestamp(1_700_000_000, tz=UTC)
        ),
        id="list_sessions",
    ),
    pytest.param(
        "revoke_session",
        ("u1", "s1"),
        {},
        "DELETE",
        "/api/users/u1/sessions/s1",
        None,
        204,
        None,
        None,
        id="revoke_session",
    ),
]


@pytest.mark.parametrize(
    ("name", "args", "kwargs", "method", "path", "body", "status", "answer", "expected"), CASES
)
def test_method_sends_request_and_parses_answer(
    logto_client, logto_mock, name, args, kwargs, method, path, body, status, answer, expected
):
    url = f"{ENDPOINT}{path}"
    if answer is None:
        logto_mock.add(method, url, status=status)
    else:
        logto_mock.add(method, url, status=status, json=answer)
    result = getattr(logto_client, name)(*args, **kwargs)
    request = logto_mock.calls[-1].request
    assert request.method == method
    assert request.url == url  # also: no query string
    if body is None:
        assert not request.body
    else:
        assert request.headers["Content-Type"] == "application/json"
        assert json.loads(request.body) == body
    if callable(expected):
        assert expected(result)
    else:
        assert result == expected


@pytest.mark.parametrize(
    "current",
    [
        # Logto 1.37 answers (and requires) these three; 1.42 adds mfa.enabled.
        {"mfa": {"skipped": False, "skipMfaOnSignIn": False}, "passkeySignIn": {"skipped": False}},
        {
            "mfa": {"enabled": True, "skipped": False, "skipMfaOnSignIn": False},
            "passkeySignIn": {"skipped": False},
        },
    ],
)
def test_update_logto_configs_sends_the_full_merged_body(logto_client, logto_mock, current):
    url = f"{ENDPOINT}/api/users/u1/logto-configs"
    logto_mock.add(responses.GET, url, json=current)
    merged = {**current, "mfa": {**current["mfa"], "skipped": True}}
    logto_mock.add(responses.PATCH, url, json=merged, match=[matchers.json_params_matcher(merged)])
    assert logto_client.update_logto_configs("u1", {"mfa": {"skipped": True}}) == merged
    assert [c.request.method for c in logto_mock.calls[1:]] == ["GET", "PATCH"]


def test_get_user_with_sso_identities(logto_client, logto_mock):
    logto_mock.add(
        responses.GET,
        f"{ENDPOINT}/api/users/u1",
        match=[matchers.query_param_matcher({"includeSsoIdentities": "true"})],
        json={
            **USER_JSON,
            "ssoIdentities": [
                {"issuer": "https://idp.test", "identityId": "x", "ssoConnectorId": "sso1"}
            ],
        },
    )
    user = logto_client.get_user("u1", include_sso_identities=True)
    assert user.sso_identities[0].issuer == "https://idp.test"
    assert "sso:https://idp.test" in user.sign_in_identifiers


def test_revoke_session_with_grants_target(logto_client, logto_mock):
    logto_mock.add(
        responses.DELETE,
        f"{ENDPOINT}/api/users/u1/sessions/s1",
        match=[matchers.query_param_matcher({"revokeGrantsTarget": "all"})],
        status=204,
    )
    logto_client.revoke_session("u1", "s1", revoke_grants_target="all")


def test_path_segments_are_escaped(logto_client, logto_mock):
    logto_mock.add(responses.DELETE, f"{ENDPOINT}/api/users/u%2F1/identities/a%20b", status=204)
    logto_client.unlink_identity("u/1", "a b")
    assert logto_mock.calls[-1].request.path_url == "/api/users/u%2F1/identities/a%20b"


def test_pat_list_drops_values(logto_client, logto_mock):
    logto_mock.add(
        responses.GET, f"{ENDPOINT}/api/users/u1/personal-access-tokens", json=[TOKEN_JSON]
    )
    tokens = logto_client.list_personal_access_tokens("u1")
    assert "pat_secretvalue" not in repr(tokens)
    assert not hasattr(tokens[0], "value")


def test_created_pat_value_not_in_repr(logto_client, logto_mock):
    logto_mock.add(
        responses.POST, f"{ENDPOINT}/api/users/u1/personal-access-tokens", json=TOKEN_JSON
    )
    created = logto_client.create_personal_access_token("u1", "ci")
    assert created.value == "pat_secretvalue"
    assert "pat_secretvalue" not in repr(created)


def test_pat_expiry_must_be_aware(logto_client, logto_mock):
    with pytest.raises(ValueError):
        logto_client.create_personal_access_token("u1", "ci", expires_at=datetime(2030, 1, 1))


def test_pat_name_exists_error(logto_client, logto_mock):
    logto_mock.add(
        responses.POST,
        f"{ENDPOINT}/api/users/u1/personal-access-tokens",
        status=422,
        json={"code": "user.personal_access_token_name_exists", "message": "exists"},
    )
    with pytest.raises(LogtoAPIError) as info:
        logto_client.create_personal_access_token("u1", "ci")
    assert info.value.code == "user.personal_access_token_name_exists"


def test_pat_delete_falls_back_to_older_route(logto_client, logto_mock):
    base = f"{ENDPOINT}/api/users/u1/personal-access-tokens"
    logto_mock.add(responses.POST, f"{base}/delete", status=404, body="Not Found")
    logto_mock.add(responses.DELETE, f"{base}/my%20token", status=204)
    logto_client.delete_personal_access_token("u1", "my token")
    assert logto_mock.calls[-1].request.method == "DELETE"


def test_pat_rename_falls_back_to_older_route(logto_client, logto_mock):
    base = f"{ENDPOINT}/api/users/u1/personal-access-tokens"
    logto_mock.add(responses.PATCH, base, status=405, body="Method Not Allowed")
    logto_mock.add(
        responses.PATCH,
        f"{base}/ci",
        match=[matchers.json_params_matcher({"name": "deploy"})],
        json={**TOKEN_JSON, "name": "deploy"},
    )
    logto_client.rename_personal_access_token("u1", "ci", "deploy")


def test_pat_delete_of_unknown_token_does_not_fall_back(logto_client, logto_mock):
    base = f"{ENDPOINT}/api/users/u1/personal-access-tokens"
    logto_mock.add(responses.POST, f"{base}/delete", status=404, json={"code": "entity.not_found"})
    with pytest.raises(LogtoNotFound):
        logto_client.delete_personal_access_token("u1", "ci")
    assert len([c for c in logto_mock.calls if c.request.method == "DELETE"]) == 0


def test_verify_password_other_errors_raise(logto_client, logto_mock):
    logto_mock.add(
        responses.POST,
        f"{ENDPOINT}/api/users/u1/password/verify",
        status=422,
        json={"code": "user.password_not_set", "message": "no"},
    )
    with pytest.raises(LogtoAPIError):
        logto_client.verify_password("u1", "pw")


def test_check_password_policy_invalid_input_raises(logto_client, logto_mock):
    logto_mock.add(
        responses.POST,
        f"{ENDPOINT}/api/sign-in-exp/default/check-password",
        status=400,
        json={"code": "request.invalid_input", "message": "bad"},
    )
    with pytest.raises(LogtoAPIError) as info:
        logto_client.check_password_policy("x")
    assert info.value.code == "request.invalid_input"


@pytest.mark.parametrize(
    "code",
    [
        "verification_code.code_mismatch",
        "verification_code.expired",
        "verification_code.exceed_max_try",
        "verification_code.not_found",
    ],
)
def test_verify_verification_code_errors_keep_code(logto_client, logto_mock, code):
    logto_mock.add(
        responses.POST,
        f"{ENDPOINT}/api/verification-codes/verify",
        status=400,
        json={"code": code, "message": "localised"},
    )
    with pytest.raises(LogtoAPIError) as info:
        logto_client.verify_verification_code(code="000000", email="a@example.com")
    assert info.value.code == code


@pytest.mark.parametrize("kwargs", [{}, {"email": "a@b.co", "phone": "491"}])
def test_verification_code_needs_exactly_one_target(logto_client, kwargs):
    with pytest.raises(ValueError):
        logto_client.send_verification_code(**kwargs)


def test_send_verification_code_without_connector_keeps_logtos_code(logto_client, logto_mock):
    # Real Logto answers 501 connector.not_found when no email/SMS connector is set up: a setup
    # problem to explain, not an outage.
    logto_mock.add(
        responses.POST,
        f"{ENDPOINT}/api/verification-codes",
        status=501,
        json={"code": "connector.not_found", "message": "no connector"},
    )
    with pytest.raises(LogtoAPIError) as info:
        logto_client.send_verification_code(phone="4915112345678")
    assert (info.value.status, info.value.code) == (501, "connector.not_found")


def test_501_without_logto_code_is_unavailable(logto_client, logto_mock):
    logto_mock.add(
        responses.POST, f"{ENDPOINT}/api/verification-codes", status=501, body="Not Implemented"
    )
    with pytest.raises(LogtoUnavailable) as info:
        logto_client.send_verification_code(phone="4915112345678")
    assert info.value.status == 501


def test_sessions_missing_on_older_logto(logto_client, logto_mock):
    logto_mock.add(responses.GET, f"{ENDPOINT}/api/users/u1/sessions", status=404, body="Not Found")
    with pytest.raises(LogtoNotFound):
        logto_client.list_sessions("u1")


def test_discovery_cached_in_process_and_in_django_cache(logto_client, rsps):
    url = f"{ENDPOINT}/oidc/.well-known/openid-configuration"
    document = {"issuer": f"{ENDPOINT}/oidc", "jwks_uri": f"{ENDPOINT}/oidc/jwks"}
    rsps.add(responses.GET, url, json=document)
    assert logto_client.discovery() == document
    assert logto_client.discovery() == document
    logto_client._discovery = None  # another process: only the Django cache left
    assert logto_client.discovery() == document
    assert len(rsps.calls) == 1
    assert not management_calls(rsps)


@pytest.mark.parametrize("answer", [{"status": 500, "body": "x"}, {"status": 200, "body": "nope"}])
def test_discovery_failure_is_unavailable(logto_client, rsps, answer):
    rsps.add(responses.GET, f"{ENDPOINT}/oidc/.well-known/openid-configuration", **answer)
    with pytest.raises(LogtoUnavailable):
        logto_client.discovery()


def test_connector_names_from_top_level_or_metadata_override(logto_client, logto_mock):
    # Logto's GET /api/connectors: name/logo at the top level, metadata = admin overrides.
    logto_mock.add(
        responses.GET,
        f"{ENDPOINT}/api/connectors",
        json=[
            {
                "id": "c1",
                "target": "github",
                "type": "Social",
                "name": {"en": "GitHub"},
                "logo": "gh.svg",
                "metadata": {"target": "github", "name": {}, "logo": ""},
            },
            {
                "id": "c2",
                "target": "google",
                "type": "Social",
                "name": {"en": "Google"},
                "logo": "g.svg",
                "metadata": {"name": {"en": "Company Google"}, "logo": "x.svg"},
            },
        ],
    )
    first, second = logto_client.list_social_connectors()
    assert (first.name_for("en"), first.logo) == ("GitHub", "gh.svg")
    assert (second.name_for("en"), second.logo) == ("Company Google", "x.svg")


def test_discovery_force_refresh_skips_caches(logto_client, rsps):
    url = f"{ENDPOINT}/oidc/.well-known/openid-configuration"
    rsps.add(responses.GET, url, json={"issuer": "old"})
    rsps.add(responses.GET, url, json={"issuer": "new"})
    assert logto_client.discovery()["issuer"] == "old"
    assert logto_client.discovery(force_refresh=True)["issuer"] == "new"
    assert logto_client.discovery()["issuer"] == "new"
