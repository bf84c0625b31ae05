"""Two-step verification through the Account API gateway (``responses`` as Logto): passkeys
added (Logto's registration, verified and bound with the user's own token and Logto's
verification record, the browser's User-Agent relayed, no Origin header), renamed and removed;
an authenticator app, backup codes and the switches through ``/api/my-account``; and with the
Management API as gateway, no passkey offered, in words."""

from __future__ import annotations

import json
from typing import Any

import pyotp
import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from account_center import signals
from account_center.auth.user_tokens import SESSION_KEY as TOKENS_KEY
from account_center.auth.user_tokens import sealed_tokens
from account_center.flows import logto_verification, mfa, passkeys
from account_center.logto.client import reset_client
from account_center.models import AuditEvent
from account_center.sealing import seal, unseal
from tests.helpers import ENDPOINT, SUB, USER_URL, body, calls

pytestmark = pytest.mark.django_db

WELL_KNOWN = f"{ENDPOINT}/api/.well-known/account-center"
FACTORS = f"{ENDPOINT}/api/my-account/mfa-verifications"
CONFIGS = f"{ENDPOINT}/api/my-account/logto-configs"
REGISTRATION = f"{ENDPOINT}/api/verifications/web-authn/registration"
PASSKEY = {"id": "f-pk", "type": "WebAuthn", "createdAt": 1, "name": "Work laptop", "agent": "x"}
OPTIONS = {
    "challenge": "Y2hhbGxlbmdl",
    "rp": {"name": "logto.test", "id": "logto.test"},
    "user": {"id": "dTE", "name": "alice", "displayName": "Alice"},
    "pubKeyCredParams": [{"alg": -7, "type": "public-key"}],
}
CREDENTIAL = {
    "id": "cred-1",
    "rawId": "cred-1",
    "type": "public-key",
    "response": {"clientDataJSON": "e30", "attestationObject": "o2M"},
    "clientExtensionResults": {},
}
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/140"
PASSKEYS_URL = "/account/two-step/passkeys/"


def _account_session(client: Client, clock: list[float]) -> Client:
    """The user's own tokens kept, and Logto's verification record from a step-up just now."""
    session = client.session
    session[TOKENS_KEY] = sealed_tokens(SUB, "at-1", "rt-1", 3600)
    record = json.dumps({"id": "vr-1", "sub": SUB, "until": clock[0] + 600})
    session[logto_verification.SESSION_KEY] = seal(record, logto_verification.SEALED_AS)
    session.save()
    return client


@pytest.fixture
def account_api(logto_mock: Any, settings: Any) -> Any:
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "account"
    cache.clear()
    reset_client()
    logto_mock.get(
        WELL_KNOWN,
        json={"enabled": True, "fields": {"mfa": "Edit"}, "webauthnRelatedOrigins": []},
    )
    logto_mock.get(FACTORS, json=[PASSKEY])
    logto_mock.get(CONFIGS, json={"mfa": {"enabled": True}})
    yield logto_mock
    cache.clear()
    reset_client()


@pytest.fixture
def own(stepped_up: Client, clock: list[float]) -> Client:
    return _account_session(stepped_up, clock)


def _m2m_fetched(mock: Any) -> bool:
    return any(
        "client_credentials" in (call.request.body or "")
        for call in calls(mock, "POST", f"{ENDPOINT}/oidc/token")
    )


def test_a_passkey_is_added_through_logto_with_the_browsers_user_agent(
    own: Client, account_api: Any, htmx_headers: dict[str, str]
) -> None:
    added: list[str] = []
    signals.mfa_factor_added.connect(
        lambda **kw: added.append(kw["factor"]), weak=False, dispatch_uid="t-passkey"
    )
    account_api.post(
        REGISTRATION,
        json={"verificationRecordId": "wa-1", "registrationOptions": OPTIONS, "expiresAt": None},
    )
    account_api.post(f"{REGISTRATION}/verify", json={"verificationRecordId": "wa-1"})
    account_api.post(FACTORS, status=204)

    started = own.post(PASSKEYS_URL, {"action": "start"}, **htmx_headers)
    html = started.content.decode()
    assert started.status_code == 200
    assert 'id="ac-passkey-options" type="application/json"' in html and "Y2hhbGxlbmdl" in html
    assert 'id="ac-passkey-finish"' in html
    assert "no-cache" in started.headers["Cache-Control"]
    assert passkeys.PENDING_KEY in own.session and "wa-1" not in str(own.session.items())

    finished = own.post(
        PASSKEYS_URL,
        {"action": "finish", "credential": json.dumps(CREDENTIAL)},
        HTTP_USER_AGENT=BROWSER,
        **htmx_headers,
    )

    assert "Your passkey is added" in finished.content.decode()
    [verify] = calls(account_api, "POST", f"{REGISTRATION}/verify")
    assert body(verify) == {
        "verificationRecordId": "wa-1",
        "payload": {**CREDENTIAL, "type": "WebAuthn"},
    }
    assert verify.request.headers["User-Agent"] == BROWSER
    assert "Origin" not in verify.request.headers  # the site's origin is a related origin
    assert verify.request.headers["Authorization"] == "Bearer at-1"
    [bound] = calls(account_api, "POST", FACTORS)
    assert body(bound) == {"type": "WebAuthn", "newIdentifierVerificationRecordId": "wa-1"}
    assert bound.request.headers["logto-verification-id"] == "vr-1"
    assert added == ["WebAuthn"]
    assert AuditEvent.objects.get(action="passkey_add").outcome == "success"
    assert passkeys.PENDING_KEY not in own.session
    assert not _m2m_fetched(account_api)
    signals.mfa_factor_added.disconnect(dispatch_uid="t-passkey")


def test_no_credential_from_the_browser_is_said_and_nothing_is_sent(
    own: Client, account_api: Any, htmx_headers: dict[str, str]
) -> None:
    account_api.post(
        REGISTRATION, json={"verificationRecordId": "wa-1", "registrationOptions": OPTIONS}
    )
    own.post(PASSKEYS_URL, {"action": "start"}, **htmx_headers)
    answer = own.post(
        PASSKEYS_URL, {"action": "finish", "failure": "NotAllowedError"}, **htmx_headers
    )
    assert "No passkey was made" in answer.content.decode()
    assert not calls(account_api, "POST", f"{REGISTRATION}/verify")
    assert passkeys.PENDING_KEY not in own.session


def test_a_finish_without_a_started_registration_is_refused_before_logto(
    own: Client, account_api: Any, htmx_headers: dict[str, str]
) -> None:
    answer = own.post(
        PASSKEYS_URL, {"action": "finish", "credential": json.dumps(CREDENTIAL)}, **htmx_headers
    )
    assert "This passkey&#x27;s setup has expired" in answer.content.decode()
    assert not calls(account_api, "POST", f"{REGISTRATION}/verify")


def test_starting_needs_step_up(
    auth_client: Client, account_api: Any, htmx_headers: dict[str, str], clock: list[float]
) -> None:
    client = _account_session(auth_client, clock)
    response = client.post(PASSKEYS_URL, {"action": "start"}, **htmx_headers)
    assert response.headers["HX-Retarget"] == "#ac-step-up-content"
    assert not calls(account_api, "POST", REGISTRATION)


def test_the_page_offers_a_passkey_and_says_it_needs_javascript(
    own: Client, account_api: Any
) -> None:
    html = own.get(reverse("account_center:mfa")).content.decode()
    assert 'id="ac-passkey-add"' in html and "data-ac-passkey-add hidden" in html
    assert "Adding a passkey needs JavaScript" in html
    assert "account_center/passkeys.js" in html
    assert "Rename" in html


def test_rename(own: Client, account_api: Any, htmx_headers: dict[str, str]) -> None:
    account_api.patch(f"{FACTORS}/f-pk/name", body="OK")
    form = own.get(PASSKEYS_URL, {"rename": "f-pk"}, **htmx_headers).content.decode()
    assert 'id="ac-passkey-rename"' in form and 'value="Work laptop"' in form

    answer = own.post(
        PASSKEYS_URL, {"action": "rename", "factor": "f-pk", "name": "  Home   desktop "},
        **htmx_headers,
    )

    assert "Renamed." in answer.content.decode()
    [renamed] = calls(account_api, "PATCH", f"{FACTORS}/f-pk/name")
    assert body(renamed) == {"name": "Home desktop"}
    assert renamed.request.headers["logto-verification-id"] == "vr-1"
    assert AuditEvent.objects.get(action="passkey_rename").detail["name"] == "Home desktop"


def test_remove_a_passkey_through_my_account(
    own: Client, account_api: Any, htmx_headers: dict[str, str]
) -> None:
    account_api.delete(f"{FACTORS}/f-pk", status=204)
    answer = own.post(
        reverse("account_center:mfa_remove"), {"factor": "f-pk", "kind": "WebAuthn"},
        **htmx_headers,
    )
    assert "Removed." in answer.content.decode()
    [removed] = calls(account_api, "DELETE", f"{FACTORS}/f-pk")
    assert removed.request.headers["logto-verification-id"] == "vr-1"
    assert not calls(account_api, "DELETE", f"{USER_URL}/mfa-verifications/f-pk")
    assert not _m2m_fetched(account_api)


def test_authenticator_app_backup_codes_and_switches_through_my_account(
    own: Client, account_api: Any, htmx_headers: dict[str, str], clock: list[float]
) -> None:
    account_api.post(FACTORS, status=204)
    account_api.post(f"{FACTORS}/backup-codes/generate", json={"codes": ["c0dea00001"] * 10})
    account_api.patch(CONFIGS, json={"mfa": {"enabled": False}})
    app = reverse("account_center:mfa_app")
    own.post(app, {"action": "start"}, **htmx_headers)
    secret = unseal(own.session[mfa.PENDING_KEY]["sealed"], mfa.SEALED_AS)
    code = pyotp.TOTP(secret).at(int(clock[0]))
    own.post(app, {"action": "confirm", "code": code}, **htmx_headers)
    [totp] = [c for c in calls(account_api, "POST", FACTORS) if body(c)["type"] == "Totp"]
    # Logto's Account API checks the code itself.
    assert body(totp) == {"type": "Totp", "secret": secret, "code": code}
    assert totp.request.headers["logto-verification-id"] == "vr-1"

    codes = own.post(reverse("account_center:mfa_backup_codes"), **htmx_headers)
    assert "c0dea00001" in codes.content.decode()
    [saved] = [c for c in calls(account_api, "POST", FACTORS) if body(c)["type"] == "BackupCode"]
    assert saved.request.headers["logto-verification-id"] == "vr-1"

    own.post(reverse("account_center:mfa_settings"), {"mfa_enabled": "off"}, **htmx_headers)
    [switched] = calls(account_api, "PATCH", CONFIGS)
    assert body(switched) == {"mfa": {"enabled": False}}
    assert not calls(account_api, "GET", f"{USER_URL}/mfa-verifications")
    assert not _m2m_fetched(account_api)


def test_with_the_management_api_no_passkey_is_offered_and_the_page_says_why(
    stepped_up: Client, logto_mock: Any, htmx_headers: dict[str, str]
) -> None:
    logto_mock.get(f"{USER_URL}/mfa-verifications", json=[PASSKEY])
    logto_mock.get(f"{USER_URL}/logto-configs", json={})
    html = stepped_up.get(reverse("account_center:mfa")).content.decode()
    assert 'id="ac-passkey-add"' not in html and "Rename" not in html
    assert "does not reach Logto through its Account API" in html
    refused = stepped_up.post(PASSKEYS_URL, {"action": "start"}, **htmx_headers)
    assert "only be added or renamed through Logto&#x27;s Account API" in refused.content.decode()
    assert not calls(logto_mock, "POST", REGISTRATION)
