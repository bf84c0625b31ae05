"""The Account API resources: each method sends the right request with the user's own token (and
the verification header when given), maps Logto's answer, and turns Logto's refusals (codes as
tried on the lab, ACCOUNT-API.md) into typed errors."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

import pytest
import responses

from account_center.logto.account_models import (
    AccountCenterSettings,
    AccountSession,
    AppGrant,
    OwnAccount,
    PasskeyRegistration,
    SocialVerification,
    VerificationRecord,
)
from account_center.logto.errors import (
    LogtoAPIError,
    LogtoError,
    LogtoFieldClosed,
    LogtoNotFound,
    LogtoOutcomeUnknown,
    LogtoRateLimited,
    LogtoUnavailable,
    LogtoUserTokenRefused,
    LogtoVerificationNotFound,
    LogtoVerificationRequired,
)
from account_center.logto.models import MfaVerification

from tests.faults.test_client_faults import EXPECTED, FAULTS, OUTCOME_LOST
from tests.faults.test_client_faults import METHODS as FAULT_METHODS

from .conftest import ENDPOINT, M2M_SECRET, add_token, tokens_fetched
from .user_token_double import FakeUserTokens

ME = f"{ENDPOINT}/api/my-account"
VERIFY = f"{ENDPOINT}/api/verifications"
HDR = "logto-verification-id"
EXPIRES = "2026-12-01T00:10:00.000Z"
RECORD = {"verificationRecordId": "rec-1", "expiresAt": EXPIRES}

# ``GET /api/my-account`` as the lab answered it (ACCOUNT-API.md §3), with every field shown.
ME_JSON = {
    "id": "u1",
    "username": "labuser",
    "primaryEmail": "lab@example.com",
    "primaryPhone": None,
    "name": "Lab User",
    "avatar": None,
    "customData": {},
    "identities": {},
    "lastSignInAt": 1_796_430_591_678,
    "createdAt": 1_790_000_000_000,
    "updatedAt": 1_796_430_591_678,
    "profile": {},
    "applicationId": "web-app",
    "cimdClientId": None,
    "isSuspended": False,
    "hasPassword": True,
    "hasSecurityVerificationMethod": True,
}
OPTIONS = {
    "rp": {"name": "localhost", "id": "localhost"},
    "user": {"id": "dXNlcg", "name": "labuser", "displayName": "Lab User"},
    "challenge": "Y2hhbGxlbmdl",
    "pubKeyCredParams": [{"alg": -7, "type": "public-key"}, {"alg": -257, "type": "public-key"}],
    "timeout": 60000,
    "excludeCredentials": [],
    "authenticatorSelection": {
        "requireResidentKey": True,
        "residentKey": "required",
        "userVerification": "required",
    },
    "attestation": "none",
    "extensions": {"credProps": True},
}
CREDENTIAL = {  # PublicKeyCredential.toJSON() as Chromium gave it
    "id": "cred-1",
    "rawId": "cred-1",
    "type": "public-key",
    "authenticatorAttachment": "platform",
    "clientExtensionResults": {"credProps": {"rk": True}},
    "response": {"clientDataJSON": "e30", "attestationObject": "o2M", "transports": ["internal"]},
}
SESSION_JSON = {
    "payload": {
        "exp": 1_797_000_000,
        "iat": 1_796_430_591,
        "jti": "j",
        "uid": "s" * 43,
        "kind": "Session",
        "loginTs": 1_796_430_591,
        "accountId": "u1",
        "authorizations": {"web-app": {"sid": "sid-1", "grantId": "g1", "persistsLogout": True}},
    },
    "lastSubmission": {"signInContext": {"ip": "127.0.0.1", "userAgent": "Chromium"}},
    "clientId": "web-app",
    "accountId": "u1",
    "expiresAt": 1_797_000_000_000,
    "isCurrent": True,
}
GRANT_JSON = {
    "id": "g1",
    "payload": {
        "exp": 1_797_000_000,
        "iat": 1_796_430_591,
        "jti": "g1",
        "kind": "Grant",
        "clientId": "web-app",
        "accountId": "u1",
        "openid": {"scope": "openid profile"},
    },
    "expiresAt": 1_797_000_000_000,
    "application": {"id": "web-app", "name": "Account center"},
}
SETTINGS_JSON = {
    "tenantId": "default",
    "id": "default",
    "enabled": True,
    "fields": {"name": "Edit", "email": "ReadOnly", "mfa": "Edit"},
    "webauthnRelatedOrigins": ["http://localhost:8000"],
    "deleteAccountUrl": None,
    "customCss": None,
    "profileFields": None,
}


@pytest.fixture
def me() -> FakeUserTokens:
    return FakeUserTokens("user-at-1", "user-at-2")


# (method, args, kwargs, HTTP method, URL, JSON body sent or None, verification header sent,
#  answer status, answer JSON, check of the result)
CASES = [
    pytest.param(
        "get_own_account", (), {}, "GET", ME, None, None, 200, ME_JSON,
        lambda r: isinstance(r, OwnAccount) and r.primary_email == "lab@example.com"
        and r.has_security_verification_method is True and r.application_id == "web-app",
        id="get_own_account",
    ),
    pytest.param(
        "update_own_account", (), {"name": "Ada", "avatar": None}, "PATCH", ME,
        {"name": "Ada", "avatar": None}, None, 200, {**ME_JSON, "name": "Ada"},
        lambda r: isinstance(r, OwnAccount) and r.name == "Ada",
        id="update_own_account-only-given-keys",
    ),
    pytest.param(
        "update_own_account", (), {"username": "ada", "verification_id": "rec-1"}, "PATCH", ME,
        {"username": "ada"}, "rec-1", 200, ME_JSON, lambda r: isinstance(r, OwnAccount),
        id="update_own_account-username-with-record",
    ),
    pytest.param(
        "update_own_account", (), {"custom_data": {"team": "core"}}, "PATCH", ME,
        {"customData": {"team": "core"}}, None, 200, ME_JSON, lambda r: r.id == "u1",
        id="update_own_account-custom-data",
    ),
    pytest.param(
        "update_own_profile", ({"givenName": "Ada"},), {}, "PATCH", f"{ME}/profile",
        {"givenName": "Ada"}, None, 200, {"givenName": "Ada", "nickname": "al"},
        lambda r: r == {"givenName": "Ada", "nickname": "al"},
        id="update_own_profile-body-is-the-profile",
    ),
    pytest.param(
        "set_own_password", ("n3w-Passw0rd!",), {"verification_id": "rec-1"}, "POST",
        f"{ME}/password", {"password": "n3w-Passw0rd!"}, "rec-1", 204, None,
        lambda r: r is None, id="set_own_password-is-a-POST",
    ),
    pytest.param(
        "set_own_primary_email", ("new@example.com",),
        {"new_record_id": "rec-new", "verification_id": "rec-1"}, "POST", f"{ME}/primary-email",
        {"email": "new@example.com", "newIdentifierVerificationRecordId": "rec-new"}, "rec-1",
        204, None, lambda r: r is None, id="set_own_primary_email",
    ),
    pytest.param(
        "remove_own_primary_email", (), {"verification_id": "rec-1"}, "DELETE",
        f"{ME}/primary-email", None, "rec-1", 204, None, lambda r: r is None,
        id="remove_own_primary_email",
    ),
    pytest.param(
        "set_own_primary_phone", ("4915112345678",),
        {"new_record_id": "rec-new", "verification_id": "rec-1"}, "POST", f"{ME}/primary-phone",
        {"phone": "4915112345678", "newIdentifierVerificationRecordId": "rec-new"}, "rec-1",
        204, None, lambda r: r is None, id="set_own_primary_phone",
    ),
    pytest.param(
        "remove_own_primary_phone", (), {"verification_id": "rec-1"}, "DELETE",
        f"{ME}/primary-phone", None, "rec-1", 204, None, lambda r: r is None,
        id="remove_own_primary_phone",
    ),
    pytest.param(
        "link_own_identity", (), {"new_record_id": "rec-social", "verification_id": "rec-1"},
        "POST", f"{ME}/identities", {"newIdentifierVerificationRecordId": "rec-social"},
        "rec-1", 204, None, lambda r: r is None, id="link_own_identity",
    ),
    pytest.param(
        "link_own_identity", (),
        {"new_record_id": "rec-social", "verification_id": "rec-1", "replace": True},
        "PUT", f"{ME}/identities", {"newIdentifierVerificationRecordId": "rec-social"},
        "rec-1", 204, None, lambda r: r is None, id="link_own_identity-replace-is-a-PUT",
    ),
    pytest.param(
        "unlink_own_identity", ("git hub",), {"verification_id": "rec-1"}, "DELETE",
        f"{ME}/identities/git%20hub", None, "rec-1", 204, None, lambda r: r is None,
        id="unlink_own_identity-target-quoted",
    ),
    pytest.param(
        "list_own_mfa_verifications", (), {}, "GET", f"{ME}/mfa-verifications", None, None,
        200, [{"id": "f1", "createdAt": "2026-12-01T00:00:00.000Z", "type": "WebAuthn",
               "agent": "Chromium", "name": "account-api probe"}],
        lambda r: isinstance(r[0], MfaVerification) and r[0].type == "WebAuthn"
        and r[0].name == "account-api probe",
        id="list_own_mfa_verifications",
    ),
    pytest.param(
        "add_own_passkey", (), {"new_record_id": "rec-wa", "verification_id": "rec-1",
                                "name": "Laptop"},
        "POST", f"{ME}/mfa-verifications",
        {"type": "WebAuthn", "newIdentifierVerificationRecordId": "rec-wa", "name": "Laptop"},
        "rec-1", 204, None, lambda r: r is None, id="add_own_passkey",
    ),
    pytest.param(
        "rename_own_passkey", ("f1", "Phone"), {"verification_id": "rec-1"}, "PATCH",
        f"{ME}/mfa-verifications/f1/name", {"name": "Phone"}, "rec-1", 200, None,
        lambda r: r is None, id="rename_own_passkey",
    ),
    pytest.param(
        "delete_own_mfa_verification", ("f/1",), {"verification_id": "rec-1"}, "DELETE",
        f"{ME}/mfa-verifications/f%2F1", None, "rec-1", 204, None, lambda r: r is None,
        id="delete_own_mfa_verification-id-quoted",
    ),
    pytest.param(
        "generate_own_totp_secret", (), {}, "POST", f"{ME}/mfa-verifications/totp-secret/generate",
        None, None, 200, {"secret": "JBSWY3DPEHPK3PXP"}, lambda r: r == "JBSWY3DPEHPK3PXP",
        id="generate_own_totp_secret",
    ),
    pytest.param(
        "add_own_totp", ("JBSWY3DPEHPK3PXP", "123456"), {"verification_id": "rec-1"}, "POST",
        f"{ME}/mfa-verifications", {"type": "Totp", "secret": "JBSWY3DPEHPK3PXP",
                                    "code": "123456"},
        "rec-1", 204, None, lambda r: r is None, id="add_own_totp-sends-the-code",
    ),
    pytest.param(
        "add_own_totp", ("JBSWY3DPEHPK3PXP", "123456"), {"verification_id": "rec-1",
                                                        "replace": True},
        "PUT", f"{ME}/mfa-verifications/totp", {"secret": "JBSWY3DPEHPK3PXP", "code": "123456"},
        "rec-1", 204, None, lambda r: r is None, id="add_own_totp-replace",
    ),
    pytest.param(
        "generate_own_backup_codes", (), {}, "POST",
        f"{ME}/mfa-verifications/backup-codes/generate", None, None, 200,
        {"codes": ["a1b2c3d4e5"] * 10}, lambda r: r == ["a1b2c3d4e5"] * 10,
        id="generate_own_backup_codes",
    ),
    pytest.param(
        "add_own_backup_codes", (["a1b2c3d4e5"] * 10,), {"verification_id": "rec-1"}, "POST",
        f"{ME}/mfa-verifications", {"type": "BackupCode", "codes": ["a1b2c3d4e5"] * 10},
        "rec-1", 204, None, lambda r: r is None, id="add_own_backup_codes",
    ),
    pytest.param(
        "get_own_backup_codes", (), {"verification_id": "rec-1"}, "GET",
        f"{ME}/mfa-verifications/backup-codes", None, "rec-1", 200,
        {"codes": [{"code": "a1b2c3d4e5", "usedAt": None}]},
        lambda r: r == [{"code": "a1b2c3d4e5", "usedAt": None}], id="get_own_backup_codes",
    ),
    pytest.param(
        "get_own_mfa_settings", (), {}, "GET", f"{ME}/mfa-settings", None, None, 200,
        {"skipMfaOnSignIn": False}, lambda r: r is False, id="get_own_mfa_settings",
    ),
    pytest.param(
        "set_own_mfa_settings", (), {"skip_mfa_on_sign_in": True, "verification_id": "rec-1"},
        "PATCH", f"{ME}/mfa-settings", {"skipMfaOnSignIn": True}, "rec-1", 200,
        {"skipMfaOnSignIn": True}, lambda r: r is True, id="set_own_mfa_settings",
    ),
    pytest.param(
        "get_own_logto_configs", (), {}, "GET", f"{ME}/logto-configs", None, None, 200,
        {"mfa": {"skipped": False, "skipMfaOnSignIn": False}, "passkeySignIn": {"skipped": False}},
        lambda r: r["passkeySignIn"] == {"skipped": False}, id="get_own_logto_configs",
    ),
    pytest.param(
        "update_own_logto_configs", ({"passkeySignIn": {"skipped": True}},),
        {"verification_id": "rec-1"}, "PATCH", f"{ME}/logto-configs",
        {"passkeySignIn": {"skipped": True}}, "rec-1", 200,
        {"mfa": {"skipped": False, "skipMfaOnSignIn": False}, "passkeySignIn": {"skipped": True}},
        lambda r: r["passkeySignIn"] == {"skipped": True}, id="update_own_logto_configs",
    ),
    pytest.param(
        "list_own_sessions", (), {"verification_id": "rec-1"}, "GET", f"{ME}/sessions", None,
        "rec-1", 200, {"sessions": [SESSION_JSON, {**SESSION_JSON, "isCurrent": False}]},
        lambda r: isinstance(r[0], AccountSession) and [s.is_current for s in r] == [True, False]
        and r[0].sids == {"web-app": "sid-1"} and len(r[0].uid) == 43,
        id="list_own_sessions",
    ),
    pytest.param(
        "revoke_own_session", ("s1",), {"verification_id": "rec-1",
                                         "revoke_grants_target": "firstParty"},
        "DELETE", f"{ME}/sessions/s1?revokeGrantsTarget=firstParty", None, "rec-1", 204, None,
        lambda r: r is None, id="revoke_own_session",
    ),
    pytest.param(
        "list_own_grants", (), {"verification_id": "rec-1", "app_type": "thirdParty"}, "GET",
        f"{ME}/grants?appType=thirdParty", None, "rec-1", 200, {"grants": [GRANT_JSON]},
        lambda r: r == [AppGrant(
            id="g1", application_id="web-app", application_name="Account center",
            expires_at=datetime.fromtimestamp(1_797_000_000, tz=UTC),
            issued_at=datetime.fromtimestamp(1_796_430_591, tz=UTC), scope="openid profile",
        )],
        id="list_own_grants",
    ),
    pytest.param(
        "revoke_own_grant", ("g1",), {"verification_id": "rec-1"}, "DELETE", f"{ME}/grants/g1",
        None, "rec-1", 204, None, lambda r: r is None, id="revoke_own_grant",
    ),
    pytest.param(
        "verify_own_password", ("hunter2-password",), {}, "POST", f"{VERIFY}/password",
        {"password": "hunter2-password"}, None, 201, RECORD,
        lambda r: r == VerificationRecord("rec-1", datetime(2026, 12, 1, 0, 10, tzinfo=UTC)),
        id="verify_own_password",
    ),
    pytest.param(
        "send_own_verification_code", (), {"email": "lab@example.com"}, "POST",
        f"{VERIFY}/verification-code",
        {"identifier": {"type": "email", "value": "lab@example.com"}}, None, 201, RECORD,
        lambda r: r.id == "rec-1", id="send_own_verification_code-email",
    ),
    pytest.param(
        "send_own_verification_code", (), {"phone": "4915112345678", "template_type": "BindMfa"},
        "POST", f"{VERIFY}/verification-code",
        {"identifier": {"type": "phone", "value": "4915112345678"}, "templateType": "BindMfa"},
        None, 201, RECORD, lambda r: r.id == "rec-1", id="send_own_verification_code-phone",
    ),
    pytest.param(
        "verify_own_verification_code", ("rec-1", "123456"), {"email": "lab@example.com"},
        "POST", f"{VERIFY}/verification-code/verify",
        {"identifier": {"type": "email", "value": "lab@example.com"}, "verificationId": "rec-1",
         "code": "123456"},
        None, 200, {"verificationRecordId": "rec-1"}, lambda r: r == "rec-1",
        id="verify_own_verification_code",
    ),
    pytest.param(
        "start_own_social_verification", ("github-conn",),
        {"state": "s" * 16, "redirect_uri": "https://site.test/cb"}, "POST", f"{VERIFY}/social",
        {"connectorId": "github-conn", "state": "s" * 16, "redirectUri": "https://site.test/cb"},
        None, 201, {**RECORD, "authorizationUri": "http://mock-social/?state=sss"},
        lambda r: isinstance(r, SocialVerification) and r.record.id == "rec-1"
        and r.authorization_uri == "http://mock-social/?state=sss",
        id="start_own_social_verification",
    ),
    pytest.param(
        "verify_own_social", ("rec-1", {"code": "c", "state": "s"}), {}, "POST",
        f"{VERIFY}/social/verify",
        {"verificationRecordId": "rec-1", "connectorData": {"code": "c", "state": "s"}}, None,
        200, {"verificationRecordId": "rec-1"}, lambda r: r == "rec-1", id="verify_own_social",
    ),
    pytest.param(
        "start_own_passkey_registration", (), {}, "POST", f"{VERIFY}/web-authn/registration",
        None, None, 200, {**RECORD, "registrationOptions": OPTIONS},
        lambda r: isinstance(r, PasskeyRegistration) and r.rp_id == "localhost"
        and r.options == OPTIONS and r.record.id == "rec-1",
        id="start_own_passkey_registration",
    ),
    pytest.param(
        "verify_own_passkey_registration", ("rec-1", CREDENTIAL), {}, "POST",
        f"{VERIFY}/web-authn/registration/verify",
        {"verificationRecordId": "rec-1", "payload": {**CREDENTIAL, "type": "WebAuthn"}}, None,
        200, {"verificationRecordId": "rec-1"}, lambda r: r == "rec-1",
        id="verify_own_passkey_registration-type-WebAuthn",
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("method", "args", "kwargs", "verb", "url", "body", "record", "status", "answer", "check"),
    CASES,
)
def test_each_method_sends_its_request_with_the_users_token_and_maps_the_answer(
    logto_client, rsps, me, method, args, kwargs, verb, url, body, record, status, answer, check
):
    rsps.add(verb, url, status=status, json=answer)
    result = getattr(logto_client, method)(me, *args, **kwargs)
    assert check(result), result
    (call,) = rsps.calls
    request = call.request
    assert request.method == verb
    assert request.url == url
    assert request.headers["Authorization"] == "Bearer user-at-1"
    assert request.headers.get(HDR) == record
    assert "Origin" not in request.headers
    sent = json.loads(request.body) if request.body else None
    assert sent == body
    assert tokens_fetched(rsps) == 0  # the M2M token is never fetched for the user's own calls


def test_passkey_verify_relays_the_browsers_user_agent(logto_client, rsps, me):
    rsps.add("POST", f"{VERIFY}/web-authn/registration/verify", json={"verificationRecordId": "r"})
    logto_client.verify_own_passkey_registration(me, "r", CREDENTIAL, user_agent="Mozilla/5.0 Chromium")
    assert rsps.calls[0].request.headers["User-Agent"] == "Mozilla/5.0 Chromium"
    assert "Origin" not in rsps.calls[0].request.headers


def test_the_sessions_user_agent_when_none_is_relayed(logto_client, rsps, me):
    rsps.add("GET", ME, json=ME_JSON)
    logto_client.get_own_account(me)
    assert rsps.calls[0].request.headers["User-Agent"] == logto_client.session.headers["User-Agent"]


def test_exactly_one_of_email_or_phone(logto_client, me):
    with pytest.raises(ValueError):
        logto_client.send_own_verification_code(me)
    with pytest.raises(ValueError):
        logto_client.verify_own_verification_code(me, "r", "1", email="a@b.c", phone="1")


# ---------------------------------------------------------------------- answers and shapes


def test_own_account_tells_a_hidden_field_from_an_empty_one(logto_client, rsps, me):
    # email Off in the account center: Logto leaves primaryEmail out; the phone is shown, empty.
    rsps.add("GET", ME, json={k: v for k, v in ME_JSON.items() if k != "primaryEmail"})
    account = logto_client.get_own_account(me)
    assert not account.shows("primaryEmail")
    assert account.shows("primaryPhone") and account.primary_phone is None


NONSENSE = [
    ("get_own_account", (), {}, "GET", ME, {"name": "no id"}),
    ("list_own_mfa_verifications", (), {}, "GET", f"{ME}/mfa-verifications", [{"type": "Totp"}]),
    ("list_own_sessions", (), {"verification_id": "r"}, "GET", f"{ME}/sessions", {"sessions": 1}),
    ("list_own_grants", (), {"verification_id": "r"}, "GET", f"{ME}/grants", {"grants": [{}]}),
    ("get_own_mfa_settings", (), {}, "GET", f"{ME}/mfa-settings", {"skipMfaOnSignIn": "no"}),
    ("generate_own_totp_secret", (), {}, "POST", f"{ME}/mfa-verifications/totp-secret/generate",
     {"secret": 7}),
    ("generate_own_backup_codes", (), {}, "POST",
     f"{ME}/mfa-verifications/backup-codes/generate", {"codes": "abc"}),
    ("get_own_backup_codes", (), {"verification_id": "r"}, "GET",
     f"{ME}/mfa-verifications/backup-codes", {"codes": ["abc"]}),
    ("verify_own_password", ("pw",), {}, "POST", f"{VERIFY}/password", {"expiresAt": EXPIRES}),
    ("verify_own_password", ("pw",), {}, "POST", f"{VERIFY}/password",
     {"verificationRecordId": "r", "expiresAt": "tomorrow"}),
    ("send_own_verification_code", (), {"email": "a@b.c"}, "POST",
     f"{VERIFY}/verification-code", {"verificationRecordId": ""}),
    ("start_own_social_verification", ("c",), {"state": "s", "redirect_uri": "u"}, "POST",
     f"{VERIFY}/social", RECORD),
    ("start_own_passkey_registration", (), {}, "POST", f"{VERIFY}/web-authn/registration",
     {**RECORD, "registrationOptions": {"rp": {"id": "localhost"}}}),
    ("verify_own_passkey_registration", ("r", CREDENTIAL), {}, "POST",
     f"{VERIFY}/web-authn/registration/verify", {"verificationRecordId": None}),
]  # fmt: skip


@pytest.mark.parametrize(("method", "args", "kwargs", "verb", "url", "answer"), NONSENSE)
def test_an_answer_that_is_not_logtos_is_unavailable(
    logto_client, rsps, me, method, args, kwargs, verb, url, answer
):
    rsps.add(verb, url, json=answer)
    with pytest.raises(LogtoUnavailable):
        getattr(logto_client, method)(me, *args, **kwargs)


def test_a_change_answered_with_nonsense_has_an_unknown_outcome(logto_client, rsps, me):
    rsps.add("PATCH", ME, body="<html>proxy</html>", content_type="text/html")
    with pytest.raises(LogtoOutcomeUnknown):
        logto_client.update_own_account(me, name="Ada")


# ---------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("status", "code", "kind"),
    [
        # No header, a bogus one, or one older than 600 s (ACCOUNT-API.md §3).
        (401, "verification_record.permission_denied", LogtoVerificationRequired),
        # A new identifier's record unknown, expired or for another address.
        (400, "verification_record.not_found", LogtoVerificationNotFound),
        (400, "account_center.not_enabled", LogtoFieldClosed),
        (400, "account_center.field_not_enabled", LogtoFieldClosed),
        (400, "account_center.field_not_editable", LogtoFieldClosed),
        (403, "auth.forbidden", LogtoUserTokenRefused),  # a token without ``openid``
        (422, "user.same_password", LogtoAPIError),
        (422, "password_rejected.too_short", LogtoAPIError),
        (403, "auth.third_party_application_forbidden", LogtoAPIError),
    ],
)
def test_logtos_refusals_are_typed_with_their_code(logto_client, rsps, me, status, code, kind):
    rsps.add("POST", f"{ME}/password", status=status, json={"code": code, "message": "No."})
    with pytest.raises(kind) as info:
        logto_client.set_own_password(me, "n3w-Passw0rd!", verification_id="rec-1")
    assert type(info.value) is kind
    assert (info.value.status, info.value.code, info.value.message) == (status, code, "No.")
    assert me.refreshed == []  # only an unknown token is worth a refresh


def test_wrong_password_at_verification_is_logtos_invalid_credentials(logto_client, rsps, me):
    rsps.add(
        "POST", f"{VERIFY}/password", status=422, json={"code": "session.invalid_credentials"}
    )
    with pytest.raises(LogtoAPIError) as info:
        logto_client.verify_own_password(me, "wrong")
    assert info.value.code == "session.invalid_credentials"


def test_passkey_verify_from_an_origin_logto_does_not_know(logto_client, rsps, me):
    rsps.add(
        "POST",
        f"{VERIFY}/web-authn/registration/verify",
        status=400,
        json={
            "code": "session.mfa.webauthn_verification_failed",
            "data": {"message": 'Unexpected registration response origin "http://x"'},
        },
    )
    with pytest.raises(LogtoAPIError) as info:
        logto_client.verify_own_passkey_registration(me, "r", CREDENTIAL)
    assert info.value.code == "session.mfa.webauthn_verification_failed"
    assert "origin" in info.value.data["message"]


def test_rate_limited_code_and_missing_route_keep_their_types(logto_client, rsps, me):
    rsps.add(
        "POST",
        f"{VERIFY}/verification-code",
        status=429,
        json={"code": "verification_code.too_many_requests"},
        headers={"Retry-After": "30"},
    )
    rsps.add("GET", ME, status=404, body="Not Found")  # a Logto without the Account API
    with pytest.raises(LogtoRateLimited) as info:
        logto_client.send_own_verification_code(me, email="a@b.c")
    assert info.value.retry_after == 30
    with pytest.raises(LogtoNotFound) as missing:
        logto_client.get_own_account(me)
    assert missing.value.code == ""


def test_no_backup_codes_is_not_found_not_an_expired_record(logto_client, rsps, me):
    rsps.add(
        "GET",
        f"{ME}/mfa-verifications/backup-codes",
        status=404,
        json={"code": "verification_record.not_found"},
    )
    with pytest.raises(LogtoNotFound) as info:
        logto_client.get_own_backup_codes(me, verification_id="rec-1")
    assert not isinstance(info.value, LogtoVerificationNotFound)
    assert info.value.code == "verification_record.not_found"


def test_an_unknown_token_is_refreshed_once_and_the_call_repeated(logto_client, rsps, me):
    rsps.add("GET", ME, status=401, json={"code": "auth.unauthorized"})
    rsps.add("GET", ME, json=ME_JSON)
    assert logto_client.get_own_account(me).id == "u1"
    assert me.refreshed == ["user-at-1"]
    tokens = [call.request.headers["Authorization"] for call in rsps.calls]
    assert tokens == ["Bearer user-at-1", "Bearer user-at-2"]


def test_a_change_is_repeated_with_its_verification_after_a_refresh(logto_client, rsps, me):
    rsps.add("POST", f"{ME}/password", status=401, json={"code": "auth.unauthorized"})
    rsps.add("POST", f"{ME}/password", status=204)
    logto_client.set_own_password(me, "n3w-Passw0rd!", verification_id="rec-1")
    assert [call.request.headers[HDR] for call in rsps.calls] == ["rec-1", "rec-1"]
    assert [json.loads(call.request.body) for call in rsps.calls] == [
        {"password": "n3w-Passw0rd!"}
    ] * 2


def test_a_token_refused_after_the_refresh_is_refused(logto_client, rsps, me):
    rsps.add("GET", ME, status=401, json={"code": "auth.unauthorized"})
    with pytest.raises(LogtoUserTokenRefused):
        logto_client.get_own_account(me)
    assert len(rsps.calls) == 2 and me.refreshed == ["user-at-1"]


def test_no_refresh_token_means_refused_without_a_second_call(logto_client, rsps):
    alone = FakeUserTokens("only-at")
    rsps.add("GET", ME, status=401, json={"code": "auth.unauthorized"})
    with pytest.raises(LogtoUserTokenRefused):
        logto_client.get_own_account(alone)
    assert len(rsps.calls) == 1


# ---------------------------------------------------------------------- the read cache


def test_the_users_own_reads_are_kept_under_that_user(logto_client, rsps, me):
    """As the Management API's: a page at steady state asks Logto nothing, whichever the
    gateway. Another user's token never finds them."""
    rsps.add("GET", ME, json=ME_JSON)
    logto_client.get_own_account(me)
    logto_client.get_own_account(me)
    assert len(rsps.calls) == 1
    logto_client.get_own_account(FakeUserTokens("other-at", user_id="u2"))
    assert len(rsps.calls) == 2


def test_a_read_made_with_a_verification_record_is_never_kept(logto_client, rsps, me):
    """Sessions and grants: a later page without the record must be refused as Logto would."""
    rsps.add("GET", f"{ME}/sessions", json={"sessions": []})
    logto_client.list_own_sessions(me, verification_id="record-1")
    logto_client.list_own_sessions(me, verification_id="record-1")
    assert len(rsps.calls) == 2


def test_an_own_change_drops_the_users_own_kept_reads(logto_client, rsps, me):
    rsps.add("GET", ME, json=ME_JSON)
    rsps.add("PATCH", ME, json=ME_JSON)
    logto_client.get_own_account(me)
    logto_client.update_own_account(me, name="Ada")
    logto_client.get_own_account(me)
    assert [c.request.method for c in rsps.calls] == ["GET", "PATCH", "GET"]


def test_an_own_change_drops_the_management_reads_kept_for_that_user(logto_client, rsps, me):
    add_token(rsps)
    rsps.add("GET", f"{ENDPOINT}/api/users/u1", json=ME_JSON)
    rsps.add("PATCH", ME, json=ME_JSON)
    logto_client.get_user("u1")
    logto_client.get_user("u1")
    logto_client.update_own_account(me, name="Ada")
    logto_client.get_user("u1")
    reads = [c for c in rsps.calls if c.request.url == f"{ENDPOINT}/api/users/u1"]
    assert len(reads) == 2


def test_a_verification_does_not_drop_the_kept_reads(logto_client, rsps, me):
    add_token(rsps)
    rsps.add("GET", f"{ENDPOINT}/api/users/u1", json=ME_JSON)
    rsps.add("POST", f"{VERIFY}/password", status=201, json=RECORD)
    logto_client.get_user("u1")
    logto_client.verify_own_password(me, "pw")
    logto_client.get_user("u1")
    assert len([c for c in rsps.calls if c.request.url.endswith("/api/users/u1")]) == 1


def test_secrets_never_logged(logto_client, rsps, caplog):
    caplog.set_level(logging.DEBUG)
    me = FakeUserTokens("user-at-very-secret")
    rsps.add("POST", f"{VERIFY}/password", status=201, json=RECORD)
    rsps.add("POST", f"{ME}/password", status=204)
    record = logto_client.verify_own_password(me, "hunter2-password")
    logto_client.set_own_password(me, "n3w-Passw0rd!", verification_id=record.id)
    assert "POST /api/my-account/password -> 204" in caplog.text
    for secret in ("user-at-very-secret", "hunter2-password", "n3w-Passw0rd!", "rec-1", M2M_SECRET):
        assert secret not in caplog.text


# ---------------------------------------------------------------------- account-center settings


def test_settings_read_with_the_m2m_token(logto_client, logto_mock):
    logto_mock.add("GET", f"{ENDPOINT}/api/account-center", json=SETTINGS_JSON)
    settings = logto_client.get_account_center_settings()
    assert logto_mock.calls[-1].request.headers["Authorization"] == "Bearer tok-1"
    assert settings.enabled and settings.webauthn_related_origins == ("http://localhost:8000",)
    assert settings.control("name") == "Edit"
    assert settings.can_read("email") and not settings.can_edit("email")
    assert settings.control("phone") == "Off"  # not set: Off
    assert settings.can_edit("passkey")  # not set: as mfa
    assert not settings.can_read("session")


def test_settings_read_anonymously_from_the_well_known_document(logto_client, rsps):
    rsps.add("GET", f"{ENDPOINT}/api/.well-known/account-center", json=SETTINGS_JSON)
    assert logto_client.get_public_account_center_settings().can_edit("name")
    assert "Authorization" not in rsps.calls[0].request.headers
    assert tokens_fetched(rsps) == 0


def test_disabled_or_unknown_controls_are_off():
    disabled = AccountCenterSettings.from_api({**SETTINGS_JSON, "enabled": False})
    assert disabled.control("name") == "Off"
    odd = AccountCenterSettings.from_api(
        {**SETTINGS_JSON, "fields": {"name": "Hidden", "passkey": "ReadOnly", "mfa": "Edit"}}
    )
    assert odd.control("name") == "Off"
    assert odd.control("passkey") == "ReadOnly"  # set: its own, not mfa's


def test_a_fresh_tenants_settings(logto_client, logto_mock):
    # As the lab answered before anything was set (ACCOUNT-API.md §1).
    logto_mock.add(
        "GET",
        f"{ENDPOINT}/api/account-center",
        json={
            "enabled": False,
            "fields": {},
            "webauthnRelatedOrigins": [],
            "deleteAccountUrl": None,
            "customCss": None,
            "profileFields": None,
        },
    )
    settings = logto_client.get_account_center_settings()
    assert settings == AccountCenterSettings(enabled=False)


@pytest.mark.parametrize(
    "answer",
    [
        {"fields": {}},
        {"enabled": "yes", "fields": {}},
        {"enabled": True, "fields": ["name"]},
        {"enabled": True, "fields": {}, "webauthnRelatedOrigins": "http://localhost:8000"},
    ],
)
def test_settings_that_are_not_logtos_are_unavailable(logto_client, logto_mock, answer):
    logto_mock.add("GET", f"{ENDPOINT}/api/account-center", json=answer)
    with pytest.raises(LogtoUnavailable):
        logto_client.get_account_center_settings()


def test_settings_update_sends_only_what_is_given(logto_client, logto_mock):
    logto_mock.add("PATCH", f"{ENDPOINT}/api/account-center", json=SETTINGS_JSON)
    logto_client.update_account_center_settings(
        enabled=True,
        fields={"name": "Edit", "mfa": "Edit"},
        webauthn_related_origins=("http://localhost:8000",),
    )
    logto_client.update_account_center_settings(webauthn_related_origins=[])
    bodies = [json.loads(c.request.body) for c in logto_mock.calls if c.request.method == "PATCH"]
    assert bodies == [
        {
            "enabled": True,
            "fields": {"name": "Edit", "mfa": "Edit"},
            "webauthnRelatedOrigins": ["http://localhost:8000"],
        },
        {"webauthnRelatedOrigins": []},
    ]


def test_settings_update_refuses_a_control_logto_does_not_know(logto_client, rsps):
    with pytest.raises(ValueError):
        logto_client.update_account_center_settings(fields={"name": "Hidden"})
    assert len(rsps.calls) == 0


# ---------------------------------------------------------------------- fault matrix


OWN_CALLS = {
    "get_own_account": lambda c, u: c.get_own_account(u),
    "update_own_account": lambda c, u: c.update_own_account(u, name="Ada"),
    "update_own_profile": lambda c, u: c.update_own_profile(u, {"nickname": "al"}),
    "set_own_password": lambda c, u: c.set_own_password(u, "pw-123456", verification_id="r"),
    "set_own_primary_email": lambda c, u: c.set_own_primary_email(
        u, "a@b.c", new_record_id="n", verification_id="r"
    ),
    "remove_own_primary_email": lambda c, u: c.remove_own_primary_email(u, verification_id="r"),
    "set_own_primary_phone": lambda c, u: c.set_own_primary_phone(
        u, "4915112345678", new_record_id="n", verification_id="r"
    ),
    "remove_own_primary_phone": lambda c, u: c.remove_own_primary_phone(u, verification_id="r"),
    "link_own_identity": lambda c, u: c.link_own_identity(
        u, new_record_id="n", verification_id="r"
    ),
    "unlink_own_identity": lambda c, u: c.unlink_own_identity(u, "github", verification_id="r"),
    "list_own_mfa_verifications": lambda c, u: c.list_own_mfa_verifications(u),
    "add_own_passkey": lambda c, u: c.add_own_passkey(u, new_record_id="n", verification_id="r"),
    "rename_own_passkey": lambda c, u: c.rename_own_passkey(u, "f1", "x", verification_id="r"),
    "delete_own_mfa_verification": lambda c, u: c.delete_own_mfa_verification(
        u, "f1", verification_id="r"
    ),
    "generate_own_totp_secret": lambda c, u: c.generate_own_totp_secret(u),
    "add_own_totp": lambda c, u: c.add_own_totp(u, "JBSWY3DPEHPK3PXP", "1", verification_id="r"),
    "generate_own_backup_codes": lambda c, u: c.generate_own_backup_codes(u),
    "add_own_backup_codes": lambda c, u: c.add_own_backup_codes(u, ["a"], verification_id="r"),
    "get_own_backup_codes": lambda c, u: c.get_own_backup_codes(u, verification_id="r"),
    "get_own_mfa_settings": lambda c, u: c.get_own_mfa_settings(u),
    "set_own_mfa_settings": lambda c, u: c.set_own_mfa_settings(
        u, skip_mfa_on_sign_in=True, verification_id="r"
    ),
    "get_own_logto_configs": lambda c, u: c.get_own_logto_configs(u),
    "update_own_logto_configs": lambda c, u: c.update_own_logto_configs(
        u, {"mfa": {"skipped": True}}, verification_id="r"
    ),
    "list_own_sessions": lambda c, u: c.list_own_sessions(u, verification_id="r"),
    "revoke_own_session": lambda c, u: c.revoke_own_session(u, "s1", verification_id="r"),
    "list_own_grants": lambda c, u: c.list_own_grants(u, verification_id="r"),
    "revoke_own_grant": lambda c, u: c.revoke_own_grant(u, "g1", verification_id="r"),
    "verify_own_password": lambda c, u: c.verify_own_password(u, "pw"),
    "send_own_verification_code": lambda c, u: c.send_own_verification_code(u, email="a@b.c"),
    "verify_own_verification_code": lambda c, u: c.verify_own_verification_code(
        u, "r", "123456", email="a@b.c"
    ),
    "start_own_social_verification": lambda c, u: c.start_own_social_verification(
        u, "c", state="s", redirect_uri="https://site.test/cb"
    ),
    "verify_own_social": lambda c, u: c.verify_own_social(u, "r", {"code": "c"}),
    "start_own_passkey_registration": lambda c, u: c.start_own_passkey_registration(u),
    "verify_own_passkey_registration": lambda c, u: c.verify_own_passkey_registration(
        u, "r", CREDENTIAL
    ),
    "get_account_center_settings": lambda c, u: c.get_account_center_settings(),
    "get_public_account_center_settings": lambda c, u: c.get_public_account_center_settings(),
    "update_account_center_settings": lambda c, u: c.update_account_center_settings(enabled=True),
}
# Logto answers these with nothing (204, or 200 with no body): an odd 2xx still means "done".
OWN_NO_ANSWER = {
    "set_own_password",
    "set_own_primary_email",
    "remove_own_primary_email",
    "set_own_primary_phone",
    "remove_own_primary_phone",
    "link_own_identity",
    "unlink_own_identity",
    "add_own_passkey",
    "rename_own_passkey",
    "delete_own_mfa_verification",
    "add_own_totp",
    "add_own_backup_codes",
    "revoke_own_session",
    "revoke_own_grant",
}
# Changes whose lost answer leaves the outcome unknown; verifications and generators change
# nothing of the user.
OWN_CHANGES = OWN_NO_ANSWER | {
    "update_own_account",
    "update_own_profile",
    "set_own_mfa_settings",
    "update_own_logto_configs",
    "update_account_center_settings",
}


@pytest.mark.parametrize("fault", list(FAULTS))
@pytest.mark.parametrize("method", list(OWN_CALLS))
def test_every_account_api_method_turns_every_fault_into_a_typed_error(logto_client, method, fault):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        add_token(mock)
        for verb in FAULT_METHODS:
            FAULTS[fault](mock, verb)
        odd_but_done = fault == "unexpected shape" and method in OWN_NO_ANSWER
        try:
            answer = OWN_CALLS[method](logto_client, FakeUserTokens())
        except LogtoError as error:
            assert isinstance(error, EXPECTED.get(fault, LogtoUnavailable)), f"{method}: {error!r}"
            if fault != "429 with Retry-After":
                assert not isinstance(error, LogtoAPIError), "an outage called a refusal"
                unknown = method in OWN_CHANGES and fault in OUTCOME_LOST
                assert isinstance(error, LogtoOutcomeUnknown) == unknown, f"{method}: {error!r}"
        else:
            assert odd_but_done, f"{method} × {fault} answered {answer!r} instead of an error"


def test_an_avatar_goes_as_one_multipart_file_and_answers_its_url(logto_client, rsps, me):
    rsps.add("POST", f"{ME}/user-assets/avatar", json={"url": "https://cdn.example/a.png"})
    url = logto_client.upload_own_avatar(
        me, b"\x89PNG-bytes", filename="me.png", content_type="image/png"
    )
    assert url == "https://cdn.example/a.png"
    request = rsps.calls[0].request
    assert request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert b'name="file"; filename="me.png"' in request.body
    assert b"Content-Type: image/png" in request.body and b"\x89PNG-bytes" in request.body
    assert request.headers["Authorization"] == "Bearer user-at-1"
    assert tokens_fetched(rsps) == 0


def test_a_tenant_without_storage_is_logtos_coded_refusal(logto_client, rsps, me):
    rsps.add(
        "POST",
        f"{ME}/user-assets/avatar",
        status=400,
        json={"code": "storage.not_configured", "message": "Storage provider is not configured."},
    )
    with pytest.raises(LogtoAPIError) as refused:
        logto_client.upload_own_avatar(me, b"x", filename="a.png", content_type="image/png")
    assert refused.value.code == "storage.not_configured"
