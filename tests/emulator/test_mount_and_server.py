"""The WSGI mount under a prefix, the threaded server, the seed and the test helpers."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any

import pytest
import requests

from logto_emulator.seed import DEMO_CLIENTS, DEMO_USER, announce_demo_user, demo_state
from logto_emulator.server import EmulatorServer
from logto_emulator.wsgi import mount


def _host_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [f"host {environ['PATH_INFO']}".encode()]


def _call(
    app: Callable[..., Iterable[bytes]], path: str, query: str = ""
) -> tuple[str, dict[str, str], bytes]:
    captured: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        captured["status"], captured["headers"] = status, dict(headers)

    environ = {
        "REQUEST_METHOD": "GET",
        "REMOTE_ADDR": "127.0.0.1",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1:8000",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
    }
    body = b"".join(app(environ, start_response))
    return captured["status"], captured["headers"], body


def test_mount_sends_the_prefix_to_the_emulator_and_the_rest_to_the_host() -> None:
    app = mount(_host_app, prefix="/logto", state=demo_state())
    status, _, body = _call(app, "/logto/oidc/.well-known/openid-configuration")
    assert status == "200 OK"
    config = json.loads(body)
    assert config["issuer"] == "http://127.0.0.1:8000/logto/oidc"
    assert config["token_endpoint"] == "http://127.0.0.1:8000/logto/oidc/token"
    assert _call(app, "/account/")[2] == b"host /account/"
    assert _call(app, "/logtofoo")[2] == b"host /logtofoo"


def test_mounted_session_cookie_is_scoped_to_the_prefix() -> None:
    state = demo_state()
    app = mount(_host_app, prefix="/logto", state=state)
    status, headers, _ = _call(
        app,
        "/logto/oidc/auth",
        "client_id=demo-web-app&response_type=code&scope=openid&state=s"
        "&redirect_uri=http%3A%2F%2F127.0.0.1%3A8000%2Faccount%2Foidc%2Fcallback%2F",
    )
    assert status.startswith("303")
    assert headers["Location"].startswith("http://127.0.0.1:8000/logto/oidc/interaction/")


def test_demo_state_registers_demo_redirect_uris(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEMO_PORT", "8123")
    state = demo_state()
    web = state.applications[DEMO_CLIENTS.web_app_id]
    assert web.redirect_uris == [
        "http://127.0.0.1:8123/account/oidc/callback/",
        "http://localhost:8123/account/oidc/callback/",
    ]
    assert web.post_logout_redirect_uris == ["http://127.0.0.1:8123/", "http://localhost:8123/"]
    user = state.find_user_by("username", DEMO_USER.username)
    assert user is not None and user["primaryEmail"] == DEMO_USER.primary_email
    # No SSO identity: the emulator cannot sign in with one, so the demo could not remove others.
    assert user["_sso"] == []


def test_announce_demo_user_prints_once(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import logto_emulator.seed as seed

    monkeypatch.setattr(seed, "_announced", False)
    announce_demo_user()
    announce_demo_user()
    err = capsys.readouterr().err
    assert err.count(DEMO_USER.password) == 1


def test_register_redirect_uri_adds_to_web_apps() -> None:
    state = demo_state()
    state.register_redirect_uri("http://127.0.0.1:9999/cb/")
    state.register_post_logout_redirect_uri("http://127.0.0.1:9999/")
    web = state.applications[DEMO_CLIENTS.web_app_id]
    assert "http://127.0.0.1:9999/cb/" in web.redirect_uris
    assert "http://127.0.0.1:9999/" in web.post_logout_redirect_uris


def test_server_delay_and_stop() -> None:
    with EmulatorServer(demo_state(), delay_seconds=0.05) as emu:
        start = time.perf_counter()
        assert requests.get(emu.url + "/oidc/jwks", timeout=5).status_code == 200
        assert time.perf_counter() - start >= 0.05
        url = emu.url
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/oidc/jwks", timeout=2)


def test_emulator_helpers_outbox_stats_reset(
    logto_emulator: EmulatorServer, caplog: pytest.LogCaptureFixture
) -> None:
    state = logto_emulator.state
    with caplog.at_level(logging.INFO, logger="logto_emulator"):
        state.issue_code("email", "a@example.com")
        state.issue_code("phone", "15551234567")
    assert state.last_code(email="a@example.com") in caplog.text
    outbox = requests.get(logto_emulator.url + "/_emulator/outbox", timeout=5).json()
    assert [m["to"] for m in outbox] == ["15551234567", "a@example.com"]  # newest first
    page = requests.get(logto_emulator.url + "/outbox", timeout=5)
    assert page.status_code == 200 and page.text.index("15551234567") < page.text.index(
        "a@example.com"
    )
    stats = requests.get(logto_emulator.url + "/_emulator/stats", timeout=5).json()
    assert stats["management_api_calls"] == 0 and stats["m2m_tokens_issued"] == 0
    reset = requests.post(logto_emulator.url + "/_emulator/reset", json={}, timeout=5)
    assert reset.status_code == 204
    assert state.outbox == [] and state.users == {}
    assert DEMO_CLIENTS.web_app_id in state.applications  # apps survive a reset


def test_stats_count_every_request_the_emulator_answered_but_its_own(
    logto_emulator: EmulatorServer,
) -> None:
    """What the benchmark counts as Logto calls: the Account API, the anonymous reads and the
    token endpoint too, not only the Management API; never the /_emulator/ helpers."""
    url = logto_emulator.url
    requests.get(url + "/oidc/.well-known/openid-configuration", timeout=5)
    requests.get(url + "/api/.well-known/account-center", timeout=5)
    requests.get(url + "/api/my-account", timeout=5)  # no token: 401, still a round trip
    stats = requests.get(url + "/_emulator/stats", timeout=5).json()
    assert stats["requests_served"] == 3
    assert stats["management_api_calls"] == 0


def test_module_runs_standalone() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "logto_emulator", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("Logto emulator at http://127.0.0.1:")
        url = line.split()[3]
        assert requests.get(url + "/oidc/jwks", timeout=5).status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=5)
        if proc.stdout:
            proc.stdout.close()
        if proc.stderr:
            proc.stderr.close()
