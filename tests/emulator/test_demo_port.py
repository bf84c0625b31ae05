"""The demo on whatever port runserver serves: the embedded emulator's URLs follow it, so
signing in works on 8001 as on 8000 (it answered 503 there: the app asked port 8000)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from demo_project.ports import runserver_argv

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("argv", "environ", "port", "added"),
    [
        (["manage.py", "runserver", "8001"], {}, "8001", []),
        (["manage.py", "runserver", "127.0.0.1:8002", "--noreload"], {}, "8002", []),
        (["manage.py", "runserver", "[::1]:8003"], {"DEMO_PORT": "9000"}, "8003", []),
        (["manage.py", "runserver", "--settings", "x.y", "0.0.0.0:8004"], {}, "8004", []),
        (["manage.py", "runserver"], {"DEMO_PORT": "8005"}, "8005", ["8005"]),
        (["manage.py", "runserver", "--noreload", "-v", "2"], {}, "8000", ["8000"]),
    ],
)
def test_runserver_and_the_demo_port_agree(argv, environ, port, added) -> None:
    result = runserver_argv(argv, environ)

    assert environ["DEMO_PORT"] == port
    assert result == [*argv, *added]


def test_other_commands_are_left_alone() -> None:
    environ: dict[str, str] = {}

    assert runserver_argv(["manage.py", "migrate"], environ) == ["manage.py", "migrate"]
    assert environ == {}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def demo_on_another_port(tmp_path: Path) -> Iterator[str]:
    """``manage.py runserver <port>`` as a person types it: no DEMO_PORT in the environment."""
    port = _free_port()
    env = {
        **os.environ,
        # manage.py only set-defaults it, and pytest-django exported the tests' settings.
        "DJANGO_SETTINGS_MODULE": "demo_project.settings",
        "DEMO_DATABASE": str(tmp_path / "demo.sqlite3"),
    }
    for name in ("DEMO_PORT", "LOGTO_ENDPOINT", "DJANGO_DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    manage = [sys.executable, str(REPO / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], cwd=REPO, env=env, check=True, timeout=120)
    process = subprocess.Popen(
        [*manage, "runserver", str(port), "--noreload"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, "the demo server exited"
            assert time.monotonic() < deadline, "the demo server did not start"
            with contextlib.suppress(requests.RequestException):
                requests.get(f"{url}/favicon.ico", timeout=2)
                break
            time.sleep(0.1)  # polling a server that is starting, not timing a behaviour
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_signing_in_works_on_the_port_runserver_was_given(demo_on_another_port: str) -> None:
    session = requests.Session()

    page = session.get(f"{demo_on_another_port}/account/login/", timeout=20)

    # Logto's (the emulator's) sign-in form, served by this same server.
    assert page.status_code == 200, page.text[:500]
    assert page.url.startswith(f"{demo_on_another_port}/logto/")
    assert 'name="password"' in page.text
