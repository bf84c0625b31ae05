"""The demo under gunicorn (4 workers) on PostgreSQL and Redis, against the Logto emulator in its
own process: what several workers of one deployment share must hold across them.

These tests need the servers ``scripts/test`` starts (``scripts/services``); without them they
are skipped. Each test signs in its own new Logto user, so no test depends on another's state.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

from logto_emulator.seed import DEMO_CLIENTS, demo_management_token

ROOT = Path(__file__).resolve().parents[2]
NEEDED = ("ACCOUNT_CENTER_TEST_PG_HOST", "ACCOUNT_CENTER_TEST_REDIS_URL")
WORKERS = 4


def pytest_collection_modifyitems(items):
    missing = [name for name in NEEDED if not os.environ.get(name)]
    for item in items:
        if "tests/multiprocess/" not in str(item.fspath).replace(os.sep, "/"):
            continue
        item.add_marker(pytest.mark.multiprocess)
        if missing:
            item.add_marker(
                pytest.mark.skip(reason="needs PostgreSQL and Redis (scripts/test starts them)")
            )


def loopback_socket() -> socket.socket:
    """A socket bound to a loopback port the kernel picked, for gunicorn to serve on
    (``--bind fd://``): it stays bound from the moment its number is known, where a number
    handed on after closing could be taken by another process in between."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    return sock


def start_emulator(app_port: int, env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    """The emulator in its own process on a port it picks itself; answers it and its URL, which
    it prints first ("Logto emulator at http://127.0.0.1:<port> ...")."""
    process = subprocess.Popen(
        [sys.executable, "-m", "logto_emulator", "--port", "0", "--app-port", str(app_port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    if not first.startswith("Logto emulator at http://"):
        process.kill()
        raise RuntimeError(f"the emulator did not start: {first!r}")
    # What it prints later must not fill the pipe and stop it.
    threading.Thread(target=process.stdout.read, daemon=True).start()
    return process, first.split()[3]


def wait_for(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[:4]} exited with {process.returncode}")
        with contextlib.suppress(requests.RequestException):
            requests.get(url, timeout=2)
            return
        time.sleep(0.1)  # polling a server that is starting, not timing a behaviour
    raise RuntimeError(f"{url} did not answer within {seconds} s")


class _FirstForm(HTMLParser):
    """The first form of a page: its action and its inputs' names and values."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form" and self.action is None:
            self.action, self._inside = attributes.get("action", ""), True
        elif tag == "input" and self._inside and attributes.get("name"):
            self.fields[attributes["name"]] = attributes.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._inside = False


@dataclass
class Cluster:
    site: str
    emulator: str
    database: str

    def management(self) -> requests.Session:
        """A Management API session at the emulator (the M2M demo app)."""
        token = demo_management_token(self.emulator)
        api = requests.Session()
        api.headers["Authorization"] = f"Bearer {token}"
        return api

    def stats(self) -> dict:
        return requests.get(f"{self.emulator}/_emulator/stats", timeout=10).json()


class Visitor:
    """One browser-like visitor of the demo: its own cookies, every request on a new connection
    (gunicorn's sync workers close each one), so requests spread over the workers."""

    def __init__(self, site: str) -> None:
        self.site = site
        self.http = requests.Session()
        self.served_by: list[str] = []

    def _record(self, response: requests.Response) -> requests.Response:
        for answer in (*response.history, response):
            if answer.url.startswith(self.site) and "X-Served-By" in answer.headers:
                self.served_by.append(answer.headers["X-Served-By"])
        return response

    def get(self, path: str, **kwargs) -> requests.Response:
        return self._record(self.http.get(urljoin(self.site, path), timeout=30, **kwargs))

    def post(self, path: str, data: dict[str, str], *, htmx: bool = False) -> requests.Response:
        headers = {"X-CSRFToken": self.http.cookies.get("csrftoken", ""), "Referer": self.site}
        if htmx:
            headers["HX-Request"] = "true"
        return self._record(
            self.http.post(
                urljoin(self.site, path),
                data=data,
                headers=headers,
                timeout=30,
                allow_redirects=False,
            )
        )

    def over_workers(
        self,
        request: Callable[[int], requests.Response],
        *,
        workers: int,
        least: int = 12,
        limit: int = 400,
    ) -> list[requests.Response]:
        """The answers to ``request(n)`` for n = 0, 1, ... made until ``workers`` different
        workers have answered (at least ``least`` requests): which idle worker accepts a new
        connection is the kernel's choice, and a dozen in a row have all landed on two of the four.
        The caller checks every answer."""
        self.served_by.clear()
        answers: list[requests.Response] = []
        while len(answers) < least or len(set(self.served_by)) < workers:
            assert len(answers) < limit, f"{limit} requests reached only {set(self.served_by)}"
            answers.append(request(len(answers)))
        return answers

    def sign_in(self, username: str, password: str) -> None:
        page = self.get("/account/login/")
        form = _FirstForm()
        form.feed(page.text)
        form.fields.update(identifier=username, password=password)
        answer = self._record(
            self.http.post(urljoin(page.url, form.action or page.url), data=form.fields, timeout=30)
        )
        assert answer.url.startswith(f"{self.site}/account"), f"sign-in ended at {answer.url}"
        # A page with a form sets the CSRF cookie the POSTs send back.
        self.get("/account/security/")
        assert self.http.cookies.get("csrftoken")


def _postgres(database: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(
        host=os.environ["ACCOUNT_CENTER_TEST_PG_HOST"],
        port=os.environ["ACCOUNT_CENTER_TEST_PG_PORT"],
        user=os.environ["ACCOUNT_CENTER_TEST_PG_USER"],
        dbname="postgres",
        autocommit=True,
    ) as connection:
        connection.execute(statement)


def query(cluster: Cluster, sql: str, *args: object) -> list[tuple]:
    """Rows from the demo's own PostgreSQL database (what the workers wrote)."""
    import psycopg

    with psycopg.connect(
        host=os.environ["ACCOUNT_CENTER_TEST_PG_HOST"],
        port=os.environ["ACCOUNT_CENTER_TEST_PG_PORT"],
        user=os.environ["ACCOUNT_CENTER_TEST_PG_USER"],
        dbname=cluster.database,
    ) as connection:
        return connection.execute(sql, args).fetchall()


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    database = f"account_center_mp_{secrets.token_hex(4)}"
    # The site's port first: the emulator registers the redirect URIs on it, then the site is told
    # the emulator's URL.
    site_socket = loopback_socket()
    site_port = site_socket.getsockname()[1]
    site = f"http://127.0.0.1:{site_port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.multiprocess.settings",
        "ACCOUNT_CENTER_TEST_PG_NAME": database,
        "DEMO_PORT": str(site_port),
        "LOGTO_APP_ID": DEMO_CLIENTS.web_app_id,
        "LOGTO_APP_SECRET": DEMO_CLIENTS.web_app_secret,
        "LOGTO_M2M_APP_ID": DEMO_CLIENTS.m2m_app_id,
        "LOGTO_M2M_APP_SECRET": DEMO_CLIENTS.m2m_app_secret,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
    }
    _postgres(database, f"CREATE DATABASE {database}")
    processes: list[subprocess.Popen] = []
    try:
        emulator_process, emulator = start_emulator(site_port, env)
        processes.append(emulator_process)
        env["LOGTO_ENDPOINT"] = emulator
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
        )
        site_process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "demo_project.wsgi:application"]
            + ["--workers", str(WORKERS), "--bind", f"fd://{site_socket.fileno()}"]
            + ["--log-level", "warning"],
            cwd=ROOT,
            env=env,
            pass_fds=[site_socket.fileno()],
        )
        processes.append(site_process)
        wait_for(f"{emulator}/oidc/.well-known/openid-configuration", emulator_process)
        wait_for(f"{site}/", site_process)
        yield Cluster(site=site, emulator=emulator, database=database)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        site_socket.close()
        _postgres(database, f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


@pytest.fixture
def new_user(cluster: Cluster):
    """A fresh Logto user at the emulator; returns ``(username, password, user_id)``."""

    def make() -> tuple[str, str, str]:
        username = f"mp_{secrets.token_hex(4)}"
        password = f"Pw-{secrets.token_urlsafe(12)}"
        answer = cluster.management().post(
            f"{cluster.emulator}/api/users",
            json={"username": username, "password": password, "name": "Worker Test"},
            timeout=10,
        )
        answer.raise_for_status()
        return username, password, answer.json()["id"]

    return make


def forget_shared_cache(cluster: Cluster) -> None:
    """Drop what the workers keep in Redis: the M2M token, attempt counters (one IP, 127.0.0.1,
    is every visitor's here), cached Logto reads. Sessions live in PostgreSQL and stay."""
    import redis

    client = redis.Redis.from_url(os.environ["ACCOUNT_CENTER_TEST_REDIS_URL"])
    for key in client.scan_iter(f"{cluster.database}:*"):
        client.delete(key)


@pytest.fixture
def visitor(cluster: Cluster, new_user) -> Iterator[tuple[Visitor, str, str, str]]:
    """A visitor signed in as a fresh user: ``(visitor, username, password, user_id)``."""
    username, password, user_id = new_user()
    person = Visitor(cluster.site)
    person.sign_in(username, password)
    yield person, username, password, user_id
    forget_shared_cache(cluster)


TOO_MANY = re.compile(r"[Tt]oo many|[Tt]ry again in")
