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


# Every field of Logto's account-center settings the app reaches (``trustedDevice`` only exists
# with Logto's development features on): all Edit, as a tenant that lets its users change all.
ACCOUNT_CENTER_ALL_EDIT = {
    field: "Edit"
    for field in (
        "name", "avatar", "profile", "customData", "username", "email", "phone", "password",
        "social", "mfa", "passkey", "session",
    )
}
# What only the Management API has (tenant_fields.MANAGEMENT_ONLY): off on the Account API's
# run, so a journey that fetches the M2M token for anything shows it.
MANAGEMENT_ONLY_FEATURES_OFF = {
    "tokens": "off",
    "deletion": "off",
    "trusted_devices": "off",
    "organizations": "off",
}
ACCOUNT_API_PATHS = ("/api/my-account", "/api/verifications")


class Gateway:
    """How this run of a journey reaches Logto, and every request the site sent Logto."""

    def __init__(self, name: str, emulator) -> None:
        self.name = name
        self.emulator = emulator
        self.calls: list[tuple[str, str]] = []  # (method, path) as the app sent them

    @property
    def account_api(self) -> bool:
        return self.name == "account-api"

    def writes(self) -> list[tuple[str, str]]:
        return [(m, p) for m, p in self.calls if m != "GET" and p.startswith("/api/")]

    def went_through(self, *expected: tuple[str, str]) -> None:
        """The journey's changes reached Logto through this run's gateway: on the Account API's
        run, ``expected`` among its calls (a path ending in ``/`` names a prefix), every change
        through ``/api/my-account`` or ``/api/verifications`` and no M2M token issued; on the
        Management API's, none of the Account API's calls."""
        listing = " | ".join(f"{m} {p}" for m, p in self.calls)
        if self.account_api:
            assert self.emulator.state.m2m_tokens_issued == 0, listing
            writes = self.writes()
            assert writes and all(p.startswith(ACCOUNT_API_PATHS) for _, p in writes), listing
            for method, path in expected:
                assert any(
                    m == method and (p == path or (path.endswith("/") and p.startswith(path)))
                    for m, p in self.calls
                ), f"no {method} {path}: {listing}"
        else:
            assert self.emulator.state.m2m_tokens_issued > 0, listing
            assert not [p for _, p in self.calls if p.startswith(ACCOUNT_API_PATHS)], listing


@pytest.fixture(params=["management", "account-api"])
def gateway(request, emulator, settings, monkeypatch):
    """Runs a journey twice, its id saying which: through the Management API (the account
    center disabled in the emulator's tenant) and through the Account API (``"auto"`` on a tenant
    whose account center is enabled with every field Edit). Each sets the gateway itself, whatever
    the default. The journey ends with :meth:`Gateway.went_through`; no M2M token is issued on the
    Account API's run, whatever the journey forgot to check."""
    from account_center.logto.transport import Transport

    run = Gateway(request.param, emulator)
    send = Transport._send

    def recording(self, method, url, **kwargs):
        run.calls.append((method, kwargs.get("log_path") or url))
        return send(self, method, url, **kwargs)

    monkeypatch.setattr(Transport, "_send", recording)
    if run.account_api:
        settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "auto"
        settings.ACCOUNT_CENTER_FEATURES = MANAGEMENT_ONLY_FEATURES_OFF
        emulator.state.configure_account_center(enabled=True, fields=ACCOUNT_CENTER_ALL_EDIT)
        with emulator.state.lock:
            # What the Account API checks and the Management API does not: a factor is added
            # only when the sign-in experience has it, a provider offered only when the sign-in
            # page has it (as Logto's own account center offers them).
            emulator.state.sign_in_experience_changes.update(
                mfa={"factors": ["Totp", "BackupCode"], "policy": "UserControlled"},
                socialSignInConnectorTargets=["mock-social"],
            )
    else:
        settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "management"
        emulator.state.configure_account_center(enabled=False)
    yield run
    if run.account_api:
        assert emulator.state.m2m_tokens_issued == 0, run.calls
