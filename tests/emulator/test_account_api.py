"""The emulator's Account API (``/api/my-account``, ``/api/verifications``) beyond what the
differential sequence compares with a real Logto: expiry, the first-party check, field settings,
code round trips and a passkey's attestation."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from logto_emulator.account import api as account_api
from logto_emulator.seed import DEMO_CLIENTS
from logto_emulator.server import EmulatorServer
from tests.contract.differential.authenticator import create_credential
from tests.contract.differential.targets import EmulatorTarget

PASSWORD = "Account-api-2024!"
EDIT_ALL = {
    name: "Edit"
    for name in (
        "name", "avatar", "profile", "email", "phone", "password", "username", "social",
        "customData", "mfa", "session",
    )
}


class Me:
    """The signed-in user's side of the Account API, with their own opaque token."""

    def __init__(self, server: EmulatorServer, base: str | None = None) -> None:
        self.server = server
        self.url = base or server.url
        self.user = server.state.create_user(
            username="acct", password=PASSWORD, primary_email="acct@example.com"
        )
        self.token = EmulatorTarget(server).user_token("acct", PASSWORD)

    def __call__(
        self, method: str, path: str, *, proof: str | None = None, **kwargs: Any
    ) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        if proof:
            headers["logto-verification-id"] = proof
        return requests.request(method, self.url + path, headers=headers, timeout=5, **kwargs)

    def password_record(self) -> str:
        answer = self("POST", "/api/verifications/password", json={"password": PASSWORD})
        assert answer.status_code == 201, answer.text
        return str(answer.json()["verificationRecordId"])


@pytest.fixture
def me(logto_emulator: EmulatorServer) -> Iterator[Me]:
    logto_emulator.state.configure_account_center(fields=EDIT_ALL)
    yield Me(logto_emulator)


def test_the_account_api_is_closed_until_the_tenant_enables_it(
    logto_emulator: EmulatorServer,
) -> None:
    me = Me(logto_emulator)
    refused = me("GET", "/api/my-account")
    assert (refused.status_code, refused.json()["code"]) == (400, "account_center.not_enabled")
    logto_emulator.state.configure_account_center(fields={"name": "ReadOnly"})
    assert me("GET", "/api/my-account").json()["id"] == me.user["id"]


def test_a_verification_record_proves_identity_for_600_seconds_only(
    me: Me, monkeypatch: pytest.MonkeyPatch
) -> None:
    proof = me.password_record()
    change = {"username": "acct"}
    assert me("PATCH", "/api/my-account", json=change, proof=proof).status_code == 200
    made = account_api.now_ms()
    monkeypatch.setattr(account_api, "now_ms", lambda: made + 599_000)
    assert me("PATCH", "/api/my-account", json=change, proof=proof).status_code == 200
    monkeypatch.setattr(account_api, "now_ms", lambda: made + 601_000)
    late = me("PATCH", "/api/my-account", json=change, proof=proof)
    assert (late.status_code, late.json()["code"]) == (
        401,
        "verification_record.permission_denied",
    )


def test_a_record_proves_only_its_own_users_identity(
    me: Me, logto_emulator: EmulatorServer
) -> None:
    proof = me.password_record()
    other = logto_emulator.state.create_user(username="other", password=PASSWORD)
    other_token = EmulatorTarget(logto_emulator).user_token("other", PASSWORD)
    answer = requests.post(
        f"{me.url}/api/my-account/password",
        json={"password": "Another-pass-2024!"},
        headers={"Authorization": f"Bearer {other_token}", "logto-verification-id": proof},
        timeout=5,
    )
    assert (answer.status_code, answer.json()["code"]) == (
        401,
        "verification_record.permission_denied",
    )
    assert other["_password"]  # unchanged: still a password, and not the one sent


def test_a_third_party_application_may_read_but_not_prove_or_change(
    me: Me, logto_emulator: EmulatorServer
) -> None:
    logto_emulator.state.applications[DEMO_CLIENTS.web_app_id].is_third_party = True
    assert me("GET", "/api/my-account").status_code == 200
    for method, path, body in (
        ("POST", "/api/verifications/password", {"password": PASSWORD}),
        ("PATCH", "/api/my-account", {"name": "x"}),
        ("POST", "/api/verifications/web-authn/registration", None),
    ):
        answer = me(method, path, json=body)
        assert (answer.status_code, answer.json()["code"]) == (
            403,
            "auth.third_party_application_forbidden",
        ), path


def test_field_settings_hide_what_is_off_and_refuse_what_is_read_only(
    me: Me, logto_emulator: EmulatorServer
) -> None:
    logto_emulator.state.configure_account_center(fields={"name": "ReadOnly"})
    shown = me("GET", "/api/my-account").json()
    assert "name" in shown and "primaryEmail" not in shown and "username" not in shown
    refused = me("PATCH", "/api/my-account", json={"name": "New"})
    assert (refused.status_code, refused.json()["code"]) == (
        400,
        "account_center.field_not_editable",
    )
    assert logto_emulator.state.users[me.user["id"]]["name"] is None


def test_a_code_to_a_new_email_makes_it_the_primary_one(
    me: Me, logto_emulator: EmulatorServer
) -> None:
    proof = me.password_record()
    new = "new-acct@example.com"
    sent = me(
        "POST",
        "/api/verifications/verification-code",
        json={"identifier": {"type": "email", "value": new}},
    )
    assert sent.status_code == 201, sent.text
    record = sent.json()["verificationRecordId"]
    code = logto_emulator.state.last_code(email=new)
    verified = me(
        "POST",
        "/api/verifications/verification-code/verify",
        json={
            "identifier": {"type": "email", "value": new},
            "verificationId": record,
            "code": code,
        },
    )
    assert verified.json() == {"verificationRecordId": record}
    # A code to a new address proves that address, never who the user is.
    refused = me("PATCH", "/api/my-account", json={"username": "acct"}, proof=record)
    assert refused.status_code == 401
    answer = me(
        "POST",
        "/api/my-account/primary-email",
        json={"email": new, "newIdentifierVerificationRecordId": record},
        proof=proof,
    )
    assert answer.status_code == 204, answer.text
    assert logto_emulator.state.users[me.user["id"]]["primaryEmail"] == new


def test_a_code_to_the_own_email_proves_identity(me: Me, logto_emulator: EmulatorServer) -> None:
    own = {"type": "email", "value": "acct@example.com"}
    record = me("POST", "/api/verifications/verification-code", json={"identifier": own}).json()[
        "verificationRecordId"
    ]
    unverified = me("PATCH", "/api/my-account", json={"username": "acct"}, proof=record)
    assert unverified.status_code == 401
    code = logto_emulator.state.last_code(email="acct@example.com")
    me(
        "POST",
        "/api/verifications/verification-code/verify",
        json={"identifier": own, "verificationId": record, "code": code},
    )
    accepted = me("PATCH", "/api/my-account", json={"username": "acct"}, proof=record)
    assert accepted.status_code == 200


def test_the_session_of_the_token_is_the_current_one(me: Me) -> None:
    sessions = me("GET", "/api/my-account/sessions", proof=me.password_record()).json()["sessions"]
    assert [s["isCurrent"] for s in sessions] == [True]


def _register(me: Me, origin_header: str | None, page_origin: str) -> requests.Response:
    started = me("POST", "/api/verifications/web-authn/registration").json()
    credential = create_credential(started["registrationOptions"], page_origin)
    headers = {"Origin": origin_header} if origin_header else {}
    return me(
        "POST",
        "/api/verifications/web-authn/registration/verify",
        json={
            "verificationRecordId": started["verificationRecordId"],
            "payload": {**credential, "type": "WebAuthn"},
        },
        headers={**headers, "User-Agent": "Chromium test"},
    )


def test_the_relying_party_is_the_host_the_request_reached(
    logto_emulator: EmulatorServer,
) -> None:
    logto_emulator.state.configure_account_center(fields=EDIT_ALL)
    me = Me(logto_emulator, base=logto_emulator.url.replace("127.0.0.1", "localhost"))
    options = me("POST", "/api/verifications/web-authn/registration").json()[
        "registrationOptions"
    ]
    assert options["rp"] == {"name": "localhost", "id": "localhost"}
    user_id = base64.urlsafe_b64decode(options["user"]["id"] + "==").decode()
    assert user_id == me.user["id"]


def test_a_passkey_from_an_unrelated_origin_is_refused_when_relayed(me: Me) -> None:
    refused = _register(me, None, "http://localhost:8151")
    assert refused.status_code == 400
    assert refused.json()["code"] == "session.mfa.webauthn_verification_failed"
    assert refused.json()["data"]["message"] == (
        'Unexpected registration response origin "http://localhost:8151", expected one of: '
    )


def test_the_origin_header_passes_as_on_logto_with_koa_3(me: Me) -> None:
    assert _register(me, "http://localhost:8151", "http://localhost:8151").status_code == 200


def test_a_passkey_is_verified_bound_renamed_and_removed(
    me: Me, logto_emulator: EmulatorServer
) -> None:
    state = logto_emulator.state
    state.configure_account_center(
        fields=EDIT_ALL, webauthn_related_origins=["http://localhost:8151"]
    )
    started = me("POST", "/api/verifications/web-authn/registration").json()
    credential = create_credential(started["registrationOptions"], "http://localhost:8151")
    record = started["verificationRecordId"]
    tampered = {**credential, "type": "WebAuthn", "response": dict(credential["response"])}
    tampered["response"]["attestationObject"] = credential["response"]["attestationObject"][:-8]
    bad = me(
        "POST",
        "/api/verifications/web-authn/registration/verify",
        json={"verificationRecordId": record, "payload": tampered},
    )
    assert bad.json()["code"] == "session.mfa.webauthn_verification_failed"
    verified = me(
        "POST",
        "/api/verifications/web-authn/registration/verify",
        json={"verificationRecordId": record, "payload": {**credential, "type": "WebAuthn"}},
        headers={"User-Agent": "Chromium test"},
    )
    assert verified.status_code == 200, verified.text
    proof = me.password_record()
    bind = {"type": "WebAuthn", "newIdentifierVerificationRecordId": record, "name": "laptop"}
    not_enabled = me("POST", "/api/my-account/mfa-verifications", json=bind, proof=proof)
    assert not_enabled.json()["code"] == "session.mfa.mfa_factor_not_enabled"
    api = EmulatorTarget(logto_emulator).api
    api.patch(f"{me.url}/api/sign-in-exp", json={"passkeySignIn": {"enabled": True}})
    bound = me("POST", "/api/my-account/mfa-verifications", json=bind, proof=proof)
    assert bound.status_code == 204
    stored = state.users[me.user["id"]]["_mfa"][0]
    assert stored["credentialId"] == credential["id"]
    assert (stored["rpId"], stored["agent"], stored["transports"]) == (
        "127.0.0.1",
        "Chromium test",
        ["internal"],
    )
    listed = me("GET", "/api/my-account/mfa-verifications").json()
    assert [(f["type"], f["name"], f["agent"]) for f in listed] == [
        ("WebAuthn", "laptop", "Chromium test")
    ]
    factor = listed[0]["id"]
    renamed = me(
        "PATCH", f"/api/my-account/mfa-verifications/{factor}/name", json={"name": "phone"},
        proof=proof,
    )
    assert renamed.status_code == 200
    assert stored["name"] == "phone"
    assert me("DELETE", f"/api/my-account/mfa-verifications/{factor}").status_code == 401
    assert (
        me("DELETE", f"/api/my-account/mfa-verifications/{factor}", proof=proof).status_code == 204
    )
    assert state.users[me.user["id"]]["_mfa"] == []


def test_passkey_options_exclude_the_users_passkeys(
    me: Me, logto_emulator: EmulatorServer
) -> None:
    logto_emulator.state.users[me.user["id"]]["_mfa"].append(
        {
            "id": "p1",
            "type": "WebAuthn",
            "credentialId": "Y3JlZA",
            "transports": ["internal"],
            "createdAt": "2026-01-01T00:00:00.000Z",
        }
    )
    options = me("POST", "/api/verifications/web-authn/registration").json()[
        "registrationOptions"
    ]
    assert options["excludeCredentials"] == [
        {"id": "Y3JlZA", "type": "public-key", "transports": ["internal"]}
    ]
    assert json.dumps(options["authenticatorSelection"], sort_keys=True) == json.dumps(
        {"requireResidentKey": True, "residentKey": "required", "userVerification": "required"},
        sort_keys=True,
    )
