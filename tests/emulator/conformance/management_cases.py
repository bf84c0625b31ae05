"""Conformance cases of the Management API, as the M2M app calls it."""

from __future__ import annotations

import time

import pyotp
import requests

from logto_emulator.seed import (
    DEMO_CLIENTS,
    DEMO_SSO_IDENTITY,
    DEMO_THIRD_PARTY_APP_ID,
    give_sso_identity,
)
from tests.emulator.conformance.cases import Context, case
from tests.emulator.test_oidc import _full_sign_in


def _signed_in(c: Context) -> None:
    """The demo user signed in through the browser flow: a session and a grant to list."""
    _full_sign_in(c.emu, requests.Session())


def _session_uid(c: Context) -> str:
    _signed_in(c)
    return str(c.emu.state.active_sessions(c.uid)[0]["uid"])


def _linked(c: Context) -> None:
    """The demo user with a mock-social identity."""
    body = {
        "connectorId": c.emu.state.connector_id("social"),
        "connectorData": {"code": "c", "userId": "s-1"},
    }
    assert c.api("POST", f"/api/users/{c.uid}/identities", json=body).ok


def _totp(c: Context) -> None:
    c.api("POST", f"/api/users/{c.uid}/mfa-verifications", json={"type": "Totp"})


def _token(c: Context, name: str) -> None:
    c.api("POST", f"/api/users/{c.uid}/personal-access-tokens", json={"name": name})


# -- users ----------------------------------------------------------------------------------------
@case("GET", "/api/users")
def list_users(c: Context) -> requests.Response:
    return c.api("GET", "/api/users")


@case("POST", "/api/users")
def create_user(c: Context) -> requests.Response:
    body = {"username": "carol", "primaryEmail": "c@example.com", "password": "pw"}
    return c.api("POST", "/api/users", json=body)


@case("GET", "/api/users/{userId}")
def get_user(c: Context) -> requests.Response:
    give_sso_identity(c.emu.state, "demo")
    return c.api("GET", f"/api/users/{c.uid}", params={"includeSsoIdentities": "true"})


@case("PATCH", "/api/users/{userId}")
def update_user(c: Context) -> requests.Response:
    body = {"name": "New", "primaryPhone": "15551234567"}
    return c.api("PATCH", f"/api/users/{c.uid}", json=body)


@case("PATCH", "/api/users/{userId}")
def update_user_collision(c: Context) -> requests.Response:
    other = c.api("POST", "/api/users", json={"username": "x1"}).json()["id"]
    return c.api("PATCH", f"/api/users/{other}", json={"username": "demo"})


@case("DELETE", "/api/users/{userId}")
def delete_user(c: Context) -> requests.Response:
    return c.api("DELETE", f"/api/users/{c.uid}")


@case("PATCH", "/api/users/{userId}/profile")
def update_profile(c: Context) -> requests.Response:
    body = {"profile": {"givenName": "A", "address": {"country": "NL"}}}
    return c.api("PATCH", f"/api/users/{c.uid}/profile", json=body)


@case("GET", "/api/users/{userId}/custom-data")
def get_custom_data(c: Context) -> requests.Response:
    return c.api("GET", f"/api/users/{c.uid}/custom-data")


@case("PATCH", "/api/users/{userId}/custom-data")
def update_custom_data(c: Context) -> requests.Response:
    return c.api(
        "PATCH", f"/api/users/{c.uid}/custom-data", json={"customData": {"theme": "dark"}}
    )


@case("GET", "/api/users/{userId}/logto-configs")
def get_logto_configs(c: Context) -> requests.Response:
    return c.api("GET", f"/api/users/{c.uid}/logto-configs")


@case("PATCH", "/api/users/{userId}/logto-configs")
def update_logto_configs(c: Context) -> requests.Response:
    body = {"mfa": {"enabled": True}, "passkeySignIn": {"skipped": True}}
    return c.api("PATCH", f"/api/users/{c.uid}/logto-configs", json=body)


@case("PATCH", "/api/users/{userId}/is-suspended")
def suspend(c: Context) -> requests.Response:
    return c.api("PATCH", f"/api/users/{c.uid}/is-suspended", json={"isSuspended": True})


# -- passwords ------------------------------------------------------------------------------------
@case("GET", "/api/users/{userId}/has-password")
def has_password(c: Context) -> requests.Response:
    return c.api("GET", f"/api/users/{c.uid}/has-password")


@case("POST", "/api/users/{userId}/password/verify")
def verify_password(c: Context) -> requests.Response:
    return c.api("POST", f"/api/users/{c.uid}/password/verify", json={"password": "wrong"})


@case("PATCH", "/api/users/{userId}/password")
def set_password(c: Context) -> requests.Response:
    return c.api("PATCH", f"/api/users/{c.uid}/password", json={"password": "Another-Pass-1"})


@case("POST", "/api/sign-in-exp/default/check-password")
def check_password_ok(c: Context) -> requests.Response:
    body = {"password": "Correct-Horse-7", "userId": c.uid}
    return c.api("POST", "/api/sign-in-exp/default/check-password", json=body)


@case("POST", "/api/sign-in-exp/default/check-password")
def check_password_without_user(c: Context) -> requests.Response:
    body = {"password": "Correct-Horse-7"}
    return c.api("POST", "/api/sign-in-exp/default/check-password", json=body)


@case("POST", "/api/sign-in-exp/default/check-password")
def check_password_issues(c: Context) -> requests.Response:
    body = {"password": "short", "userId": c.uid}
    return c.api("POST", "/api/sign-in-exp/default/check-password", json=body)


# -- verification codes ---------------------------------------------------------------------------
@case("POST", "/api/verification-codes")
def send_code(c: Context) -> requests.Response:
    return c.api("POST", "/api/verification-codes", json={"email": "a@example.com"})


@case("POST", "/api/verification-codes/verify")
def verify_code(c: Context) -> requests.Response:
    c.api("POST", "/api/verification-codes", json={"email": "a@example.com"})
    code = c.emu.state.last_code(email="a@example.com")
    body = {"email": "a@example.com", "verificationCode": code}
    return c.api("POST", "/api/verification-codes/verify", json=body)


@case("POST", "/api/verification-codes/verify")
def verify_code_never_sent(c: Context) -> requests.Response:
    body = {"email": "a@example.com", "verificationCode": "123456"}
    return c.api("POST", "/api/verification-codes/verify", json=body)


# -- connectors and identities --------------------------------------------------------------------
@case("GET", "/api/connectors")
def list_connectors(c: Context) -> requests.Response:
    # Only the social connector: the document's `platform` enum has no null, yet a real Logto
    # answers null for its email and SMS connectors (tests/contract/differential/recorded).
    c.emu.state.set_connectors(False, "email", "sms")
    return c.api("GET", "/api/connectors")


@case("GET", "/api/connectors/{id}")
def get_connector(c: Context) -> requests.Response:
    return c.api("GET", f"/api/connectors/{c.emu.state.connector_id('social')}")


@case("POST", "/api/connectors/{connectorId}/authorization-uri")
def authorization_uri(c: Context) -> requests.Response:
    return c.api(
        "POST",
        f"/api/connectors/{c.emu.state.connector_id('social')}/authorization-uri",
        json={"state": "s", "redirectUri": "http://127.0.0.1:8000/cb"},
    )


@case("POST", "/api/users/{userId}/identities")
def link_identity(c: Context) -> requests.Response:
    body = {
        "connectorId": c.emu.state.connector_id("social"),
        "connectorData": {"code": "c", "userId": "s-1"},
    }
    return c.api("POST", f"/api/users/{c.uid}/identities", json=body)


@case("DELETE", "/api/users/{userId}/identities/{target}")
def unlink_identity(c: Context) -> requests.Response:
    _linked(c)
    return c.api("DELETE", f"/api/users/{c.uid}/identities/mock-social")


@case("DELETE", "/api/users/{userId}/identities/{target}")
def unlink_unknown_identity(c: Context) -> requests.Response:
    return c.api("DELETE", f"/api/users/{c.uid}/identities/mock-social")


@case("GET", "/api/users/{userId}/identities/{target}")
def get_identity(c: Context) -> requests.Response:
    _linked(c)
    return c.api("GET", f"/api/users/{c.uid}/identities/mock-social")


@case("GET", "/api/users/{userId}/all-identities")
def all_identities(c: Context) -> requests.Response:
    _linked(c)
    give_sso_identity(c.emu.state, "demo")
    return c.api("GET", f"/api/users/{c.uid}/all-identities")


@case("GET", "/api/users/{userId}/sso-identities/{ssoConnectorId}")
def get_sso_identity(c: Context) -> requests.Response:
    give_sso_identity(c.emu.state, "demo")
    connector = DEMO_SSO_IDENTITY["ssoConnectorId"]
    return c.api("GET", f"/api/users/{c.uid}/sso-identities/{connector}")


# -- MFA --------------------------------------------------------------------------------------
@case("GET", "/api/users/{userId}/mfa-verifications")
def list_mfa(c: Context) -> requests.Response:
    _totp(c)
    return c.api("GET", f"/api/users/{c.uid}/mfa-verifications")


@case("POST", "/api/users/{userId}/mfa-verifications")
def create_totp(c: Context) -> requests.Response:
    body = {"type": "Totp", "secret": pyotp.random_base32()}
    return c.api("POST", f"/api/users/{c.uid}/mfa-verifications", json=body)


@case("POST", "/api/users/{userId}/mfa-verifications")
def create_backup_codes(c: Context) -> requests.Response:
    _totp(c)
    return c.api("POST", f"/api/users/{c.uid}/mfa-verifications", json={"type": "BackupCode"})


@case("DELETE", "/api/users/{userId}/mfa-verifications/{verificationId}")
def delete_mfa(c: Context) -> requests.Response:
    _totp(c)
    factor = c.api("GET", f"/api/users/{c.uid}/mfa-verifications").json()[0]["id"]
    return c.api("DELETE", f"/api/users/{c.uid}/mfa-verifications/{factor}")


# -- personal access tokens -----------------------------------------------------------------------
@case("GET", "/api/users/{userId}/personal-access-tokens")
def list_tokens(c: Context) -> requests.Response:
    _token(c, "a")
    return c.api("GET", f"/api/users/{c.uid}/personal-access-tokens")


@case("POST", "/api/users/{userId}/personal-access-tokens")
def create_token(c: Context) -> requests.Response:
    body = {"name": "b", "expiresAt": int(time.time() * 1000) + 60_000}
    return c.api("POST", f"/api/users/{c.uid}/personal-access-tokens", json=body)


@case("PATCH", "/api/users/{userId}/personal-access-tokens")
def rename_token(c: Context) -> requests.Response:
    _token(c, "c")
    body = {"currentName": "c", "name": "d"}
    return c.api("PATCH", f"/api/users/{c.uid}/personal-access-tokens", json=body)


@case("PATCH", "/api/users/{userId}/personal-access-tokens/{name}")
def rename_token_by_path(c: Context) -> requests.Response:
    _token(c, "g")
    return c.api("PATCH", f"/api/users/{c.uid}/personal-access-tokens/g", json={"name": "h"})


@case("POST", "/api/users/{userId}/personal-access-tokens/delete")
def delete_token(c: Context) -> requests.Response:
    _token(c, "e")
    return c.api("POST", f"/api/users/{c.uid}/personal-access-tokens/delete", json={"name": "e"})


@case("DELETE", "/api/users/{userId}/personal-access-tokens/{name}")
def delete_token_by_path(c: Context) -> requests.Response:
    _token(c, "f")
    return c.api("DELETE", f"/api/users/{c.uid}/personal-access-tokens/f")


# -- sessions and grants --------------------------------------------------------------------------
@case("GET", "/api/users/{userId}/sessions")
def list_sessions(c: Context) -> requests.Response:
    _signed_in(c)
    return c.api("GET", f"/api/users/{c.uid}/sessions")


@case("GET", "/api/users/{userId}/sessions/{sessionId}")
def get_session(c: Context) -> requests.Response:
    return c.api("GET", f"/api/users/{c.uid}/sessions/{_session_uid(c)}")


@case("DELETE", "/api/users/{userId}/sessions/{sessionId}")
def revoke_session(c: Context) -> requests.Response:
    return c.api("DELETE", f"/api/users/{c.uid}/sessions/{_session_uid(c)}")


@case("GET", "/api/users/{userId}/grants")
def list_grants(c: Context) -> requests.Response:
    _signed_in(c)
    return c.api("GET", f"/api/users/{c.uid}/grants")


@case("DELETE", "/api/users/{userId}/grants/{grantId}")
def revoke_grant(c: Context) -> requests.Response:
    _signed_in(c)
    grant = c.api("GET", f"/api/users/{c.uid}/grants").json()["grants"][0]["id"]
    return c.api("DELETE", f"/api/users/{c.uid}/grants/{grant}")


# -- applications ---------------------------------------------------------------------------------
@case("GET", "/api/applications/{id}")
def get_application(c: Context) -> requests.Response:
    return c.api("GET", f"/api/applications/{DEMO_THIRD_PARTY_APP_ID}")


@case("GET", "/api/applications/{applicationId}/sign-in-experience")
def get_application_branding(c: Context) -> requests.Response:
    return c.api("GET", f"/api/applications/{DEMO_THIRD_PARTY_APP_ID}/sign-in-experience")


@case("GET", "/api/applications/{applicationId}/sign-in-experience")
def get_application_without_branding(c: Context) -> requests.Response:
    return c.api("GET", f"/api/applications/{DEMO_CLIENTS.web_app_id}/sign-in-experience")


# -- trusted devices: routes of Logto's development features (the subset has them from a build
# with those on, as the state plays it here) ------------------------------------------------------
def _trusted_device(c: Context) -> str:
    c.emu.state.configure_dev_features()
    device = c.emu.state.add_trusted_device(
        c.uid, user_agent="Firefox", country="TW", city="Taipei"
    )
    return str(device["id"])


@case("GET", "/api/users/{userId}/trusted-devices")
def list_trusted_devices(c: Context) -> requests.Response:
    _trusted_device(c)
    return c.api("GET", f"/api/users/{c.uid}/trusted-devices")


@case("DELETE", "/api/users/{userId}/trusted-devices/{trustedDeviceId}")
def forget_trusted_device(c: Context) -> requests.Response:
    device = _trusted_device(c)
    return c.api("DELETE", f"/api/users/{c.uid}/trusted-devices/{device}")


@case("DELETE", "/api/users/{userId}/trusted-devices/{trustedDeviceId}")
def forget_unknown_trusted_device(c: Context) -> requests.Response:
    _trusted_device(c)
    return c.api("DELETE", f"/api/users/{c.uid}/trusted-devices/nothing")


# -- organizations --------------------------------------------------------------------------------
@case("GET", "/api/users/{userId}/organizations")
def list_user_organizations(c: Context) -> requests.Response:
    return c.api("GET", f"/api/users/{c.uid}/organizations")


@case("GET", "/api/organizations/{id}/users/{userId}/roles")
def list_member_roles(c: Context) -> requests.Response:
    organization = c.api("GET", f"/api/users/{c.uid}/organizations").json()[0]["id"]
    return c.api("GET", f"/api/organizations/{organization}/users/{c.uid}/roles")


# -- impersonation --------------------------------------------------------------------------------
@case("POST", "/api/subject-tokens")
def create_subject_token(c: Context) -> requests.Response:
    body = {"userId": c.uid, "context": {"ticket": "support-1"}}
    return c.api("POST", "/api/subject-tokens", json=body)


# -- the tenant: hooks, sign-in experience, account center ----------------------------------------
_HOOK = {
    "name": "account center",
    "events": ["User.Deleted", "User.Data.Updated"],
    "config": {"url": "https://example.com/account/webhooks/logto/"},
}


@case("POST", "/api/hooks")
def create_hook(c: Context) -> requests.Response:
    return c.api("POST", "/api/hooks", json=_HOOK)


@case("GET", "/api/hooks")
def list_hooks(c: Context) -> requests.Response:
    c.api("POST", "/api/hooks", json=_HOOK)
    return c.api("GET", "/api/hooks")


@case("DELETE", "/api/hooks/{id}")
def delete_hook(c: Context) -> requests.Response:
    hook = c.api("POST", "/api/hooks", json=_HOOK).json()["id"]
    return c.api("DELETE", f"/api/hooks/{hook}")


@case("GET", "/api/sign-in-exp")
def get_sign_in_experience(c: Context) -> requests.Response:
    return c.api("GET", "/api/sign-in-exp")


@case("PATCH", "/api/sign-in-exp")
def update_sign_in_experience(c: Context) -> requests.Response:
    body = {
        "mfa": {"factors": ["Totp", "WebAuthn", "BackupCode"], "policy": "UserControlled"},
        "passkeySignIn": {"enabled": True},
    }
    return c.api("PATCH", "/api/sign-in-exp", json=body)


@case("GET", "/api/account-center")
def get_account_center(c: Context) -> requests.Response:
    return c.api("GET", "/api/account-center")


@case("PATCH", "/api/account-center")
def update_account_center(c: Context) -> requests.Response:
    body = {
        "enabled": True,
        "fields": {"name": "Edit", "email": "ReadOnly"},
        "webauthnRelatedOrigins": ["http://localhost:8151"],
    }
    return c.api("PATCH", "/api/account-center", json=body)


@case("GET", "/api/.well-known/account-center")
def get_account_center_anonymously(c: Context) -> requests.Response:
    c.emu.state.configure_account_center(fields={"name": "Edit"})
    return requests.get(f"{c.emu.url}/api/.well-known/account-center", timeout=5)


@case("GET", "/api/.well-known/sign-in-exp")
def get_sign_in_experience_anonymously(c: Context) -> requests.Response:
    # With a social connector on the sign-in page, so that one is in ``socialConnectors``.
    body = {"socialSignInConnectorTargets": ["mock-social"]}
    assert c.api("PATCH", "/api/sign-in-exp", json=body).status_code == 200
    return requests.get(f"{c.emu.url}/api/.well-known/sign-in-exp", timeout=5)
