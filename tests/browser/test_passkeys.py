"""A passkey added, renamed and removed in headless Chromium through Logto's Account API (the
emulator's, ``ACCOUNT_CENTER_LOGTO_GATEWAY = "auto"`` with its account center enabled), made by
Chromium's virtual authenticator (DevTools ``WebAuthn``).

The relying party is the host the site reaches Logto at, and an IP address cannot be one: the site
reaches the emulator at ``localhost`` here, and is served at ``localhost`` itself (``live_server``),
its origin among the tenant's ``webauthnRelatedOrigins``."""

from __future__ import annotations

import re

import pytest

from tests.emulator.test_account_api import EDIT_ALL

from .helpers import confirm_with_password, sign_in, virtual_authenticator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _passkeys(emulator, username: str) -> list[dict]:
    with emulator.state.lock:
        user = emulator.state.find_user_by_identifier(username)
        return [dict(f) for f in user["_mfa"] if f["type"] == "WebAuthn"]




def test_add_rename_and_remove_a_passkey_through_logto(
    page, demo, demo_user, emulator, settings
) -> None:
    assert demo.startswith("http://localhost:"), demo  # a host name: a valid relying party
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "auto"
    settings.LOGTO_ENDPOINT = emulator.url.replace("127.0.0.1", "localhost")
    emulator.state.configure_account_center(
        enabled=True, fields=EDIT_ALL, webauthn_related_origins=[demo]
    )
    with emulator.state.lock:
        emulator.state.sign_in_experience_changes["passkeySignIn"] = {"enabled": True}
    emulator.state.register_redirect_uri(f"{demo}/account/oidc/callback/")
    sign_in(page, demo, demo_user)
    virtual_authenticator(page)

    page.goto(f"{demo}/account/two-step/")
    section = page.locator("#ac-two-step-passkeys")
    section.get_by_role("button", name="Add a passkey").click()
    confirm_with_password(page.locator("dialog#ac-step-up"), demo_user.password)

    section.get_by_text("Your passkey is added").wait_for()
    [passkey] = _passkeys(emulator, demo_user.username)
    assert passkey["rpId"] == "localhost"
    # Logto names the device after the browser's User-Agent, relayed by the site.
    assert "Chrome" in passkey["agent"]
    assert passkey["agent"] in section.inner_text()

    section.get_by_role("button", name=re.compile("^Rename")).click()
    section.get_by_label("Name", exact=True).fill("Virtual key")
    section.get_by_role("button", name="Save name").click()
    section.get_by_text("Renamed.").wait_for()
    assert _passkeys(emulator, demo_user.username)[0]["name"] == "Virtual key"
    assert "Virtual key" in section.inner_text()

    section.get_by_role("button", name="Remove Virtual key").click()
    section.get_by_role("button", name="Yes, remove it").click()
    section.get_by_text("Removed.").wait_for()
    assert _passkeys(emulator, demo_user.username) == []
