"""The emulator signs anyone in and shows every code it sends: it answers this machine only,
mounted in the demo or standalone, unless a developer knowingly allows other machines."""

from __future__ import annotations

from io import BytesIO

import pytest

from logto_emulator.app import EmulatorApp
from logto_emulator.seed import demo_state
from logto_emulator.wsgi import mount


def _get(app, path: str, remote: str, host: str = "127.0.0.1:8000") -> tuple[str, bytes]:
    answer: dict[str, str] = {}

    def start_response(status, headers):
        answer["status"] = status

    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": host,
        "REMOTE_ADDR": remote,
        "wsgi.url_scheme": "http",
        "wsgi.input": BytesIO(b""),
    }
    body = b"".join(app(environ, start_response))
    return answer["status"], body


def _django(environ, start_response):
    start_response("200 OK", [])
    return [b"django"]


@pytest.mark.parametrize("remote", ["203.0.113.9", "10.0.0.5", "192.168.1.20", "", "not-an-ip"])
def test_the_mounted_emulator_refuses_other_machines(remote, monkeypatch):
    monkeypatch.delenv("LOGTO_EMULATOR_ALLOW_REMOTE", raising=False)
    site = mount(_django, prefix="/logto", state=demo_state())
    status, body = _get(site, "/logto/outbox", remote, host="evil.example")
    assert status.startswith("403") and b"outbox" not in body.lower()
    # The site itself is Django's to answer (ALLOWED_HOSTS and all).
    assert _get(site, "/account/", remote)[1] == b"django"


@pytest.mark.parametrize("remote", ["127.0.0.1", "127.0.0.2", "::1"])
def test_the_emulator_answers_this_machine(remote):
    status, _ = _get(EmulatorApp(demo_state()), "/outbox", remote)
    assert status.startswith("200")


def test_a_developer_can_allow_other_machines(monkeypatch):
    assert _get(EmulatorApp(demo_state(), allow_remote=True), "/outbox", "10.0.0.5")[0] == "200 OK"
    monkeypatch.setenv("LOGTO_EMULATOR_ALLOW_REMOTE", "1")
    assert _get(EmulatorApp(demo_state()), "/outbox", "10.0.0.5")[0] == "200 OK"
