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


@pytest.fixture(scope="session")
def demo() -> Iterator[str]:
    """The demo project on http://127.0.0.1:8000, talking to the real Logto. Returns its URL."""
    if _port_is_taken():
        pytest.fail(f"{DEMO_HOST}:{DEMO_PORT} is taken; the journeys need it for the redirect URI")
    workdir = Path(tempfile.mkdtemp(prefix="account-center-e2e-"))
    env = {
        **os.environ,
        # manage.py only set-defaults it, and pytest-django exported the tests' settings.
        "DJANGO_SETTINGS_MODULE": "demo_project.settings",
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
    manage = [sys.executable, str(REPO / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], cwd=REPO, env=env, check=True, timeout=120)
    log = workdir / "runserver.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*manage, "runserver", f"{DEMO_HOST}:{DEMO_PORT}", "--noreload"],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_up(process, log, time.monotonic() + 30)
        yield DEMO_URL
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        # Keep the server log when asked (a failure's other half); the rest is throwaway.
        if os.environ.get("LOGTO_E2E_KEEP_LOG"):
            shutil.copy(log, os.environ["LOGTO_E2E_KEEP_LOG"])
        shutil.rmtree(workdir, ignore_errors=True)


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
