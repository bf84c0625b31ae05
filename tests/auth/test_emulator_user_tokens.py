"""A real sign-in on the Logto emulator keeps the user's own tokens sealed in the session, and
they work: the access token at Logto's userinfo, the refresh token for a new one."""

from __future__ import annotations

import json
from importlib import import_module
from typing import Any

import pytest
import requests
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory

pytest.importorskip("logto_emulator.server", reason="the Logto emulator is not available")

from account_center.auth.user_tokens import SESSION_KEY, SessionUserTokens  # noqa: E402
from logto_emulator.server import EmulatorServer  # noqa: E402

from .test_emulator_sign_in import SITE, callback, emulator, through_logto  # noqa: E402, F401

pytestmark = pytest.mark.django_db

SessionStore = import_module(django_settings.SESSION_ENGINE).SessionStore


def _userinfo(emu: EmulatorServer, access_token: str) -> int:
    return requests.get(
        f"{emu.url}/oidc/me", headers={"Authorization": f"Bearer {access_token}"}, timeout=5
    ).status_code


def test_the_kept_tokens_work_at_logto_and_stay_sealed(
    emulator: EmulatorServer,  # noqa: F811 - the fixture imported above
    settings: Any,
) -> None:
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "account"
    client = Client(HTTP_HOST=SITE)
    start = client.get("/account/login/?next=/account/")
    response = callback(client, through_logto(requests.Session(), start["Location"]))
    assert response.status_code == 302, response.content[:500]

    session = SessionStore(session_key=client.session.session_key)
    request = RequestFactory().get("/account/")
    request.session = session
    request.user = get_user_model().objects.select_related("logto_identity").get()
    provider = SessionUserTokens.for_request(request)
    assert provider is not None
    access_token = provider.access_token()
    # Logto's opaque token (no resource asked), not a JWT; and nowhere in the session in clear.
    assert "." not in access_token
    assert access_token not in json.dumps(dict(session.items()))
    with emulator.state.lock:
        refresh = [
            token
            for token, info in emulator.state.tokens.items()
            if info["kind"] == "refresh" and info["sub"] == provider.user_id
        ]
    (refresh_token,) = refresh
    assert refresh_token not in json.dumps(dict(session.items()))
    assert isinstance(session[SESSION_KEY], str)
    assert _userinfo(emulator, access_token) == 200

    renewed = provider.refreshed_access_token(access_token)

    assert renewed != access_token
    assert _userinfo(emulator, renewed) == 200
    stored = SessionUserTokens.for_request(request)
    assert stored is not None and stored.access_token() == renewed


def _signed_in_with_tokens(emu: EmulatorServer) -> tuple[Client, str]:
    """A sign-in that keeps the user's tokens, and the refresh token Logto gave it."""
    client = Client(HTTP_HOST=SITE)
    start = client.get("/account/login/?next=/account/")
    assert callback(client, through_logto(requests.Session(), start["Location"])).status_code == 302
    with emu.state.lock:
        (refresh_token,) = [t for t, i in emu.state.tokens.items() if i["kind"] == "refresh"]
    return client, refresh_token


def _refresh(emu: EmulatorServer, refresh_token: str) -> requests.Response:
    return requests.post(
        f"{emu.url}/oidc/token",
        auth=(django_settings.LOGTO_APP_ID, django_settings.LOGTO_APP_SECRET),
        data={"grant_type": "refresh_token", "refresh_token": refresh_token},
        timeout=5,
    )


def test_sign_out_revokes_the_kept_refresh_token_at_logto(
    emulator: EmulatorServer,  # noqa: F811
    settings: Any,
) -> None:
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "account"
    client, refresh_token = _signed_in_with_tokens(emulator)

    signed_out = client.post("/account/logout/")

    assert signed_out.status_code == 302
    assert signed_out["Location"].startswith(f"{emulator.url}/oidc/session/end?")
    refused = _refresh(emulator, refresh_token)
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"


def test_sign_out_completes_when_logto_is_down_and_logs_no_token(
    emulator: EmulatorServer,  # noqa: F811
    settings: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "account"
    client, refresh_token = _signed_in_with_tokens(emulator)
    end_session = f"{emulator.url}/oidc/session/end?"
    emulator.stop()

    with caplog.at_level("WARNING"):
        signed_out = client.post("/account/logout/")

    assert signed_out.status_code == 302 and signed_out["Location"].startswith(end_session)
    assert "_auth_user_id" not in client.session and SESSION_KEY not in client.session
    assert "without revoking" in caplog.text and "LogtoUnavailable" in caplog.text
    assert refresh_token not in caplog.text
