"""The fixtures every test directory may use (a pytest plugin, registered in tests/conftest.py).

One name for one thing:
- ``rsps``: an empty ``responses`` mock of HTTP;
- ``logto_mock``: a ``responses`` mock of Logto that hands out an M2M token, tests add the
  Management API answers (tests/helpers.py has the URLs and ``logto_user``);
- ``emulator``: the in-process Logto emulator (the plugin's ``logto_emulator``) with this test's
  settings pointed at it as the demo's applications;
- ``user``, ``auth_client``, ``stepped_up``: a local user linked to Logto's ``SUB``, a test client
  signed in as that user, the same client just past step-up;
- ``clock``, ``htmx_headers``.
Fixtures of one harness stay in its conftest.py (``fake_logto`` for sign-in, ``logto_client`` for the
service layer, ``api`` for the emulator's HTTP, ``demo`` for browser journeys).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import responses
from django.contrib.auth import get_user_model
from django.test import Client

from account_center import clock as clock_module
from account_center.flows import stepup
from account_center.models import LogtoIdentity
from logto_emulator.seed import DEMO_CLIENTS
from logto_emulator.server import EmulatorServer
from tests.helpers import ENDPOINT, SUB, USERS_URL, signed_in


@pytest.fixture
def rsps() -> Iterator[responses.RequestsMock]:
    """A mock of Logto over HTTP; tests add the answers they need."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def logto_mock() -> Iterator[responses.RequestsMock]:
    """A mock Logto handing out an M2M token; tests add the Management API answers."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(
            responses.POST,
            f"{ENDPOINT}/oidc/token",
            json={"access_token": "tok", "expires_in": 3600, "token_type": "Bearer"},
        )
        # The user search behind "already used by another account": nobody, unless a test says.
        mock.add(responses.GET, USERS_URL, json=[])
        yield mock


@pytest.fixture
def emulator(logto_emulator: EmulatorServer, settings: Any) -> EmulatorServer:
    """The in-process emulator, this test's settings pointed at it (the demo's apps)."""
    settings.LOGTO_ENDPOINT = logto_emulator.url
    settings.LOGTO_APP_ID = DEMO_CLIENTS.web_app_id
    settings.LOGTO_APP_SECRET = DEMO_CLIENTS.web_app_secret
    settings.LOGTO_M2M_APP_ID = DEMO_CLIENTS.m2m_app_id
    settings.LOGTO_M2M_APP_SECRET = DEMO_CLIENTS.m2m_app_secret
    return logto_emulator


@pytest.fixture
def user(db: Any) -> Any:
    account = get_user_model().objects.create_user(username="alice-local")
    LogtoIdentity.objects.create(user=account, sub=SUB)
    return account


@pytest.fixture
def auth_client(user: Any) -> Client:
    return signed_in(Client(), user)


@pytest.fixture
def htmx_headers() -> dict[str, str]:
    return {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Move time with ``clock[0] += seconds`` (the app's one clock)."""
    now = [1_700_000_000.0]
    monkeypatch.setattr(clock_module, "source", lambda: now[0])
    return now


@pytest.fixture
def stepped_up(auth_client: Client, clock: list[float]) -> Client:
    """A signed-in client whose session passed step-up just now."""
    session = auth_client.session
    session[stepup.SESSION_KEY] = {"method": "password", "at": clock[0], "sub": SUB}
    session.save()
    return auth_client
