from __future__ import annotations

import pytest
import responses

from account_center.logto.client import LogtoClient
from tests.helpers import ENDPOINT

TOKEN_URL = f"{ENDPOINT}/oidc/token"
M2M_SECRET = "m2m-app-secret"


def add_token(rsps: responses.RequestsMock, token: str = "tok-1", expires_in: int = 3600) -> None:
    rsps.add(
        responses.POST,
        TOKEN_URL,
        json={"access_token": token, "expires_in": expires_in, "token_type": "Bearer"},
    )


@pytest.fixture
def logto_client() -> LogtoClient:
    return LogtoClient(
        endpoint=ENDPOINT,
        m2m_app_id="m2m-app-id",
        m2m_app_secret=M2M_SECRET,
        resource="https://default.logto.app/api",
        timeout=(1.5, 7.0),
    )


@pytest.fixture
def logto_mock(rsps: responses.RequestsMock) -> responses.RequestsMock:
    """A mock Logto whose token endpoint hands out ``tok-1``."""
    add_token(rsps)
    return rsps


def tokens_fetched(mock) -> int:
    """M2M tokens the client asked Logto for (benchmarks count at the emulator instead)."""
    return len([c for c in mock.calls if c.request.url.endswith("/oidc/token")])


def management_calls(mock) -> int:
    return len([c for c in mock.calls if "/api/" in c.request.url])
