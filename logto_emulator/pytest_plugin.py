"""pytest plugin: the ``logto_emulator`` fixture. Opt in from your ``conftest.py``::

    pytest_plugins = ["logto_emulator.pytest_plugin"]

def test_sign_in(logto_emulator):
    logto_emulator.url      # e.g. "http://127.0.0.1:40123", no trailing slash
    logto_emulator.state    # EmulatorState seeded with DEMO_CLIENTS and DEMO_USER
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from logto_emulator.seed import demo_state
from logto_emulator.server import EmulatorServer


@pytest.fixture
def logto_emulator() -> Iterator[EmulatorServer]:
    """A running emulator with a fresh seeded state, stopped after the test."""
    with EmulatorServer(demo_state()) as server:
        yield server
