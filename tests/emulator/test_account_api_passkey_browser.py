"""A passkey made by Chromium's virtual authenticator (DevTools ``WebAuthn``) from the emulator's
registration options, on a page at another origin, and verified by the emulator as Logto
verifies it (``none`` attestation, user verified, the page's origin among the related ones)."""

from __future__ import annotations

from typing import Any

import pytest

from logto_emulator.server import EmulatorServer
from tests.emulator.test_account_api import EDIT_ALL, Me
from tests.helpers import virtual_authenticator

pytestmark = pytest.mark.browser

PAGE = "http://localhost:8151/"


def test_chromiums_passkey_is_verified_and_bound(
    logto_emulator: EmulatorServer, page: Any
) -> None:
    state = logto_emulator.state
    state.configure_account_center(fields=EDIT_ALL, webauthn_related_origins=[PAGE.rstrip("/")])
    state.sign_in_experience_changes["passkeySignIn"] = {"enabled": True}
    # Reached as localhost, so the relying party is a host name a browser accepts.
    me = Me(logto_emulator, base=logto_emulator.url.replace("127.0.0.1", "localhost"))
    started = me("POST", "/api/verifications/web-authn/registration").json()

    # The page is served by the browser itself: only its origin matters.
    page.route(PAGE, lambda route: route.fulfill(body="<!doctype html><title>p</title>"))
    page.goto(PAGE)
    virtual_authenticator(page)
    credential = page.evaluate(
        """async (options) => {
            const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(options);
            const made = await navigator.credentials.create({publicKey});
            return made.toJSON();
        }""",
        started["registrationOptions"],
    )
    verified = me(
        "POST",
        "/api/verifications/web-authn/registration/verify",
        json={
            "verificationRecordId": started["verificationRecordId"],
            "payload": {**credential, "type": "WebAuthn"},
        },
        headers={"User-Agent": "Chromium (virtual authenticator)"},
    )
    assert verified.status_code == 200, verified.text
    proof = me.password_record()
    bound = me(
        "POST",
        "/api/my-account/mfa-verifications",
        json={
            "type": "WebAuthn",
            "newIdentifierVerificationRecordId": started["verificationRecordId"],
            "name": "Chromium",
        },
        proof=proof,
    )
    assert bound.status_code == 204, bound.text
    [passkey] = state.users[me.user["id"]]["_mfa"]
    assert (passkey["rpId"], passkey["credentialId"]) == ("localhost", credential["id"])
    assert passkey["agent"] == "Chromium (virtual authenticator)"
