"""What the differential run found, pinned one by one so a regression names its rule.

The full comparison with a real Logto's recorded answers is tests/contract/differential.
"""

from __future__ import annotations

import pytest
import requests

from account_center.logto.client import LogtoClient
from account_center.logto.errors import LogtoAPIError
from logto_emulator import totp
from logto_emulator.seed import DEMO_CLIENTS, DEMO_USER
from logto_emulator.server import EmulatorServer
from tests.emulator.conftest import Api


def _demo_id(server: EmulatorServer) -> str:
    user = server.state.find_user_by("username", DEMO_USER.username)
    assert user is not None
    return str(user["id"])


def _client(server: EmulatorServer) -> LogtoClient:
    return LogtoClient(
        endpoint=server.url,
        m2m_app_id=DEMO_CLIENTS.m2m_app_id,
        m2m_app_secret=DEMO_CLIENTS.m2m_app_secret,
        resource="https://default.logto.app/api",
    )


def test_a_missing_route_is_plain_text_without_a_code(api: Api) -> None:
    answer = api("GET", "/api/no-such-route")
    assert (answer.status_code, answer.text) == (404, "Not Found")
    assert answer.headers["content-type"].startswith("text/plain")


def test_a_wrong_method_is_405_with_allow(api: Api) -> None:
    answer = api("PUT", "/api/verification-codes", json={})
    assert (answer.status_code, answer.text) == (405, "Method Not Allowed")
    assert answer.headers["allow"] == "POST"


def test_the_client_tells_a_missing_route_from_a_refusal(logto_emulator: EmulatorServer) -> None:
    client = _client(logto_emulator)
    missing = client.session.get(
        f"{logto_emulator.url}/api/no-such-route",
        headers={"Authorization": f"Bearer {client.get_access_token()}"},
    )
    refused = client.session.get(
        f"{logto_emulator.url}/api/users/nobody00",
        headers={"Authorization": f"Bearer {client.get_access_token()}"},
    )
    assert client._is_missing_route(missing)
    assert not client._is_missing_route(refused)


@pytest.mark.parametrize(
    ("secret", "status"),
    [
        ("JBSWY3DPEHPK3PXP", 200),  # 16 characters: Logto's minimum
        ("JBSWY3DPEHPK3PXPJB======", 200),  # padded to a whole block
        ("JBSWY3DPEHPK3PXPJBSW", 422),  # 20 characters, not a whole block
        ("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSW", 422),  # over 32
        ("jbswy3dpehpk3pxp", 422),  # lower case is not RFC 4648 base32
    ],
)
def test_totp_secret_rule_is_logtos(
    api: Api, logto_emulator: EmulatorServer, secret: str, status: int
) -> None:
    user_id = _demo_id(logto_emulator)
    answer = api(
        "POST", f"/api/users/{user_id}/mfa-verifications", json={"type": "Totp", "secret": secret}
    )
    assert answer.status_code == status
    factors = api("GET", f"/api/users/{user_id}/mfa-verifications").json()
    # Nothing is saved when the secret is refused.
    assert [f["type"] for f in factors] == (["Totp"] if status == 200 else [])


def test_a_short_secret_signs_in_with_its_codes() -> None:
    # RFC 6238's test key, 20 bytes; and the 16-character secret pyotp refuses.
    rfc_key = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    assert totp.code_at(rfc_key, 59 // 30) == "287082"
    assert totp.verify("JBSWY3DPEHPK3PXP", totp.now_code("JBSWY3DPEHPK3PXP"))


def test_backup_codes_are_exactly_ten_hex_in_either_case(
    api: Api, logto_emulator: EmulatorServer
) -> None:
    user_id = _demo_id(logto_emulator)
    api("POST", f"/api/users/{user_id}/mfa-verifications", json={"type": "Totp"})
    path = f"/api/users/{user_id}/mfa-verifications"
    three = api("POST", path, json={"type": "BackupCode", "codes": ["0123456789"] * 3})
    assert three.json()["code"] == "user.wrong_backup_code_format"
    upper = [f"{i:010X}" for i in range(0xA0, 0xAA)]
    assert api("POST", path, json={"type": "BackupCode", "codes": upper}).status_code == 200


def test_without_connectors_codes_cannot_be_sent(api: Api, logto_emulator: EmulatorServer) -> None:
    requests.post(
        f"{logto_emulator.url}/_emulator/connectors", json={"on": False, "kinds": ["email"]}
    )
    assert sorted(c["type"] for c in api("GET", "/api/connectors").json()) == ["Sms", "Social"]
    answer = api("POST", "/api/verification-codes", json={"email": "a@example.com"})
    assert (answer.status_code, answer.json()["code"]) == (501, "connector.not_found")
    assert api("POST", "/api/verification-codes", json={"phone": "15555550123"}).status_code == 204


def test_a_connector_of_the_wrong_type(api: Api, logto_emulator: EmulatorServer) -> None:
    email = logto_emulator.state.connector_id("email")
    body = {"state": "s", "redirectUri": "http://127.0.0.1:8000/cb"}
    uri = api("POST", f"/api/connectors/{email}/authorization-uri", json=body)
    assert (uri.status_code, uri.json()["code"]) == (400, "connector.unexpected_type")
    user_id = _demo_id(logto_emulator)
    link = api(
        "POST",
        f"/api/users/{user_id}/identities",
        json={"connectorId": email, "connectorData": {"code": "c"}},
    )
    assert (link.status_code, link.json()["code"]) == (422, "session.invalid_connector_id")


def test_guard_errors_carry_zod_issues_and_details(
    api: Api, logto_emulator: EmulatorServer
) -> None:
    user_id = _demo_id(logto_emulator)
    answer = api("PATCH", f"/api/users/{user_id}/logto-configs", json={"mfa": None})
    body = answer.json()
    assert (answer.status_code, body["code"]) == (400, "guard.invalid_input")
    assert body["data"]["name"] == "ZodError"
    assert body["data"]["issues"][0]["path"] == ["mfa"]
    assert (
        body["details"]
        == 'Error in key path "mfa": (invalid_type) Expected object but received null.'
    )


def test_a_token_for_an_unknown_user_is_a_refusal(logto_emulator: EmulatorServer) -> None:
    client = _client(logto_emulator)
    with pytest.raises(LogtoAPIError) as refused:
        client.create_personal_access_token("nobody00", name="ci")
    assert refused.value.code == "entity.relation_foreign_key_not_found"


def test_sessions_of_an_unknown_user_are_none(api: Api) -> None:
    answer = api("GET", "/api/users/nobody00/sessions")
    assert (answer.status_code, answer.json()) == (200, {"sessions": []})
