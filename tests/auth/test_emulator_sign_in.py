"""Whole sign-in journeys against the Logto emulator (real HTTP, real ES384 tokens)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from django.contrib.auth import SESSION_KEY
from django.test import Client

pytest.importorskip("logto_emulator.server", reason="the Logto emulator is not available")

from account_center.logto.client import reset_client  # noqa: E402
from account_center.models import LogtoIdentity  # noqa: E402
from logto_emulator.seed import DEMO_CLIENTS, DEMO_USER, demo_state  # noqa: E402
from logto_emulator.server import EmulatorServer  # noqa: E402

pytestmark = pytest.mark.django_db

SITE = "127.0.0.1:8000"  # the redirect URI the emulator's demo web app registers


@pytest.fixture
def emulator(settings: Any) -> Iterator[EmulatorServer]:
    with EmulatorServer(demo_state(port=8000)) as server:
        settings.LOGTO_ENDPOINT = server.url
        settings.LOGTO_APP_ID = DEMO_CLIENTS.web_app_id
        settings.LOGTO_APP_SECRET = DEMO_CLIENTS.web_app_secret
        settings.LOGTO_M2M_APP_ID = DEMO_CLIENTS.m2m_app_id
        settings.LOGTO_M2M_APP_SECRET = DEMO_CLIENTS.m2m_app_secret
        settings.ACCOUNT_CENTER_LOGIN_REDIRECT_URL = "/signed-in/"
        reset_client()
        yield server
    reset_client()


def through_logto(browser: requests.Session, url: str) -> str:
    """Play the user at Logto's sign-in page; answers the callback URL Logto sends back to."""
    for _ in range(10):
        if url.startswith(f"http://{SITE}/account/oidc/callback/"):
            return url
        response = browser.get(url, allow_redirects=False)
        if response.is_redirect:
            url = requests.compat.urljoin(url, response.headers["Location"])
            continue
        action = re.search(r'<form method="post" action="([^"]+)"', response.text)
        assert action, response.text[:500]
        posted = browser.post(
            action.group(1).replace("&amp;", "&"),
            data={
                "identifier": DEMO_USER.username,
                "password": DEMO_USER.password,
                "action": "sign_in",
            },
            allow_redirects=False,
        )
        assert posted.is_redirect, posted.text[:500]
        url = requests.compat.urljoin(action.group(1), posted.headers["Location"])
    raise AssertionError("Logto never sent the browser back")


def callback(client: Client, url: str) -> Any:
    parts = urlsplit(url)
    return client.get(f"{parts.path}?{parts.query}")


def test_sign_in_reauthenticate_and_sign_out(emulator: EmulatorServer, monkeypatch: Any) -> None:
    client = Client(HTTP_HOST=SITE)
    browser = requests.Session()

    start = client.get("/account/login/?next=/account/")
    assert start["Location"].startswith(f"{emulator.url}/oidc/auth?")
    response = callback(client, through_logto(browser, start["Location"]))
    assert response.status_code == 302, response.content[:500]
    assert response["Location"] == "/account/"
    identity = LogtoIdentity.objects.get()
    assert client.session[SESSION_KEY] == str(identity.user.pk)
    assert client.session["account_center_sub"] == identity.sub
    assert client.session["account_center_sid"]

    recorded: list[str] = []
    from account_center.flows import stepup

    monkeypatch.setattr(
        stepup, "record_verification", lambda request, method: recorded.append(method)
    )
    start = client.get("/account/reauthenticate/?next=/account/security/")
    response = callback(client, through_logto(browser, start["Location"]))
    assert response["Location"] == "/account/security/", response.content[:500]
    assert recorded == ["reauthentication"]

    response = client.post("/account/logout/")
    assert response["Location"].startswith(f"{emulator.url}/oidc/session/end?")
    assert "id_token_hint=" in response["Location"]
    assert SESSION_KEY not in client.session
    ended = browser.get(response["Location"], allow_redirects=False)
    assert ended.status_code < 500
