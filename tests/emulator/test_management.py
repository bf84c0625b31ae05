"""The Management API half: authentication, users, password, codes, identities, MFA, PATs, sessions."""

from __future__ import annotations

import re
import time
from typing import Any

import pyotp
import pytest
import requests

from logto_emulator.seed import DEMO_USER, give_sso_identity
from logto_emulator.server import EmulatorServer
from tests.emulator.conftest import Api


def _demo_id(emu: EmulatorServer) -> str:
    user = emu.state.find_user_by("username", DEMO_USER.username)
    assert user is not None
    return str(user["id"])


def _error(response: requests.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    return dict(body)


# -- authentication ---------------------------------------------------------------------------
def test_missing_authorization_is_401(logto_emulator: EmulatorServer) -> None:
    _error(
        requests.get(logto_emulator.url + "/api/users", timeout=5),
        401,
        "auth.authorization_header_missing",
    )


def test_non_bearer_authorization_is_401(logto_emulator: EmulatorServer) -> None:
    response = requests.get(
        logto_emulator.url + "/api/users", headers={"Authorization": "Basic abc"}, timeout=5
    )
    body = _error(response, 401, "auth.authorization_token_type_not_supported")
    assert body["data"] == {"supportedTypes": ["Bearer"]}


def test_invalid_token_is_401_unauthorized(logto_emulator: EmulatorServer) -> None:
    response = requests.get(
        logto_emulator.url + "/api/users", headers={"Authorization": "Bearer nope"}, timeout=5
    )
    body = _error(response, 401, "auth.unauthorized")
    # Logto passes on what its JWT library said (a real 1.37.1 answer).
    assert body == {
        "code": "auth.unauthorized",
        "data": {"code": "ERR_JWS_INVALID", "name": "JWSInvalid"},
        "message": "Unauthorized. Please check credentials and its scope.",
    }


def test_calls_are_counted(api: Api, logto_emulator: EmulatorServer) -> None:
    api("GET", "/api/users")
    api("GET", "/api/users")
    assert logto_emulator.state.management_api_calls == 2


# -- users --------------------------------------------------------------------------------------
def test_get_user_and_sso_identities(api: Api, logto_emulator: EmulatorServer) -> None:
    user_id = _demo_id(logto_emulator)
    body = api("GET", f"/api/users/{user_id}").json()
    assert body["id"] == user_id and re.fullmatch(r"[a-z0-9]{12}", user_id)
    assert (
        body["username"] == "demo" and body["hasPassword"] is True and body["isSuspended"] is False
    )
    assert "ssoIdentities" not in body and "_password" not in body
    give_sso_identity(logto_emulator.state, "demo")
    with_sso = api("GET", f"/api/users/{user_id}", params={"includeSsoIdentities": "true"}).json()
    assert with_sso["ssoIdentities"][0]["issuer"] == "https://sso.example.com"


def test_unknown_user_is_404(api: Api) -> None:
    # As real Logto: the generic not-found, without the id or any data.
    body = _error(api("GET", "/api/users/nosuchuser00"), 404, "entity.not_found")
    assert "data" not in body


def test_create_and_search_users(api: Api) -> None:
    created = api(
        "POST",
        "/api/users",
        json={"username": "alice", "primaryEmail": "alice@example.com", "password": "x"},
    )
    assert created.status_code == 200
    assert created.json()["hasPassword"] is True
    found = api("GET", "/api/users", params={"search": "%alice%"})
    assert [u["username"] for u in found.json()] == ["alice"]
    assert found.headers["Total-Number"] == "1"


def test_update_user_replaces_custom_data_and_clears_with_null(
    api: Api, logto_emulator: EmulatorServer
) -> None:
    user_id = _demo_id(logto_emulator)
    api("PATCH", f"/api/users/{user_id}/custom-data", json={"customData": {"a": 1, "b": 2}})
    body = api(
        "PATCH",
        f"/api/users/{user_id}",
        json={"name": None, "customData": {"c": 3}, "primaryPhone": "15551234567"},
    ).json()
    assert (
        body["name"] is None
        and body["customData"] == {"c": 3}
        and body["primaryPhone"] == "15551234567"
    )
    assert (
        api("PATCH", f"/api/users/{user_id}", json={"primaryEmail": ""}).json()["primaryEmail"]
        is None
    )


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("username", "DEMO", "user.username_already_in_use"),
        ("primaryEmail", "Taken@example.com", "user.email_already_in_use"),
        ("primaryPhone", "15550000000", "user.phone_already_in_use"),
    ],
)
def test_update_user_collisions_are_422(
    api: Api, logto_emulator: EmulatorServer, field: str, value: str, code: str
) -> None:
    logto_emulator.state.create_user(
        username="other", primary_email="taken@example.com", primary_phone="15550000000"
    )
    if field == "username":
        target = api("POST", "/api/users", json={"username": "someone"}).json()["id"]
    else:
        target = _demo_id(logto_emulator)
    _error(api("PATCH", f"/api/users/{target}", json={field: value}), 422, code)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("username", "1abc"),
        ("username", "has space"),
        ("primaryPhone", "+15551234567"),
        ("primaryEmail", "nope"),
        ("avatar", "ftp://x"),
    ],
)
def test_update_user_guard_is_400(
    api: Api, logto_emulator: EmulatorServer, field: str, value: str
) -> None:
    _error(
        api("PATCH", f"/api/users/{_demo_id(logto_emulator)}", json={field: value}),
        400,
        "guard.invalid_input",
    )


def test_profile_is_merged(api: Api, logto_emulator: EmulatorServer) -> None:
    user_id = _demo_id(logto_emulator)
    api(
        "PATCH",
        f"/api/users/{user_id}/profile",
        json={"profile": {"givenName": "De", "address": {"country": "NL"}}},
    )
    body = api("PATCH", f"/api/users/{user_id}/profile", json={"profile": {"familyName": "Mo"}})
    assert body.json() == {"givenName": "De", "familyName": "Mo", "address": {"country": "NL"}}


def test_custom_data_is_merged_at_the_top_level(api: Api, logto_emulator: EmulatorServer) -> None:
    user_id = _demo_id(logto_emulator)
    api("PATCH", f"/api/users/{user_id}/custom-data", json={"customData": {"a": {"x": 1}, "b": 2}})
    body = api(
        "PATCH", f"/api/users/{user_id}/custom-data", json={"customData": {"a": {"y": 1}}}
    ).json()
    assert body == {"a": {"y": 1}, "b": 2}
    assert api("GET", f"/api/users/{user_id}/custom-data").json() == body


def test_logto_configs(api: Api, logto_emulator: EmulatorServer) -> None:
    user_id = _demo_id(logto_emulator)
    default = api("GET", f"/api/users/{user_id}/logto-configs").json()
    assert default == {  # as Logto: mfa.enabled is absent until set once
        "mfa": {"skipped": False, "skipMfaOnSignIn": False},
        "passkeySignIn": {"skipped": False},
    }
    body = api(
        "PATCH", f"/api/users/{user_id}/logto-configs", json={"mfa": {"enabled": True}}
    ).json()
    assert body["mfa"]["enabled"] is True and body["mfa"]["skipped"] is False


def test_suspend_and_delete_sign_the_user_out(api: Api, logto_emulator: EmulatorServer) -> None:
    user_id = _demo_id(logto_emulator)
    state = logto_emulator.state
    state.sessions["s1"] = {"uid": "s1", "accountId": user_id, "exp": time.time() + 60}
    assert (
        api("PATCH", f"/api/users/{user_id}/is-suspended", json={"isSuspended": True}).json()[
            "isSuspended"
        ]
        is True
    )
    assert state.sessions == {}
    assert api("DELETE", f"/api/users/{user_id}").status_code == 204
    _error(api("DELETE", f"/api/users/{user_id}"), 404, "entity.not_found")


# -- password -----------------------------------------------------------------------------------
def test_password_verify_and_set(api: Api, logto_emulator: EmulatorServer) -> None:
    user_id = _demo_id(logto_emulator)
    assert api("GET", f"/api/users/{user_id}/has-password").json() == {"hasPassword": True}
    assert (
        api(
            "POST", f"/api/users/{user_id}/password/verify", json={"password": DEMO_USER.password}
        ).status_code
        == 204
    )
    _error(
        api("POST", f"/api/users/{user_id}/password/verify", json={"password": "wrong"}),
        422,
        "session.invalid_credentials",
    )
    # No policy on set, as in Logto.
    assert api("PATCH", f"/api/users/{user_id}/password", json={"password": "a"}).status_code == 200
    assert (
        api("POST", f"/api/users/{user_id}/password/verify", json={"password": "a"}).status_code
        == 204
    )


@pytest.mark.parametrize(
    ("password", "codes"),
    [
        ("aB1", ["password_rejected.too_short"]),
        ("abcdefghij", ["password_rejected.restricted.sequence"]),
        ("password123", ["password_rejected.pwned"]),
        ("demodemo!", ["password_rejected.restricted.user_info"]),
    ],
)
def test_check_password_issues(
    api: Api, logto_emulator: EmulatorServer, password: str, codes: list[str]
) -> None:
    response = api(
        "POST",
        "/api/sign-in-exp/default/check-password",
        json={"password": password, "userId": _demo_id(logto_emulator)},
    )
    assert response.status_code == 400
    body = response.json()
    assert body["result"] is False
    assert [i["code"] for i in body["issues"]] == codes
    if codes == ["password_rejected.too_short"]:
        assert body["issues"][0]["interpolation"] == {"min": 8}


def test_check_password_accepts_a_good_one(api: Api, logto_emulator: EmulatorServer) -> None:
    response = api(
        "POST",
        "/api/sign-in-exp/default/check-password",
        json={"password": "Correct-Horse-7", "userId": _demo_id(logto_emulator)},
    )
    assert response.status_code == 200 and response.json() == {"result": True}


# -- verification codes -------------------------------------------------------------------------
def test_verification_code_round_trip(api: Api, logto_emulator: EmulatorServer) -> None:
    assert (
        api("POST", "/api/verification-codes", json={"email": "new@example.com"}).status_code == 204
    )
    code = logto_emulator.state.last_code(email="new@example.com")
    assert code is not None and len(code) == 6 and code.isdigit()
    wrong = "000000" if code != "000000" else "111111"
    _error(
        api(
            "POST",
            "/api/verification-codes/verify",
            json={"email": "new@example.com", "verificationCode": wrong},
        ),
        400,
        "verification_code.code_mismatch",
    )
    assert (
        api(
            "POST",
            "/api/verification-codes/verify",
            json={"email": "new@example.com", "verificationCode": code},
        ).status_code
        == 204
    )
    # Consumed: a second use finds nothing.
    _error(
        api(
            "POST",
            "/api/verification-codes/verify",
            json={"email": "new@example.com", "verificationCode": code},
        ),
        400,
        "verification_code.not_found",
    )


def test_verification_code_tries_and_expiry(api: Api, logto_emulator: EmulatorServer) -> None:
    api("POST", "/api/verification-codes", json={"phone": "15551234567"})
    code = logto_emulator.state.last_code(phone="15551234567")
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(10):
        api(
            "POST",
            "/api/verification-codes/verify",
            json={"phone": "15551234567", "verificationCode": wrong},
        )
    _error(
        api(
            "POST",
            "/api/verification-codes/verify",
            json={"phone": "15551234567", "verificationCode": code},
        ),
        400,
        "verification_code.exceed_max_try",
    )
    api("POST", "/api/verification-codes", json={"phone": "15551234567"})
    logto_emulator.state.codes[-1].created_at -= 601
    code = logto_emulator.state.last_code(phone="15551234567")
    _error(
        api(
            "POST",
            "/api/verification-codes/verify",
            json={"phone": "15551234567", "verificationCode": code},
        ),
        400,
        "verification_code.expired",
    )


def test_verification_code_needs_email_or_phone(api: Api) -> None:
    _error(api("POST", "/api/verification-codes", json={}), 400, "guard.invalid_input")


# -- connectors and identities --------------------------------------------------------------------
def test_connectors_and_link_unlink(api: Api, logto_emulator: EmulatorServer) -> None:
    (connector,) = [c for c in api("GET", "/api/connectors").json() if c["type"] == "Social"]
    assert connector["target"] == "mock-social" and connector["name"]["en"] == "Mock Social"
    redirect_to = api(
        "POST",
        f"/api/connectors/{connector['id']}/authorization-uri",
        json={"state": "s1", "redirectUri": "http://127.0.0.1:8000/cb"},
    ).json()["redirectTo"]
    assert redirect_to.startswith(logto_emulator.url + "/mock-social/authorize?")
    # A person picks an identity at the mock provider and comes back with code + state.
    back = requests.post(
        redirect_to,
        data={"userId": "social-42", "action": "allow"},
        allow_redirects=False,
        timeout=5,
    )
    assert back.status_code == 303
    location = back.headers["Location"]
    assert location.startswith("http://127.0.0.1:8000/cb?") and "state=s1" in location
    query = dict(p.split("=", 1) for p in location.split("?", 1)[1].split("&"))
    user_id = _demo_id(logto_emulator)
    linked = api(
        "POST",
        f"/api/users/{user_id}/identities",
        json={"connectorId": connector["id"], "connectorData": query},
    )
    assert linked.status_code == 200
    assert linked.json()["mock-social"]["userId"] == "social-42"
    other = api("POST", "/api/users", json={"username": "bob"}).json()["id"]
    _error(
        api(
            "POST",
            f"/api/users/{other}/identities",
            json={
                "connectorId": connector["id"],
                "connectorData": {"code": "c", "userId": "social-42"},
            },
        ),
        422,
        "user.identity_already_in_use",
    )
    assert api("DELETE", f"/api/users/{user_id}/identities/mock-social").json()["identities"] == {}
    _error(
        api("DELETE", f"/api/users/{user_id}/identities/mock-social"),
        404,
        "user.identity_not_exist",
    )


# -- MFA ------------------------------------------------------------------------------------------
def test_mfa_verifications(api: Api, logto_emulator: EmulatorServer) -> None:
    user_id = _demo_id(logto_emulator)
    path = f"/api/users/{user_id}/mfa-verifications"
    assert api("GET", path).json() == []
    _error(
        api("POST", path, json={"type": "BackupCode"}),
        422,
        "session.mfa.backup_code_can_not_be_alone",
    )
    _error(
        api("POST", path, json={"type": "Totp", "secret": "not base32!"}),
        422,
        "user.totp_secret_invalid",
    )
    secret = pyotp.random_base32()
    totp = api("POST", path, json={"type": "Totp", "secret": secret}).json()
    assert (
        totp["type"] == "Totp"
        and totp["secret"] == secret
        and totp["secretQrCode"].startswith("data:")
    )
    _error(api("POST", path, json={"type": "Totp"}), 422, "user.totp_already_in_use")
    codes = api("POST", path, json={"type": "BackupCode"}).json()["codes"]
    assert len(codes) == 10
    _error(api("POST", path, json={"type": "BackupCode"}), 422, "user.backup_code_already_in_use")
    listed = api("GET", path).json()
    assert [f["type"] for f in listed] == ["Totp", "BackupCode"] and listed[1]["remainCodes"] == 10
    assert "secret" not in listed[0]
    assert api("DELETE", f"{path}/{listed[0]['id']}").status_code == 204
    _error(api("DELETE", f"{path}/{listed[0]['id']}"), 404, "entity.not_found")


# -- personal access tokens -------------------------------------------------------------------------
def test_personal_access_tokens(api: Api, logto_emulator: EmulatorServer) -> None:
    user_id = _demo_id(logto_emulator)
    path = f"/api/users/{user_id}/personal-access-tokens"
    created = api("POST", path, json={"name": "ci", "expiresAt": int(time.time() * 1000) + 60_000})
    assert created.status_code == 201 and created.json()["value"].startswith("pat_")
    _error(api("POST", path, json={"name": "ci"}), 422, "user.personal_access_token_name_exists")
    _error(api("POST", path, json={"name": "old", "expiresAt": 1}), 400, "request.invalid_input")
    assert (
        api("PATCH", path, json={"currentName": "ci", "name": "deploy"}).json()["name"] == "deploy"
    )
    api("POST", path, json={"name": "second"})
    assert sorted(t["name"] for t in api("GET", path).json()) == ["deploy", "second"]
    assert api("POST", f"{path}/delete", json={"name": "deploy"}).status_code == 204
    assert api("DELETE", f"{path}/second").status_code == 204
    assert api("GET", path).json() == []
    _error(api("POST", f"{path}/delete", json={"name": "deploy"}), 404, "entity.not_found")


# -- sessions ---------------------------------------------------------------------------------------
def test_sessions_list_and_revoke(api: Api, logto_emulator: EmulatorServer) -> None:
    from tests.emulator.test_oidc import _full_sign_in

    _full_sign_in(logto_emulator, requests.Session())
    user_id = _demo_id(logto_emulator)
    (session,) = api("GET", f"/api/users/{user_id}/sessions").json()["sessions"]
    payload = session["payload"]
    assert payload["accountId"] == user_id and payload["kind"] == "Session"
    assert set(payload["authorizations"]) == {"demo-web-app"}
    assert session["lastSubmission"]["interactionEvent"] == "SignIn"
    assert (
        api(
            "DELETE",
            f"/api/users/{user_id}/sessions/{payload['uid']}",
            params={"revokeGrantsTarget": "all"},
        ).status_code
        == 204
    )
    assert api("GET", f"/api/users/{user_id}/sessions").json() == {"sessions": []}
    _error(
        api("DELETE", f"/api/users/{user_id}/sessions/{payload['uid']}"),
        404,
        "oidc.session_not_found",
    )


def test_revoking_a_sessions_grants_leaves_the_same_apps_other_session_signed_in(
    api: Api, logto_emulator: EmulatorServer
) -> None:
    # Two browsers, one app: a session and a grant each. Logto revokes the grants the ended
    # session holds, by id (revokeSessionAssociatedGrants), not every token of that app.
    from logto_emulator.oidc.access_tokens import find_user_access_token
    from tests.emulator.test_oidc import _full_sign_in

    state = logto_emulator.state
    kept = _full_sign_in(logto_emulator, requests.Session())["access_token"]
    ended = _full_sign_in(logto_emulator, requests.Session())["access_token"]
    ended_session = find_user_access_token(state, ended)
    assert ended_session is not None and ended_session.session_uid

    revoked = api(
        "DELETE",
        f"/api/users/{_demo_id(logto_emulator)}/sessions/{ended_session.session_uid}",
        params={"revokeGrantsTarget": "all"},
    )

    assert revoked.status_code == 204
    assert find_user_access_token(state, ended) is None
    assert find_user_access_token(state, kept) is not None


def test_personal_access_tokens_are_listed_by_value_as_a_fresh_logto_lists_them(
    api: Api, logto_emulator: EmulatorServer
) -> None:
    user = logto_emulator.state.create_user(username="pat_order")
    path = f"/api/users/{user['id']}/personal-access-tokens"
    for index in range(6):
        body = {"name": f"t{index}", **({"expiresAt": 4102444800000} if index % 2 else {})}
        assert api("POST", path, json=body).status_code == 201
    values = [token["value"] for token in api("GET", path).json()]
    assert values == sorted(values, key=str.encode)
    assert all(value[4:].isalnum() and len(value) == 36 for value in values)
