"""The emulator signs anyone in and shows every code it sends: it answers this machine only,
mounted in the demo or standalone, unless a developer knowingly allows other machines. "This
machine" means a loopback address, a loopback host name (no DNS rebinding) and no proxy between;
and no page of it can be framed."""

from __future__ import annotations

from urllib.parse import quote

import pytest
import requests

from logto_emulator.app import EmulatorApp
from logto_emulator.seed import demo_state
from logto_emulator.server import EmulatorServer
from logto_emulator.wsgi import mount
from tests.emulator.direct import call


def _get(app, path: str, remote: str, host: str = "127.0.0.1:8000") -> tuple[str, bytes]:
    status, _, body = call(app, path, remote, host)
    return status, body


def _django(environ, start_response):
    start_response("200 OK", [])
    return [b"django"]


@pytest.fixture(autouse=True)
def _no_remote_allowed(monkeypatch):
    monkeypatch.delenv("LOGTO_EMULATOR_ALLOW_REMOTE", raising=False)


@pytest.mark.parametrize("remote", ["203.0.113.9", "10.0.0.5", "192.168.1.20", "", "not-an-ip"])
def test_the_mounted_emulator_refuses_other_machines(remote):
    site = mount(_django, prefix="/logto", state=demo_state())
    status, body = _get(site, "/logto/outbox", remote, host="evil.example")
    assert status.startswith("403") and b"outbox" not in body.lower()
    # The site itself is Django's to answer (ALLOWED_HOSTS and all).
    assert _get(site, "/account/", remote)[1] == b"django"


@pytest.mark.parametrize("remote", ["127.0.0.1", "127.0.0.2", "::1"])
def test_the_emulator_answers_this_machine(remote):
    status, _ = _get(EmulatorApp(demo_state()), "/outbox", remote)
    assert status.startswith("200")


@pytest.mark.parametrize(
    "host",
    ["localhost", "localhost:8000", "LOCALHOST:3001", "127.0.0.1", "127.0.0.1:49152", "[::1]:8000"],
)
def test_loopback_host_names_are_answered(host):
    assert call(EmulatorApp(demo_state()), "/_emulator/outbox", host=host)[0] == "200 OK"


@pytest.mark.parametrize(
    "host",
    [
        "rebind.attacker.example",
        "rebind.attacker.example:8000",
        "localhost.attacker.example",
        "127.0.0.1.nip.io:8000",
        "[2001:db8::1]:8000",
        "",
    ],
)
@pytest.mark.parametrize("mounted", [False, True])
def test_a_rebound_host_name_reads_nothing(host, mounted):
    """DNS rebinding: another site's name, re-pointed at 127.0.0.1, arrives from loopback."""
    state = demo_state()
    state.issue_code("email", "demo@example.com")
    app = mount(_django, prefix="/logto", state=state) if mounted else EmulatorApp(state)
    prefix = "/logto" if mounted else ""
    for path in ("/_emulator/outbox", "/outbox", "/oidc/.well-known/openid-configuration"):
        status, _, body = call(app, prefix + path, host=host)
        assert status.startswith("403"), path
        assert state.last_code(email="demo@example.com").encode() not in body


@pytest.mark.parametrize(
    "header",
    [
        {"x_forwarded_for": "203.0.113.9"},
        {"x_forwarded_for": "127.0.0.1"},
        {"forwarded": "for=203.0.113.9;proto=https"},
        {"x_real_ip": "203.0.113.9"},
    ],
)
@pytest.mark.parametrize("mounted", [False, True])
def test_a_request_a_proxy_forwarded_is_refused(header, mounted):
    """A reverse proxy on this machine makes an outside request arrive from loopback."""
    state = demo_state()
    app = mount(_django, prefix="/logto", state=state) if mounted else EmulatorApp(state)
    prefix = "/logto" if mounted else ""
    assert call(app, prefix + "/_emulator/outbox", **header)[0].startswith("403")


@pytest.mark.parametrize(
    "path", ["/", "/outbox", "/oidc/jwks", "/_emulator/stats", "/api/users", "/nowhere"]
)
def test_no_answer_can_be_framed(path):
    _, headers, _ = call(EmulatorApp(demo_state()), path)
    assert headers["Content-Security-Policy"] == "frame-ancestors 'none'"
    assert headers["X-Frame-Options"] == "DENY"
    _, refused, _ = call(EmulatorApp(demo_state()), path, remote="203.0.113.9")
    assert refused["X-Frame-Options"] == "DENY"


def test_a_developer_can_allow_other_machines(monkeypatch):
    app = EmulatorApp(demo_state(), allow_remote=True)
    assert _get(app, "/outbox", "10.0.0.5")[0] == "200 OK"
    assert _get(app, "/outbox", "10.0.0.5", host="192.168.1.10:3001")[0] == "200 OK"
    monkeypatch.setenv("LOGTO_EMULATOR_ALLOW_REMOTE", "1")
    assert _get(EmulatorApp(demo_state()), "/outbox", "10.0.0.5")[0] == "200 OK"


def test_the_server_answers_on_localhost_too():
    with EmulatorServer(demo_state()) as emulator:
        port = emulator.url.rsplit(":", 1)[1]
        answer = requests.get(f"http://localhost:{port}/_emulator/stats", timeout=5)
        assert answer.status_code == 200
        rebound = requests.get(
            f"{emulator.url}/_emulator/stats", headers={"Host": "evil.example"}, timeout=5
        )
        assert rebound.status_code == 403


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "https://attacker.example/steal",
        "http://127.0.0.1:8000/account/connections/callback/?x=1",
        "javascript:alert(1)",
        "",
    ],
)
def test_the_mock_social_provider_sends_codes_to_registered_callbacks_only(redirect_uri):
    state = demo_state()
    state.social_redirect_uris.add("http://127.0.0.1:8000/account/connections/callback/")
    app = EmulatorApp(state)
    query = f"redirect_uri={quote(redirect_uri, safe='')}&state=s1"
    for method, body in (("GET", b""), ("POST", b"userId=social-1&action=allow")):
        status, headers, _ = call(
            app,
            "/mock-social/authorize",
            method=method,
            body=body,
            query=query,
            content_type="application/x-www-form-urlencoded",
        )
        assert status.startswith("400") and "Location" not in headers, method
    assert state.social_codes == {}
