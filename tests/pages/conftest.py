from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
import responses
from django.contrib.auth import get_user_model
from django.test import Client

from account_center import clock as clock_module
from account_center.flows import stepup
from account_center.models import LogtoIdentity

ENDPOINT = "https://logto.test"
SUB = "u1"
USERS_URL = f"{ENDPOINT}/api/users"
USER_URL = f"{USERS_URL}/{SUB}"


def logto_user(**overrides: Any) -> dict[str, Any]:
    data = {
        "id": SUB,
        "username": "alice",
        "primaryEmail": "alice@example.com",
        "primaryPhone": None,
        "name": "Alice",
        "avatar": None,
        "customData": {"plan": "pro"},
        "profile": {},
        "identities": {},
        "hasPassword": True,
        "isSuspended": False,
    }
    data.update(overrides)
    return data


@pytest.fixture
def logto() -> Iterator[responses.RequestsMock]:
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
def user(db: Any) -> Any:
    account = get_user_model().objects.create_user(username="alice-local")
    LogtoIdentity.objects.create(user=account, sub=SUB)
    return account


@pytest.fixture
def auth_client(user: Any) -> Client:
    return signed_in(Client(), user)


def signed_in(client: Client, user: Any) -> Client:
    """``client`` signed in as ``user`` as after a real sign-in through Logto: its ID token is
    fresh (with an expired one, every change is refused until the user signs in again)."""
    client.force_login(user)
    session = client.session
    session["oidc_id_token_expiration"] = time.time() + 3600
    session.save()
    return client


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


def calls(mock: responses.RequestsMock, method: str, url: str) -> list[Any]:
    return [
        c for c in mock.calls if c.request.method == method and c.request.url.split("?")[0] == url
    ]


def body(call: Any) -> Any:
    return json.loads(call.request.body)
