"""Journeys in headless Chromium against the demo project served by ``live_server``, signed in
through the Logto emulator (a development tool started per test by the ``emulator`` fixture).
"""

from __future__ import annotations

import os

import pytest

from logto_emulator.seed import DEMO_USER

# Playwright's sync API runs an event loop in this thread; the ORM is used from the same thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def demo(live_server, emulator):
    """The demo site on ``live_server``, pointed at a fresh emulator. Returns the site's URL."""
    emulator.state.register_redirect_uri(f"{live_server.url}/account/oidc/callback/")
    emulator.state.register_post_logout_redirect_uri(f"{live_server.url}/")
    return live_server.url


@pytest.fixture
def demo_user():
    return DEMO_USER


@pytest.fixture
def page(page):
    """Every journey fails on a Content-Security-Policy violation: the pages are served under the
    policy adopters are told to use (tests/settings.py), so an inline script or style shows here."""
    violations: list[str] = []

    def note(message) -> None:
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    page.on("console", note)
    yield page
    assert not violations, violations
