"""Browser journeys against a REAL Logto (opt-in). See tests/contract/README.md.

They run only when every ``LOGTO_E2E_*`` variable below is set; otherwise each test is skipped with
the list of what is missing, so a CI without Logto stays green.

The demo is served by ``manage.py runserver 127.0.0.1:8000`` in a subprocess (its own temporary
SQLite database, migrated first) because Logto only redirects back to the URI registered for the
web app: ``http://127.0.0.1:8000/account/oidc/callback/``. A subprocess also keeps the demo on its
own settings (``demo_project.settings`` reading ``LOGTO_*`` from the environment) instead of the
tests' fake ``https://logto.test``.

The demo runs per test module (port 8000 is one): a module changes what it gets by overriding
``demo_setup`` (the gateway, the host the browser and the demo use); the modules that do not
run on the demo's defaults (the Management API gateway).
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
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from account_center.logto.client import LogtoClient
from account_center.logto.errors import LogtoNotFound

from .helpers import LogtoRequests, logto_log_path

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


@dataclass(frozen=True)
class DemoSetup:
    """How a module's demo is served: ``origin`` is where the browser opens it (its callback must
    be registered at Logto), ``endpoint`` the Logto the demo reaches (``LOGTO_ENDPOINT``), ``env``
    more of the demo's environment (e.g. ``ACCOUNT_CENTER_LOGTO_GATEWAY``), ``settings_module``
    the demo's settings."""

    origin: str = DEMO_URL
    endpoint: str = os.environ.get("LOGTO_E2E_ENDPOINT", "")
    env: Mapping[str, str] = field(default_factory=dict)
    settings_module: str = "demo_project.settings"


@dataclass
class DemoServer:
    """The demo on port 8000 in a subprocess: its URL, and ``manage`` to run its ``manage.py``
    against the same database (e.g. to add a staff user)."""

    setup: DemoSetup
    workdir: Path
    env: dict[str, str]
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return self.setup.origin

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


def _start_demo(setup: DemoSetup) -> DemoServer:
    if _port_is_taken():
        pytest.fail(f"{DEMO_HOST}:{DEMO_PORT} is taken; the journeys need it for the redirect URI")
    workdir = Path(tempfile.mkdtemp(prefix="account-center-e2e-"))
    env = {
        **os.environ,
        # manage.py only set-defaults it, and pytest-django exported the tests' settings.
        "DJANGO_SETTINGS_MODULE": setup.settings_module,
        "DEMO_DATABASE": str(workdir / "demo.sqlite3"),
        "DEMO_PORT": str(DEMO_PORT),
        "LOGTO_ENDPOINT": setup.endpoint,
        "LOGTO_APP_ID": os.environ["LOGTO_E2E_APP_ID"],
        "LOGTO_APP_SECRET": os.environ["LOGTO_E2E_APP_SECRET"],
        "LOGTO_M2M_APP_ID": os.environ["LOGTO_E2E_M2M_APP_ID"],
        "LOGTO_M2M_APP_SECRET": os.environ["LOGTO_E2E_M2M_APP_SECRET"],
        "LOGTO_MANAGEMENT_API_RESOURCE": os.environ.get(
            "LOGTO_E2E_RESOURCE", "https://default.logto.app/api"
        ),
        "PYTHONUNBUFFERED": "1",
        **setup.env,
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    # The shell's own choice must not leak into the modules that run on the default.
    if "ACCOUNT_CENTER_LOGTO_GATEWAY" not in setup.env:
        env.pop("ACCOUNT_CENTER_LOGTO_GATEWAY", None)
    server = DemoServer(setup, workdir, env)
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

    def serve(self, setup: DemoSetup | str = DemoSetup()) -> DemoServer:
        if isinstance(setup, str):
            setup = DemoSetup(settings_module=setup)
        if self.running is not None and self.running.setup == setup:
            return self.running
        self.close()
        self.running = _start_demo(setup)
        return self.running

    def close(self) -> None:
        if self.running is not None:
            self.running.stop()
            self.running = None


@pytest.fixture(scope="module")
def demo_setup() -> DemoSetup:
    """The demo's defaults: at 127.0.0.1:8000, on the default gateway ("auto")."""
    return DemoSetup()


@pytest.fixture(scope="module")
def demo_servers() -> Iterator[DemoServers]:
    """Per module: a module's demo starts after its module fixtures changed the tenant (the demo
    keeps Logto's settings a minute), and never serves the next module."""
    servers = DemoServers()
    try:
        yield servers
    finally:
        servers.close()


@pytest.fixture
def demo_server(demo_servers: DemoServers, demo_setup: DemoSetup) -> DemoServer:
    """The demo project on the module's setup, talking to the real Logto."""
    return demo_servers.serve(demo_setup)


@pytest.fixture
def demo(demo_server: DemoServer) -> str:
    """The demo project, talking to the real Logto. Returns its URL (the origin)."""
    return demo_server.url


# The account center's fields the app uses, all Edit (``session`` for sessions and connected
# apps; ``passkey`` falls back to ``mfa``). PATCH replaces the whole ``fields`` object.
EDIT_ALL = {
    name: "Edit"
    for name in (
        "name", "avatar", "profile", "customData", "username", "email", "phone", "password",
        "social", "mfa", "session",
    )
}
# What GET /api/account-center answers that PATCH takes back as it was.
_ACCOUNT_CENTER_KEYS = ("enabled", "fields", "webauthnRelatedOrigins", "deleteAccountUrl")


@contextmanager
def tenant_account_center(client: LogtoClient, **changes: object) -> Iterator[dict]:
    """The tenant's account center with ``changes`` (``PATCH /api/account-center``) inside the
    block, and exactly as it was after it. Yields what it was."""
    before = client._request("GET", "/api/account-center")
    client._request("PATCH", "/api/account-center", json=changes)
    try:
        yield before
    finally:
        client._request(
            "PATCH", "/api/account-center", json={key: before[key] for key in _ACCOUNT_CENTER_KEYS}
        )
        after = client._request("GET", "/api/account-center")
        assert {k: after[k] for k in _ACCOUNT_CENTER_KEYS} == {
            k: before[k] for k in _ACCOUNT_CENTER_KEYS
        }, "the tenant's account center was not restored"


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


@pytest.fixture
def logto_requests() -> LogtoRequests:
    """Logto's own access log from now on; the test is skipped where it cannot be read (a Logto
    that is not the lab kit's)."""
    path = logto_log_path()
    if not path.is_file():
        pytest.skip(f"Logto's log is not at {path}: set LOGTO_E2E_LOG or LAB_DIR")
    return LogtoRequests(path)


@pytest.fixture
def expire_verification_records() -> Callable[[str], int]:
    """Call it with a user id to end that user's Logto verification records now, in Logto's own
    database (``LOGTO_LAB_DB_URL``, the lab kit's): as if their 600 s had passed. Answers how many
    it ended. Skipped without the database."""
    url = os.environ.get("LOGTO_LAB_DB_URL")
    if not url or not shutil.which("psql"):
        pytest.skip("set LOGTO_LAB_DB_URL (the lab's PostgreSQL) and install psql")

    def expire(user_id: str) -> int:
        # psql reads the statement from stdin: variables are not interpolated in ``-c``.
        done = subprocess.run(
            ["psql", url, "-v", "ON_ERROR_STOP=1", "-qAt", "-v", f"uid={user_id}"],
            input="update verification_records set expires_at = now() - interval '1 second'"
            " where user_id = :'uid' and expires_at > now() returning id;",
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        )
        return len(done.stdout.split())

    return expire
