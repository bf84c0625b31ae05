"""Fixtures for the emulator's own tests (plain HTTP against a running EmulatorServer)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests

# The plugin's fixture, imported so these tests also run when the package is not installed
# (then the pytest11 entry point is not registered).
from logto_emulator.pytest_plugin import logto_emulator  # noqa: F401
from logto_emulator.seed import demo_management_token
from logto_emulator.server import EmulatorServer

MANAGEMENT_RESOURCE = "https://default.logto.app/api"
REDIRECT_URI = "http://127.0.0.1:8000/account/oidc/callback/"


@dataclass
class Api:
    """A Management API caller with a fresh M2M token."""

    url: str
    session: requests.Session

    def __call__(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return self.session.request(method, self.url + path, timeout=5, **kwargs)


def m2m_token(url: str) -> str:
    return demo_management_token(url)


@pytest.fixture
def api(logto_emulator: EmulatorServer) -> Iterator[Api]:  # noqa: F811 - the plugin's fixture
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {m2m_token(logto_emulator.url)}"
    yield Api(logto_emulator.url, session)
    session.close()
