"""Conformance cases of the Account API, as a signed-in user calls it with their own token, the
account center on and every field editable."""

from __future__ import annotations

import struct
import zlib

import pyotp
import requests

from logto_emulator.seed import DEMO_CLIENTS
from tests.contract.differential.authenticator import create_credential
from tests.contract.differential.targets import ACCOUNT_SCOPES, EmulatorTarget, _exchange
from tests.emulator.conformance.cases import Context, case
from tests.emulator.test_account_api import EDIT_ALL, PASSWORD

RELATED_ORIGIN = "http://localhost:8151"
NEW_EMAIL = "new-acct@example.com"
NEW_PHONE = "15555550123"


def _proof(c: Context) -> str:
    """A verified password record: the proof of the user's identity that changes need."""
    return c.me.password_record()


def _factors_offered(c: Context) -> None:
    body = {"mfa": {"factors": ["Totp", "WebAuthn", "BackupCode"], "policy": "UserControlled"}}
    assert c.api("PATCH", "/api/sign-in-exp", json=body).status_code == 200


def _code_record(c: Context, kind: str, value: str) -> str:
    """A verification-code record for a new address, verified with the code sent to it."""
    identifier = {"type": kind, "value": value}
    sent = c.me("POST", "/api/verifications/verification-code", json={"identifier": identifier})
    record = str(sent.json()["verificationRecordId"])
    code = c.emu.state.last_code(**{kind: value})
    body = {"identifier": identifier, "verificationId": record, "code": code}
    assert c.me("POST", "/api/verifications/verification-code/verify", json=body).ok
    return record


def _social_record(c: Context) -> str:
    """A verified social record of the mock social connector."""
    started = c.me(
        "POST",
        "/api/verifications/social",
        json={
            "connectorId": c.emu.state.connector_id("social"),
            "state": "s",
            "redirectUri": "http://127.0.0.1:8000/cb",
        },
    )
    record = str(started.json()["verificationRecordId"])
    body = {"verificationRecordId": record, "connectorData": {"code": "c", "userId": "s-1"}}
    assert c.me("POST", "/api/verifications/social/verify", json=body).ok
    return record


def _link_social(c: Context) -> str:
    proof = _proof(c)
    body = {"newIdentifierVerificationRecordId": _social_record(c)}
    assert c.me("POST", "/api/my-account/identities", json=body, proof=proof).ok
    return proof


def _totp(c: Context) -> str:
    _factors_offered(c)
    proof = _proof(c)
    body = {"type": "Totp", "secret": pyotp.random_base32()}
    assert c.me("POST", "/api/my-account/mfa-verifications", json=body, proof=proof).ok
    return proof


def _passkey(c: Context) -> str:
    """A passkey of the user's, as a bound one is stored."""
    c.emu.state.users[c.me.user["id"]]["_mfa"].append(
        {
            "id": "passkey1",
            "type": "WebAuthn",
            "credentialId": "Y3JlZA",
            "publicKey": "cHVibGlj",
            "counter": 0,
            "transports": ["internal"],
            "agent": "Chromium",
            "name": "laptop",
            "createdAt": "2026-01-01T00:00:00.000Z",
        }
    )
    return "passkey1"


def _own_session(c: Context) -> str:
    sessions = c.me("GET", "/api/my-account/sessions", proof=_proof(c)).json()["sessions"]
    return str(sessions[0]["payload"]["uid"])


# -- the account ----------------------------------------------------------------------------------
@case("GET", "/api/my-account")
def read_own_account(c: Context) -> requests.Response:
    return c.me("GET", "/api/my-account")


@case("PATCH", "/api/my-account")
def rename_own_account(c: Context) -> requests.Response:
    return c.me("PATCH", "/api/my-account", json={"name": "Acct"})


@case("PATCH", "/api/my-account")
def own_username_unproven(c: Context) -> requests.Response:
    return c.me("PATCH", "/api/my-account", json={"username": "other"})


@case("PATCH", "/api/my-account/profile")
def update_own_profile(c: Context) -> requests.Response:
    return c.me("PATCH", "/api/my-account/profile", json={"nickname": "acc", "locale": "en"})


@case("POST", "/api/my-account/password")
def change_own_password(c: Context) -> requests.Response:
    body = {"password": "Another-pass-2024!"}
    return c.me("POST", "/api/my-account/password", json=body, proof=_proof(c))


@case("POST", "/api/my-account/password")
def own_password_too_weak(c: Context) -> requests.Response:
    return c.me("POST", "/api/my-account/password", json={"password": "a"}, proof=_proof(c))


def _png() -> bytes:
    """A whole 1×1 PNG, made by hand: Logto reads a picture's type from its bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


@case("POST", "/api/my-account/user-assets/avatar")
def upload_own_avatar_without_storage(c: Context) -> requests.Response:
    files = {"file": ("me.png", _png(), "image/png")}
    return c.me("POST", "/api/my-account/user-assets/avatar", files=files)


@case("POST", "/api/my-account/user-assets/avatar")
def upload_own_avatar(c: Context) -> requests.Response:
    c.emu.state.configure_avatar_storage()
    files = {"file": ("me.png", _png(), "image/png")}
    return c.me("POST", "/api/my-account/user-assets/avatar", files=files)


@case("POST", "/api/my-account/user-assets/avatar")
def upload_own_avatar_not_a_picture(c: Context) -> requests.Response:
    c.emu.state.configure_avatar_storage()
    files = {"file": ("me.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/png")}
    return c.me("POST", "/api/my-account/user-assets/avatar", files=files)


# -- verification records -------------------------------------------------------------------------
@case("POST", "/api/verifications/password")
def prove_with_password(c: Context) -> requests.Response:
    return c.me("POST", "/api/verifications/password", json={"password": "Account-api-2024!"})


@case("POST", "/api/verifications/password")
def prove_with_a_wrong_password(c: Context) -> requests.Response:
    return c.me("POST", "/api/verifications/password", json={"password": "not-it"})


@case("POST", "/api/verifications/verification-code")
def send_own_code(c: Context) -> requests.Response:
    identifier = {"type": "email", "value": NEW_EMAIL}
    return c.me("POST", "/api/verifications/verification-code", json={"identifier": identifier})


@case("POST", "/api/verifications/verification-code/verify")
def verify_own_code(c: Context) -> requests.Response:
    identifier = {"type": "email", "value": NEW_EMAIL}
    sent = c.me("POST", "/api/verifications/verification-code", json={"identifier": identifier})
    body = {
        "identifier": identifier,
        "verificationId": sent.json()["verificationRecordId"],
        "code": c.emu.state.last_code(email=NEW_EMAIL),
    }
    return c.me("POST", "/api/verifications/verification-code/verify", json=body)


@case("POST", "/api/verifications/social")
def start_social_verification(c: Context) -> requests.Response:
    body = {
        "connectorId": c.emu.state.connector_id("social"),
        "state": "s",
        "redirectUri": "http://127.0.0.1:8000/cb",
    }
    return c.me("POST", "/api/verifications/social", json=body)


@case("POST", "/api/verifications/social/verify")
def verify_social(c: Context) -> requests.Response:
    started = start_social_verification(c).json()["verificationRecordId"]
    body = {"verificationRecordId": started, "connectorData": {"code": "c", "userId": "s-1"}}
    return c.me("POST", "/api/verifications/social/verify", json=body)


@case("POST", "/api/verifications/web-authn/registration")
def start_passkey_registration(c: Context) -> requests.Response:
    return c.me("POST", "/api/verifications/web-authn/registration")


@case("POST", "/api/verifications/web-authn/registration/verify")
def verify_passkey_registration(c: Context) -> requests.Response:
    c.emu.state.configure_account_center(webauthn_related_origins=[RELATED_ORIGIN])
    started = start_passkey_registration(c).json()
    credential = create_credential(started["registrationOptions"], RELATED_ORIGIN)
    body = {
        "verificationRecordId": started["verificationRecordId"],
        "payload": {**credential, "type": "WebAuthn"},
    }
    return c.me("POST", "/api/verifications/web-authn/registration/verify", json=body)


# -- email, phone, social identities --------------------------------------------------------------
@case("POST", "/api/my-account/primary-email")
def set_own_email(c: Context) -> requests.Response:
    record = _code_record(c, "email", NEW_EMAIL)
    body = {"email": NEW_EMAIL, "newIdentifierVerificationRecordId": record}
    return c.me("POST", "/api/my-account/primary-email", json=body, proof=_proof(c))


@case("DELETE", "/api/my-account/primary-email")
def remove_own_email(c: Context) -> requests.Response:
    return c.me("DELETE", "/api/my-account/primary-email", proof=_proof(c))


@case("POST", "/api/my-account/primary-phone")
def set_own_phone(c: Context) -> requests.Response:
    record = _code_record(c, "phone", NEW_PHONE)
    body = {"phone": NEW_PHONE, "newIdentifierVerificationRecordId": record}
    return c.me("POST", "/api/my-account/primary-phone", json=body, proof=_proof(c))


@case("DELETE", "/api/my-account/primary-phone")
def remove_own_phone(c: Context) -> requests.Response:
    c.emu.state.users[c.me.user["id"]]["primaryPhone"] = NEW_PHONE
    return c.me("DELETE", "/api/my-account/primary-phone", proof=_proof(c))


@case("POST", "/api/my-account/identities")
def link_own_identity(c: Context) -> requests.Response:
    body = {"newIdentifierVerificationRecordId": _social_record(c)}
    return c.me("POST", "/api/my-account/identities", json=body, proof=_proof(c))


@case("PUT", "/api/my-account/identities")
def replace_own_identity(c: Context) -> requests.Response:
    proof = _link_social(c)
    body = {"newIdentifierVerificationRecordId": _social_record(c)}
    return c.me("PUT", "/api/my-account/identities", json=body, proof=proof)


@case("DELETE", "/api/my-account/identities/{target}")
def unlink_own_identity(c: Context) -> requests.Response:
    proof = _link_social(c)
    return c.me("DELETE", "/api/my-account/identities/mock-social", proof=proof)


# -- settings -------------------------------------------------------------------------------------
@case("GET", "/api/my-account/logto-configs")
def read_own_logto_configs(c: Context) -> requests.Response:
    return c.me("GET", "/api/my-account/logto-configs")


@case("PATCH", "/api/my-account/logto-configs")
def update_own_logto_configs(c: Context) -> requests.Response:
    body = {"passkeySignIn": {"skipped": True}}
    return c.me("PATCH", "/api/my-account/logto-configs", json=body, proof=_proof(c))


@case("GET", "/api/my-account/mfa-settings")
def read_own_mfa_settings(c: Context) -> requests.Response:
    return c.me("GET", "/api/my-account/mfa-settings")


@case("PATCH", "/api/my-account/mfa-settings")
def update_own_mfa_settings(c: Context) -> requests.Response:
    body = {"skipMfaOnSignIn": True}
    return c.me("PATCH", "/api/my-account/mfa-settings", json=body, proof=_proof(c))


# -- second factors and passkeys ------------------------------------------------------------------
_FACTORS = "/api/my-account/mfa-verifications"


@case("GET", _FACTORS)
def list_own_factors(c: Context) -> requests.Response:
    _totp(c)
    _passkey(c)
    return c.me("GET", _FACTORS)


@case("POST", _FACTORS)
def add_own_totp(c: Context) -> requests.Response:
    _factors_offered(c)
    secret = pyotp.random_base32()
    body = {"type": "Totp", "secret": secret, "code": pyotp.TOTP(secret).now()}
    return c.me("POST", _FACTORS, json=body, proof=_proof(c))


@case("POST", _FACTORS)
def add_own_totp_not_offered(c: Context) -> requests.Response:
    body = {"type": "Totp", "secret": pyotp.random_base32()}
    return c.me("POST", _FACTORS, json=body, proof=_proof(c))


@case("PUT", _FACTORS + "/totp")
def replace_own_totp(c: Context) -> requests.Response:
    proof = _totp(c)
    secret = pyotp.random_base32()
    body = {"secret": secret, "code": pyotp.TOTP(secret).now()}
    return c.me("PUT", _FACTORS + "/totp", json=body, proof=proof)


@case("POST", _FACTORS + "/totp-secret/generate")
def generate_own_totp_secret(c: Context) -> requests.Response:
    return c.me("POST", _FACTORS + "/totp-secret/generate")


@case("POST", _FACTORS + "/backup-codes/generate")
def generate_own_backup_codes(c: Context) -> requests.Response:
    return c.me("POST", _FACTORS + "/backup-codes/generate")


@case("GET", _FACTORS + "/backup-codes")
def read_own_backup_codes(c: Context) -> requests.Response:
    proof = _totp(c)
    codes = c.me("POST", _FACTORS + "/backup-codes/generate").json()["codes"]
    added = c.me("POST", _FACTORS, json={"type": "BackupCode", "codes": codes}, proof=proof)
    assert added.ok, added.text
    return c.me("GET", _FACTORS + "/backup-codes", proof=proof)


@case("PATCH", _FACTORS + "/{verificationId}/name")
def rename_own_passkey(c: Context) -> requests.Response:
    passkey = _passkey(c)
    body = {"name": "phone"}
    return c.me("PATCH", f"{_FACTORS}/{passkey}/name", json=body, proof=_proof(c))


@case("DELETE", _FACTORS + "/{verificationId}")
def remove_own_factor(c: Context) -> requests.Response:
    passkey = _passkey(c)
    return c.me("DELETE", f"{_FACTORS}/{passkey}", proof=_proof(c))


# -- sessions and grants --------------------------------------------------------------------------
@case("GET", "/api/my-account/sessions")
def list_own_sessions(c: Context) -> requests.Response:
    return c.me("GET", "/api/my-account/sessions", proof=_proof(c))


@case("DELETE", "/api/my-account/sessions/{sessionId}")
def end_own_session(c: Context) -> requests.Response:
    session = _own_session(c)
    return c.me("DELETE", f"/api/my-account/sessions/{session}", proof=_proof(c))


@case("GET", "/api/my-account/grants")
def list_own_grants(c: Context) -> requests.Response:
    return c.me("GET", "/api/my-account/grants", proof=_proof(c))


@case("DELETE", "/api/my-account/grants/{grantId}")
def revoke_own_grant(c: Context) -> requests.Response:
    proof = _proof(c)
    grant = c.me("GET", "/api/my-account/grants", proof=proof).json()["grants"][0]["id"]
    return c.me("DELETE", f"/api/my-account/grants/{grant}", proof=proof)


# -- trusted devices: routes of Logto's development features (the subset has them from a build
# with those on, as the state plays it here) ------------------------------------------------------
def _own_trusted_device(c: Context) -> tuple[str, str]:
    """A device the user's browser is trusted on, a token that may see it (the trusted-devices
    scope, the ``trustedDevice`` field editable), and a proof; the device's id and the proof."""
    state = c.emu.state
    state.configure_dev_features()
    user = c.me.user
    state.configure_account_center(fields={**EDIT_ALL, "trustedDevice": "Edit"})
    callback, verifier = EmulatorTarget(c.emu).sign_in(
        user["username"], PASSWORD, f"{ACCOUNT_SCOPES} urn:logto:scope:trusted_devices"
    )
    c.me.token = _exchange(
        c.emu.url, DEMO_CLIENTS.web_app_id, DEMO_CLIENTS.web_app_secret, callback, verifier
    )
    device = state.add_trusted_device(user["id"], user_agent="Firefox")
    return str(device["id"]), _proof(c)


@case("GET", "/api/my-account/trusted-devices")
def list_own_trusted_devices(c: Context) -> requests.Response:
    _, proof = _own_trusted_device(c)
    return c.me("GET", "/api/my-account/trusted-devices", proof=proof)


@case("DELETE", "/api/my-account/trusted-devices/{trustedDeviceId}")
def forget_own_trusted_device(c: Context) -> requests.Response:
    device, proof = _own_trusted_device(c)
    return c.me("DELETE", f"/api/my-account/trusted-devices/{device}", proof=proof)
