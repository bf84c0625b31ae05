"""The app's Account API service layer (``LogtoClient``'s ``*_own_*`` methods) against the
emulator and, with ``LOGTO_CONTRACT_*`` and ``LOGTO_E2E_APP_*`` set, a real Logto: the same calls
the account center makes, with the user's own token, a Logto verification record, and a passkey
made by a software authenticator on a page at another origin."""

from __future__ import annotations

import datetime
import os
import secrets
from collections.abc import Iterator

import pytest

from account_center.logto.errors import LogtoFieldClosed, LogtoVerificationRequired
from tests.contract.conftest import STRONG_PASSWORD, Target
from tests.contract.differential.authenticator import create_credential
from tests.contract.differential.targets import EmulatorTarget, RealTarget

pytestmark = pytest.mark.contract

PAGE_ORIGIN = "http://localhost:8151"
FIELDS = {
    name: "Edit"
    for name in ("name", "avatar", "profile", "email", "password", "username", "mfa", "session")
}


class OwnToken:
    """A :class:`UserTokenProvider` holding one token (the test never lets it expire)."""

    def __init__(self, user_id: str, token: str) -> None:
        self._user_id, self._token = user_id, token

    @property
    def user_id(self) -> str:
        return self._user_id

    def access_token(self) -> str:
        return self._token

    def refreshed_access_token(self, rejected: str) -> str:
        raise AssertionError("the token was refused")


@pytest.fixture
def me(target: Target) -> Iterator[OwnToken]:
    if target.emulator is not None:
        signer: EmulatorTarget | RealTarget = EmulatorTarget(target.emulator)
    elif os.environ.get("LOGTO_E2E_APP_ID") and os.environ.get("LOGTO_E2E_APP_SECRET"):
        signer = RealTarget()
    else:
        pytest.skip("set LOGTO_E2E_APP_ID and _SECRET to sign a user in at a real Logto")
    client = target.client
    username = f"account_{secrets.token_hex(4)}"
    user_id = target.create_user(
        username=username, password=STRONG_PASSWORD, primaryEmail=f"{username}@example.com"
    )
    try:
        # Signed in first: with passkey sign-in on, Logto's sign-in asks to create a passkey.
        token = OwnToken(user_id, signer.user_token(username, STRONG_PASSWORD))
        client.update_account_center_settings(
            enabled=True, fields=FIELDS, webauthn_related_origins=[PAGE_ORIGIN]
        )
        client._request("PATCH", "/api/sign-in-exp", json={"passkeySignIn": {"enabled": True}})
        yield token
    finally:
        client._request("PATCH", "/api/sign-in-exp", json={"passkeySignIn": {}})
        client.update_account_center_settings(
            enabled=False, fields={}, webauthn_related_origins=[]
        )
        client.delete_user(user_id)


def test_own_changes_need_logtos_verification_record(target: Target, me: OwnToken) -> None:
    client = target.client
    assert client.get_own_account(me).id == me.user_id
    assert client.update_own_account(me, name="Own Name").name == "Own Name"
    with pytest.raises(LogtoVerificationRequired):
        client.update_own_account(me, username=f"renamed_{secrets.token_hex(3)}")
    record = client.verify_own_password(me, STRONG_PASSWORD)
    assert record.expires_at is not None
    left = record.expires_at - datetime.datetime.now(datetime.timezone.utc)
    assert datetime.timedelta(seconds=590) < left <= datetime.timedelta(seconds=600)
    new_name = f"renamed_{secrets.token_hex(3)}"
    account = client.update_own_account(me, username=new_name, verification_id=record.id)
    assert account.username == new_name
    sessions = client.list_own_sessions(me, verification_id=record.id)
    assert [session.is_current for session in sessions] == [True]


def test_a_closed_field_is_refused_by_logto(target: Target, me: OwnToken) -> None:
    target.client.update_account_center_settings(fields={**FIELDS, "name": "ReadOnly"})
    with pytest.raises(LogtoFieldClosed):
        target.client.update_own_account(me, name="Not allowed")


def test_a_passkey_is_registered_bound_renamed_and_removed(target: Target, me: OwnToken) -> None:
    client = target.client
    registration = client.start_own_passkey_registration(me)
    assert registration.rp_id == registration.options["rp"]["name"]
    credential = create_credential(registration.options, PAGE_ORIGIN)
    verified = client.verify_own_passkey_registration(
        me, registration.record.id, credential, user_agent="Chromium contract test"
    )
    proof = client.verify_own_password(me, STRONG_PASSWORD).id
    client.add_own_passkey(me, new_record_id=verified, verification_id=proof, name="laptop")
    [passkey] = client.list_own_mfa_verifications(me)
    assert (passkey.type, passkey.name) == ("WebAuthn", "laptop")
    client.rename_own_passkey(me, passkey.id, "phone", verification_id=proof)
    assert [f.name for f in client.list_own_mfa_verifications(me)] == ["phone"]
    client.delete_own_mfa_verification(me, passkey.id, verification_id=proof)
    assert client.list_own_mfa_verifications(me) == []
