"""What "Download my data" holds: the declared custom-data fields (the adapter decides the rest),
linked accounts without the provider's codes, state or tokens, and the security activity in words,
without the addresses of the site's administrators or of Logto."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from account_center.adapter import DefaultAccountCenterAdapter
from account_center.flows import admin_actions, audit
from account_center.models import LogtoIdentity
from tests.helpers import SUB, USER_URL, logto_user

URL = reverse("account_center:deletion")
DECLARED = [{"key": "nickname", "label": "Nickname", "type": "text"}]
GOOGLE_DETAILS = {
    "id": "g-123",
    "name": "Alice G",
    "email": "alice@gmail.example",
    "avatar": "https://pics.example/a.png",
    "rawData": {
        "code": "c0de-from-the-provider",
        "state": "st4te-of-the-link",
        "redirectUri": "https://site.example/account/connections/callback/",
        "access_token": "ya29.provider-token",
        "userId": "g-123",
        "email": "alice@gmail.example",
        "address": {"state": "Taipei", "country": "TW"},
    },
}


def download(client, logto_mock, **account: Any) -> dict[str, Any]:
    logto_mock.get(USER_URL, json=logto_user(**account))
    logto_mock.get(f"{USER_URL}/mfa-verifications", json=[])
    logto_mock.get(f"{USER_URL}/personal-access-tokens", json=[])
    answer = client.post(URL, {"action": "download"})
    assert answer.status_code == 200, answer.content[:300]
    return json.loads(answer.content)


def test_custom_data_holds_the_declared_fields_only(stepped_up, logto_mock, settings) -> None:
    settings.ACCOUNT_CENTER_CUSTOM_DATA_FIELDS = DECLARED
    data = download(
        stepped_up, logto_mock, customData={"nickname": "Ali", "fraud_flag": True, "plan": "pro"}
    )
    assert data["account"]["custom_data"] == {"nickname": "Ali"}


class KeepsPlan(DefaultAccountCenterAdapter):
    def export_custom_data(self, request, custom_data):
        return {**super().export_custom_data(request, custom_data), "plan": custom_data["plan"]}


def test_the_adapter_decides_the_rest_of_custom_data(stepped_up, logto_mock, settings) -> None:
    settings.ACCOUNT_CENTER_CUSTOM_DATA_FIELDS = DECLARED
    settings.ACCOUNT_CENTER_ADAPTER = f"{__name__}.KeepsPlan"
    data = download(
        stepped_up, logto_mock, customData={"nickname": "Ali", "fraud_flag": True, "plan": "pro"}
    )
    assert data["account"]["custom_data"] == {"nickname": "Ali", "plan": "pro"}


def test_linked_accounts_carry_no_code_state_or_token(stepped_up, logto_mock) -> None:
    data = download(
        stepped_up,
        logto_mock,
        identities={"google": {"userId": "g-123", "details": GOOGLE_DETAILS}},
        ssoIdentities=[
            {
                "issuer": "https://idp.example",
                "identityId": "e-1",
                "ssoConnectorId": "sso-1",
                "detail": {"name": "Alice E", "id_token": "eyJ.sso.token", "nonce": "n0nce"},
            }
        ],
    )
    text = json.dumps(data)
    for secret in (
        "c0de-from-the-provider",
        "st4te-of-the-link",
        "ya29.provider-token",
        "callback",
        "eyJ.sso.token",
        "n0nce",
    ):
        assert secret not in text, secret
    details = data["account"]["identities"]["google"]["details"]
    # What describes the person stays, a "state" in their address included.
    assert details["name"] == "Alice G" and details["rawData"]["email"] == "alice@gmail.example"
    assert details["rawData"]["address"] == {"state": "Taipei", "country": "TW"}
    assert data["account"]["sso_identities"][0]["detail"] == {"name": "Alice E"}


@pytest.fixture
def staff_request(rf, django_user_model):
    staff = django_user_model.objects.create_user(username="staff-bob", is_staff=True)
    request = rf.post("/admin/", REMOTE_ADDR="192.0.2.77", HTTP_USER_AGENT="StaffBrowser/1.0")
    request.user = staff
    return request


def test_security_activity_is_in_words_without_staff_details(
    stepped_up, logto_mock, user, rf, staff_request
) -> None:
    identity = LogtoIdentity.objects.get(user=user)
    admin_actions.record(staff_request, identity, "admin_suspend", audit.SUCCESS)
    hook = rf.post("/hooks/", REMOTE_ADDR="198.51.100.200", HTTP_USER_AGENT="LogtoHook/1.0")
    hook.user = None
    audit.record(hook, "webhook_user_updated", audit.SUCCESS, sub=SUB, fields=["name"])
    own = rf.post("/", REMOTE_ADDR="203.0.113.9")
    own.user = user
    audit.record(own, "totp_add", audit.FAILURE, sub=SUB, reason="wrong_code")

    data = download(stepped_up, logto_mock)
    text = json.dumps(data)
    for staff_detail in ("192.0.2.77", "staff-bob", "StaffBrowser", "198.51.100.200", "LogtoHook"):
        assert staff_detail not in text, staff_detail
    rows = {row["action"]: row for row in data["security_activity"]}
    assert rows["admin_suspend"]["what"] == (
        "Your account was suspended by the site's administrators"
    )
    assert "ip_address" not in rows["admin_suspend"]
    assert rows["webhook_user_updated"]["what"] == (
        "Your details on this site were updated from your account"
    )
    assert rows["totp_add"] | {"when": None} == {
        "when": None,
        "what": "Wrong authenticator code entered",
        "result": "Failed",
        "action": "totp_add",
        "outcome": "failure",
        "ip_address": "203.0.113.9",
        "device": None,
    }
    assert rows["data_download"]["what"] == "Downloaded your data"


def test_the_download_speaks_the_users_language(stepped_up, logto_mock) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    logto_mock.get(f"{USER_URL}/mfa-verifications", json=[])
    logto_mock.get(f"{USER_URL}/personal-access-tokens", json=[])
    answer = stepped_up.post(URL, {"action": "download"}, HTTP_ACCEPT_LANGUAGE="zh-TW")
    rows = {row["action"]: row for row in json.loads(answer.content)["security_activity"]}
    assert rows["data_download"]["what"] == "已下載您的資料"
    assert rows["sign_in"]["what"] == "已登入"
