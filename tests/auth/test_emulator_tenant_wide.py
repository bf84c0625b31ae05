"""Logto's tenant-wide things (its account-center settings, the M2M token) on the emulator: fetched
side by side with what a page or the sign-in waits for anyway, so the first overview after a
sign-in makes only the user's own reads, and a deployment's first overview two round trips
whichever the gateway; never fetched where nothing would use them.

"Side by side" is checked with a barrier the calls must meet at: calls made one after the other
never meet (the first waits the barrier's timeout out and it breaks); no clock is read."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from django.core.cache import cache
from django.test import Client

pytest.importorskip("logto_emulator.server", reason="the Logto emulator is not available")

from logto_emulator.server import EmulatorServer  # noqa: E402

from .test_emulator_gateway import EDIT_ALL, calls  # noqa: E402, F401
from .test_emulator_sign_in import SITE, callback, emulator, through_logto  # noqa: E402, F401

pytestmark = pytest.mark.django_db

SETTINGS_READ = "/api/.well-known/account-center"
TOKEN_FETCH = "/oidc/token"
TENANT_WIDE = (SETTINGS_READ, "/api/account-center", TOKEN_FETCH)
# Calls one after the other wait this long at the barrier before it breaks (the test then fails).
MEETING_SECONDS = 5


def _gateway(emulator: EmulatorServer, settings: Any, gateway: str) -> None:  # noqa: F811
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = gateway
    if gateway != "management":
        emulator.state.configure_account_center(enabled=True, fields={**EDIT_ALL, "mfa": "Edit"})


def _signed_in(landing: str = "/account/") -> Client:
    client = Client(HTTP_HOST=SITE)
    start = client.get(f"/account/login/?next={landing}")
    response = callback(client, through_logto(requests.Session(), start["Location"]))
    assert response.status_code == 302, response.content[:500]
    assert response["Location"] == landing
    return client


class Meeting:
    """Where calls that must be side by side wait for each other (:meth:`expect` names them);
    ``broken``: those whose wait ran out, made one after the other."""

    def __init__(self) -> None:
        self.names: tuple[str, ...] = ()
        self.broken: list[str] = []
        self._barrier: threading.Barrier | None = None

    def expect(self, *names: str) -> None:
        self.names = names
        self._barrier = threading.Barrier(len(names), timeout=MEETING_SECONDS)

    def arrive(self, name: str) -> None:
        if self._barrier is None or name not in self.names:
            return
        try:
            self._barrier.wait()
        except threading.BrokenBarrierError:
            self.broken.append(name)


@pytest.fixture
def meeting(monkeypatch: pytest.MonkeyPatch) -> Iterator[Meeting]:
    """Every Logto call of the app arrives at the meeting (by its path) before it is sent."""
    from account_center.logto.transport import Transport

    place = Meeting()
    send = Transport._send

    def arriving(self: Any, method: str, url: str, **kwargs: Any) -> Any:
        place.arrive(kwargs.get("log_path") or url)
        return send(self, method, url, **kwargs)

    monkeypatch.setattr(Transport, "_send", arriving)
    yield place


def test_a_deployments_first_overview_in_auto_fetches_logtos_settings_beside_the_m2m_token(
    emulator: EmulatorServer,  # noqa: F811
    settings: Any,
    calls: list[tuple[str, str, bool]],  # noqa: F811
    meeting: Meeting,
) -> None:
    """Before: the settings first, then the Account API's reads beside the token, then the two
    reads only the Management API has: three round trips. Now two."""
    _gateway(emulator, settings, "auto")
    client = _signed_in()
    cache.clear()  # the sessions stay (in the database); no settings, no token
    calls.clear()
    meeting.expect(SETTINGS_READ, TOKEN_FETCH)

    assert client.get("/account/").status_code == 200

    assert meeting.broken == []
    asked = [path for _method, path, _grant in calls]
    # Both come before every read of the user's (which need one or the other).
    first_read = min(i for i, path in enumerate(asked) if path not in TENANT_WIDE)
    assert set(asked[:first_read]) == {SETTINGS_READ, TOKEN_FETCH}, asked


@pytest.mark.parametrize("gateway", ["management", "auto"])
def test_the_first_overview_after_a_sign_in_makes_only_the_users_reads(
    emulator: EmulatorServer,  # noqa: F811
    settings: Any,
    calls: list[tuple[str, str, bool]],  # noqa: F811
    gateway: str,
) -> None:
    _gateway(emulator, settings, gateway)
    cache.clear()  # a deployment's first sign-in: nothing of Logto's is held
    client = _signed_in()
    signed_in = [path for _method, path, _grant in calls]
    calls.clear()

    assert client.get("/account/").status_code == 200

    asked = [path for _method, path, _grant in calls]
    assert asked and not set(asked) & set(TENANT_WIDE), asked
    assert TOKEN_FETCH in signed_in
    assert (SETTINGS_READ in signed_in) is (gateway == "auto")


def test_the_sign_in_fetches_logtos_settings_and_the_m2m_token_beside_userinfo(
    emulator: EmulatorServer,  # noqa: F811
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    meeting: Meeting,
) -> None:
    """The callback waits for userinfo anyway: what it fetches beside costs it no round trip."""
    from mozilla_django_oidc.auth import OIDCAuthenticationBackend

    _gateway(emulator, settings, "auto")
    cache.clear()
    meeting.expect(SETTINGS_READ, TOKEN_FETCH, "userinfo")
    userinfo = OIDCAuthenticationBackend.get_userinfo

    def meeting_the_others(self: Any, *args: Any) -> Any:
        meeting.arrive("userinfo")
        return userinfo(self, *args)

    monkeypatch.setattr(OIDCAuthenticationBackend, "get_userinfo", meeting_the_others)

    _signed_in()

    assert meeting.broken == []
    assert emulator.state.m2m_tokens_issued == 1


def test_a_sign_in_landing_on_a_page_of_the_account_apis_fetches_no_m2m_token_ahead(
    emulator: EmulatorServer,  # noqa: F811
    settings: Any,
    calls: list[tuple[str, str, bool]],  # noqa: F811
) -> None:
    """The profile page in "auto" reads through the user's own token: the settings are fetched
    beside userinfo, a token it would not use is not."""
    _gateway(emulator, settings, "auto")
    cache.clear()

    client = _signed_in("/account/profile/")
    signed_in = [path for _method, path, _grant in calls]
    calls.clear()
    assert client.get("/account/profile/").status_code == 200

    assert SETTINGS_READ in signed_in and TOKEN_FETCH not in signed_in, signed_in
    asked = [path for _method, path, _grant in calls]
    assert asked and not set(asked) & set(TENANT_WIDE), asked
    assert emulator.state.m2m_tokens_issued == 0


def test_a_sign_in_landing_on_a_page_of_the_host_projects_fetches_nothing_ahead(
    emulator: EmulatorServer,  # noqa: F811
    settings: Any,
    calls: list[tuple[str, str, bool]],  # noqa: F811
) -> None:
    _gateway(emulator, settings, "auto")
    cache.clear()

    _signed_in("/signed-in/")

    asked = [path for _method, path, _grant in calls]
    assert not set(asked) & set(TENANT_WIDE), asked


def test_a_sign_in_is_not_failed_by_an_m2m_token_logto_refuses(
    emulator: EmulatorServer,  # noqa: F811
    settings: Any,
) -> None:
    """The page that needs the token fetches it again and says what failed in its own way."""
    _gateway(emulator, settings, "management")
    settings.LOGTO_M2M_APP_SECRET = "not-the-secret"
    cache.clear()

    client = _signed_in()

    assert "_auth_user_id" in client.session
