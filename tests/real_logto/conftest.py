"""Browser journeys against a REAL Logto (opt-in). See tests/contract/README.md.

They run only when every ``LOGTO_E2E_*`` variable below is set; otherwise each test is skipped with
the list of what is missing, so a CI without Logto stays green.

The demo is served by ``manage.py runserver 127.0.0.1:8000`` in a subprocess (its own temporary
SQLite database, migrated first) because Logto only redirects back to the URI registered for the
web app: ``http://127.0.0.1:8000/account/oidc/callback/``. A subprocess also keeps the demo on its
own settings (``demo_project.settings`` reading ``LOGTO_*`` from the environment) instead of the
tests' fake ``https://logto.test``.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from account_center.logto.client import LogtoClient
from account_center.logto.errors import LogtoNotFound

REQUIRED = (
    "LOGTO_E2E_ENDPOINT",
    "LOGTO_E2E_APP_ID",
    "LOGTO_E2E_APP_SECRET",
    "LOGTO_E2E_M2M_APP_ID",
    "LOGTO_E2E_M2M_APP_SECRET",
)
MISSING = [name for name in REQUIRED if not os.environ.get(name)]

# The address registered in Logto as the web app's redirect and post-logout URIs.
DEMO_HOST, DEMO_PORT = "127.0.0.1", 8000
DEMO_URL = f"http://{DEMO_HOST}:{DEMO_PORT}"

REPO = Path(__file__).resolve().parents[2]
HERE = str(Path(__file__).resolve().parent)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "real_logto: a browser journey against a real Logto (needs LOGTO_E2E_*)"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    skip = pytest.mark.skip(reason="set " + ", ".join(MISSING) + " to run against a real Logto")
    for item in items:
        if str(item.fspath).startswith(HERE):
            item.add_marker(pytest.mark.real_logto)
            if MISSING:
                item.add_marker(skip)


@dataclass(frozen=True)
class E2EUser:
    id: str
    username: str
    password: str


@pytest.fixture(autouse=True)
def _checks_read_logto_now(settings) -> None:
    """The tests' own client checks Logto's side after the demo (another process, its own
    cache) changed it: it must not answer from reads it kept earlier."""
    settings.ACCOUNT_CENTER_READ_CACHE_SECONDS = 0


@pytest.fixture(scope="session")
def logto_admin() -> Iterator[LogtoClient]:
    """The project's own client, on the M2M app: the tests check Logto's side through it."""
    client = LogtoClient(
        endpoint=os.environ["LOGTO_E2E_ENDPOINT"],
        m2m_app_id=os.environ["LOGTO_E2E_M2M_APP_ID"],
        m2m_app_secret=os.environ["LOGTO_E2E_M2M_APP_SECRET"],
        resource=os.environ.get("LOGTO_E2E_RESOURCE", "https://default.logto.app/api"),
        timeout=(5.0, 20.0),
    )
    yield client
    client.session.close()


def _port_is_taken() -> bool:
    with socket.socket() as probe:
        return probe.connect_ex((DEMO_HOST, DEMO_PORT)) == 0


def _wait_until_up(process: subprocess.Popen, log: Path, deadline: float) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the demo server exited:\n{log.read_text()[-3000:]}")
        try:
            requests.get(f"{DEMO_URL}/", timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError(f"the demo server did not start:\n{log.read_text()[-3000:]}")


@dataclass
class DemoServer:
    """The demo on http://127.0.0.1:8000 in a subprocess, on ``settings_module``: its URL, and
    ``manage`` to run its ``manage.py`` against the same database (e.g. to add a staff user)."""

    settings_module: str
    workdir: Path
    env: dict[str, str]
    process: subprocess.Popen | None = None
    url: str = DEMO_URL

    def manage(self, *args: str, env: dict[str, str] | None = None) -> str:
        done = subprocess.run(
            [sys.executable, str(REPO / "manage.py"), *args],
            cwd=REPO,
            env={**self.env, **(env or {})},
            check=True,
            timeout=120,
            capture_output=True,
            text=True,
        )
        return done.stdout

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None
        # Keep the server log when asked (a failure's other half); the rest is throwaway.
        log = self.workdir / "runserver.log"
        if os.environ.get("LOGTO_E2E_KEEP_LOG") and log.exists():
            shutil.copy(log, os.environ["LOGTO_E2E_KEEP_LOG"])
        shutil.rmtree(self.workdir, ignore_errors=True)


def _start_demo(settings_module: str) -> DemoServer:
    if _port_is_taken():
        pytest.fail(f"{DEMO_HOST}:{DEMO_PORT} is taken; the journeys need it for the redirect URI")
    workdir = Path(tempfile.mkdtemp(prefix="account-center-e2e-"))
    env = {
        **os.environ,
        # manage.py only set-defaults it, and pytest-django exported the tests' settings.
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DEMO_DATABASE": str(workdir / "demo.sqlite3"),
        "DEMO_PORT": str(DEMO_PORT),
        "LOGTO_ENDPOINT": os.environ["LOGTO_E2E_ENDPOINT"],
        "LOGTO_APP_ID": os.environ["LOGTO_E2E_APP_ID"],
        "LOGTO_APP_SECRET": os.environ["LOGTO_E2E_APP_SECRET"],
        "LOGTO_M2M_APP_ID": os.environ["LOGTO_E2E_M2M_APP_ID"],
        "LOGTO_M2M_APP_SECRET": os.environ["LOGTO_E2E_M2M_APP_SECRET"],
        "LOGTO_MANAGEMENT_API_RESOURCE": os.environ.get(
            "LOGTO_E2E_RESOURCE", "https://default.logto.app/api"
        ),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    server = DemoServer(settings_module, workdir, env)
    manage = [sys.executable, str(REPO / "manage.py")]
    server.manage("migrate", "-v0")
    log = workdir / "runserver.log"
    with log.open("wb") as out:
        server.process = subprocess.Popen(
            [*manage, "runserver", f"{DEMO_HOST}:{DEMO_PORT}", "--noreload"],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_up(server.process, log, time.monotonic() + 30)
    except BaseException:
        server.stop()
        raise
    return server


class DemoServers:
    """One demo at a time on port 8000 (Logto's registered redirect URI): a journey that needs
    the demo on other settings replaces the running one, which comes back when asked again."""

    def __init__(self) -> None:
        self.running: DemoServer | None = None

    def serve(self, settings_module: str = "demo_project.settings") -> DemoServer:
        if self.running is not None and self.running.settings_module == settings_module:
            return self.running
        self.close()
        self.running = _start_demo(settings_module)
        return self.running

    def close(self) -> None:
        if self.running is not None:
            self.running.stop()
            self.running = None


@pytest.fixture(scope="session")
def demo_servers() -> Iterator[DemoServers]:
    servers = DemoServers()
    try:
        yield servers
    finally:
        servers.close()


@pytest.fixture
def demo_server(demo_servers: DemoServers) -> DemoServer:
    """The demo project on its own settings, talking to the real Logto."""
    return demo_servers.serve()


@pytest.fixture
def demo(demo_server: DemoServer) -> str:
    """The demo project on http://127.0.0.1:8000, talking to the real Logto. Returns its URL."""
    return demo_server.url


def create_user(client: LogtoClient, **body: str) -> str:
    """Test-only: ``POST /api/users`` (the public client has no ``create_user``)."""
    data = client._request("POST", "/api/users", json=body)
    return str(data["id"])


@pytest.fixture
def e2e_user(logto_admin: LogtoClient) -> Iterator[E2EUser]:
    """A throwaway Logto user with a username and a password, deleted afterwards."""
    suffix = secrets.token_hex(4)
    username = f"e2e_{suffix}"
    password = f"E2e-{secrets.token_urlsafe(12)}"
    user_id = create_user(logto_admin, username=username, password=password, name="E2E Person")
    yield E2EUser(user_id, username, password)
    try:
        logto_admin.delete_user(user_id)
    except LogtoNotFound:
        pass
