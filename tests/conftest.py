from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.utils import translation

from account_center.conf import site_settings
from account_center.logto.client import reset_client

# The emulator's fixture is opted into, never loaded into a project's tests behind its back;
# the leak check fails the run when any log line holds a password, code, token or secret;
# tests/fixtures.py is the fixture library every directory shares.
pytest_plugins = ["logto_emulator.pytest_plugin", "tests.secret_leaks", "tests.fixtures"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Tokens, discovery documents and rate-limit counters live in the cache: no test may see
    another's."""
    cache.clear()
    # The admin's settings page overrides nothing until a test saves it (site_settings.publish),
    # so tests without database access read no settings row.
    site_settings.assume_defaults()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """A request in another language (LocaleMiddleware) leaves it active on the thread: every
    test starts, and leaves, in the default one."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_logto_client() -> Iterator[None]:
    """The process-wide Logto client is rebuilt for every test, from that test's settings."""
    reset_client()
    yield
    reset_client()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's chromium for every browser test: `playwright install` cannot download browsers
    on these machines. The flags keep it from reaching for the network at start."""
    return {
        **browser_type_launch_args,
        "executable_path": shutil.which("chromium") or "/usr/bin/chromium",
        "headless": True,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }
