"""Contract tests: the real :class:`LogtoClient` over HTTP against the emulator and, when
``LOGTO_CONTRACT_*`` is set, against a real Logto. See README.md here.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from account_center.logto.client import LogtoClient
from account_center.logto.errors import LogtoNotFound

REAL_ENDPOINT = os.environ.get("LOGTO_CONTRACT_ENDPOINT", "").rstrip("/")
REAL_M2M_APP_ID = os.environ.get("LOGTO_CONTRACT_M2M_APP_ID", "")
REAL_M2M_APP_SECRET = os.environ.get("LOGTO_CONTRACT_M2M_APP_SECRET", "")
REAL_RESOURCE = os.environ.get("LOGTO_CONTRACT_RESOURCE", "https://default.logto.app/api")

STRONG_PASSWORD = "Contract-Test-" + secrets.token_urlsafe(12)


@dataclass
class Target:
    """One Logto to run the contract against."""

    name: str
    client: LogtoClient
    # Test-only: make a user through whatever the target offers (never part of the client).
    create_user: Callable[..., str]
    # Reads the last verification code sent to an email/phone; None when the target cannot.
    read_code: Callable[..., str | None] | None
    emulator: Any = None


def _admin_create_user(client: LogtoClient, **body: Any) -> str:
    """Test-only helper: ``POST /api/users`` through the client's transport."""
    data = client._request("POST", "/api/users", json={k: v for k, v in body.items() if v})
    return str(data["id"])


def _emulator_target() -> Iterator[Target]:
    from logto_emulator.seed import DEMO_CLIENTS, demo_state
    from logto_emulator.server import EmulatorServer

    with EmulatorServer(demo_state()) as emu:
        client = LogtoClient(
            endpoint=emu.url,
            m2m_app_id=DEMO_CLIENTS.m2m_app_id,
            m2m_app_secret=DEMO_CLIENTS.m2m_app_secret,
            resource="https://default.logto.app/api",
            timeout=(2.0, 10.0),
        )

        def create_user(**body: Any) -> str:
            mapped = {
                "username": body.get("username"),
                "password": body.get("password"),
                "primary_email": body.get("primaryEmail"),
                "primary_phone": body.get("primaryPhone"),
                "name": body.get("name"),
            }
            return str(emu.state.create_user(**mapped)["id"])

        def read_code(*, email: str | None = None, phone: str | None = None) -> str | None:
            return emu.state.last_code(email=email, phone=phone)

        yield Target("emulator", client, create_user, read_code, emulator=emu)
        client.session.close()


def _real_target() -> Iterator[Target]:
    if not (REAL_ENDPOINT and REAL_M2M_APP_ID and REAL_M2M_APP_SECRET):
        pytest.skip("set LOGTO_CONTRACT_ENDPOINT, _M2M_APP_ID and _M2M_APP_SECRET to run")
    client = LogtoClient(
        endpoint=REAL_ENDPOINT,
        m2m_app_id=REAL_M2M_APP_ID,
        m2m_app_secret=REAL_M2M_APP_SECRET,
        resource=REAL_RESOURCE,
        timeout=(5.0, 20.0),
    )
    yield Target(
        "logto",
        client,
        lambda **body: _admin_create_user(client, **body),
        None,  # a real Logto sends codes through its connector: we cannot read them
    )
    client.session.close()


@pytest.fixture(params=["emulator", "logto"])
def target(request: pytest.FixtureRequest) -> Iterator[Target]:
    factory = _emulator_target if request.param == "emulator" else _real_target
    yield from factory()


@pytest.fixture
def logto_client(target: Target) -> LogtoClient:
    return target.client


@pytest.fixture
def user_id(target: Target) -> Iterator[str]:
    """A throwaway user with a username and a password, deleted afterwards."""
    suffix = secrets.token_hex(4)
    created = target.create_user(
        username=f"contract_{suffix}",
        password=STRONG_PASSWORD,
        primaryEmail=f"contract-{suffix}@example.com",
        name="Contract Test",
    )
    yield created
    try:
        target.client.delete_user(created)
    except LogtoNotFound:
        pass  # the test deleted it itself
