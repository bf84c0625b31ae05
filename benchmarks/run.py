"""Benchmark: the demo under gunicorn against the Logto emulator, measured from a second process.

The demo runs as production runs it: gunicorn workers sharing PostgreSQL and Redis (started on
loopback by ``scripts/benchmark`` through ``scripts/services``), static files compressed by
WhiteNoise. Prints, per page: requests per second, p50/p95 latency, Logto Management API calls per
page view; M2M tokens fetched in the whole run; memory per worker; the bytes a first view
transfers; and the same for a bare Django page behind the same middleware (the baseline). With
``--delay-ms 50`` the emulator answers every call after 50 ms and each page's latency is also
printed as a multiple of that delay.

    .venv-test/bin/python benchmarks/run.py [--requests 200] [--workers 2] [--delay-ms 50]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import requests
from gateways import ACCOUNT_CENTER_FIELDS, Figures, Journey, print_table, rounds
from pages import PAGES  # this folder is on sys.path when the script runs

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(requests.RequestException):
            requests.get(url, timeout=1)
            return
        time.sleep(0.1)
    raise SystemExit(f"{url} did not answer within {seconds} s")


class FormReader(HTMLParser):
    """Reads the first form of the emulator's sign-in page: its action and inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.inputs: list[dict[str, str]] = []
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form" and self.action is None:
            self.action = attributes.get("action", "")
            self._in_form = True
        elif tag == "input" and self._in_form:
            self.inputs.append(attributes)

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False


def sign_in(site: str, username: str, password: str, then: str = "/account/") -> dict[str, str]:
    """Signs in through the emulator's form like a browser, landing on ``then``; returns the
    site's cookies."""
    browser = requests.Session()
    page = browser.get(f"{site}/account/login/", params={"next": then}, timeout=10)
    form = FormReader()
    form.feed(page.text)
    data = {}
    for field in form.inputs:
        kind, name = field.get("type", "text"), field.get("name")
        if not name:
            continue
        if kind == "password":
            data[name] = password
        elif kind in ("text", "email") and not any(v == username for v in data.values()):
            data[name] = username
        elif kind == "hidden":
            data[name] = field.get("value", "")
    answer = browser.post(urljoin(page.url, form.action or page.url), data=data, timeout=10)
    if not answer.url.endswith(then):
        raise SystemExit(f"sign-in failed, ended at {answer.url}")
    return {
        c.name: c.value for c in browser.cookies if c.domain in ("127.0.0.1", "127.0.0.1.local", "")
    }


def postgres(statement: str) -> None:
    """Run one statement on the benchmark's PostgreSQL server (scripts/services started it)."""
    import psycopg

    with psycopg.connect(
        host=os.environ["ACCOUNT_CENTER_TEST_PG_HOST"],
        port=os.environ["ACCOUNT_CENTER_TEST_PG_PORT"],
        user=os.environ["ACCOUNT_CENTER_TEST_PG_USER"],
        dbname="postgres",
        autocommit=True,
    ) as connection:
        connection.execute(statement)


def worker_memory_mib(master_pid: int) -> list[float]:
    """Resident memory of each gunicorn worker (the master's children), in MiB."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    sizes = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return sizes


class AssetReader(HTMLParser):
    """The stylesheets, scripts and icons a page loads."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and attributes.get("src"):
            self.urls.append(attributes["src"])
        elif (
            tag == "link"
            and attributes.get("rel") in ("stylesheet", "icon")
            and attributes.get("href")
        ):
            self.urls.append(attributes["href"])


def first_view_bytes(site: str, cookies: dict[str, str]) -> tuple[int, int]:
    """Bytes on the wire for the overview and what it loads, gzip accepted as browsers do
    (``Content-Length``: compressed where the server compressed); returns ``(total, files)``."""
    browser = requests.Session()
    browser.cookies.update(cookies)
    browser.headers["Accept-Encoding"] = "gzip"

    def wire(url: str) -> requests.Response:
        answer = browser.get(url, timeout=10)
        answer.wire_size = int(answer.headers.get("Content-Length") or len(answer.content))
        return answer

    page = wire(f"{site}/account/")
    reader = AssetReader()
    reader.feed(page.text)
    answers = [page, *(wire(urljoin(site, url)) for url in reader.urls)]
    return sum(answer.wire_size for answer in answers), len(answers)


def after_a_webhook(site: str, emulator: str, cookies: dict[str, str], key: str) -> list[float]:
    """Logto calls of the overview's next two views after a signed ``User.Data.Updated`` webhook
    for the user: the first reads Logto afresh, the next is answered from the kept reads."""
    import hashlib
    import hmac
    from datetime import UTC, datetime

    from logto_emulator.seed import DEMO_USER, demo_management_token

    token = demo_management_token(emulator)
    found = requests.get(
        f"{emulator}/api/users",
        params={"search.username": DEMO_USER.username, "mode.username": "exact"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    ).json()
    body = json.dumps(
        {
            "event": "User.Data.Updated",
            "createdAt": datetime.now(UTC).isoformat(),
            "data": found[0],
        }
    ).encode()
    signature = hmac.new(key.encode(), body, hashlib.sha256).hexdigest()
    delivered = requests.post(
        f"{site}/account/webhooks/logto/",
        data=body,
        headers={"Content-Type": "application/json", "logto-signature-sha-256": signature},
        timeout=10,
    )
    delivered.raise_for_status()
    calls = []
    for _ in range(2):
        before = stats(emulator)["management_api_calls"]
        requests.get(f"{site}/account/", cookies=cookies, timeout=10).raise_for_status()
        calls.append(stats(emulator)["management_api_calls"] - before)
    return calls


def stats(emulator: str) -> dict:
    return requests.get(f"{emulator}/_emulator/stats", timeout=10).json()


def one_logto_call_p50(emulator: str, args: argparse.Namespace) -> float:
    """The latency of one Management API read served by the emulator, measured the same way."""
    from logto_emulator.seed import DEMO_USER, demo_management_token

    token = demo_management_token(emulator)
    headers = {"Authorization": f"Bearer {token}"}
    users = requests.get(
        f"{emulator}/api/users", params={"search": DEMO_USER.username}, headers=headers, timeout=10
    ).json()
    cmd = [
        PYTHON,
        str(ROOT / "benchmarks" / "load.py"),
        f"{emulator}/api/users/{users[0]['id']}",
        "--requests",
        str(args.requests),
        "--concurrency",
        str(args.concurrency),
        "--header",
        f"Authorization: Bearer {token}",
    ]
    result = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
    return result["p50_ms"]


class OverHttp(Journey):
    """A browser of the demo under gunicorn, for ``gateways.rounds``."""

    def __init__(self, site: str, emulator: str, database: str, username: str, password: str):
        self.site, self.emulator, self.database = site, emulator, database
        self.username, self.password = username, password
        self.browser = requests.Session()

    def sign_in(self) -> None:
        self.browser = requests.Session()
        # Landing on the bare page: the overview would read (and keep) the user's reads.
        self.browser.cookies.update(
            sign_in(self.site, self.username, self.password, then="/_baseline/")
        )

    def start_sign_in(self, landing: str) -> str:
        signer = requests.Session()
        page = signer.get(f"{self.site}/account/login/", params={"next": landing}, timeout=10)
        form = FormReader()
        form.feed(page.text)
        data = {}
        for field in form.inputs:  # as sign_in() fills the form
            kind, name = field.get("type", "text"), field.get("name")
            if not name:
                continue
            if kind == "password":
                data[name] = self.password
            elif kind in ("text", "email") and self.username not in data.values():
                data[name] = self.username
            elif kind == "hidden":
                data[name] = field.get("value", "")
        url = urljoin(page.url, form.action or page.url)
        answer = signer.post(url, data=data, allow_redirects=False, timeout=10)
        while answer.is_redirect:
            url = urljoin(url, answer.headers["Location"])
            if url.startswith(f"{self.site}/account/oidc/callback/"):
                self.browser = requests.Session()
                site_domains = ("127.0.0.1", "127.0.0.1.local", "")
                self.browser.cookies.update(
                    {c.name: c.value for c in signer.cookies if c.domain in site_domains}
                )
                return url
            answer = signer.get(url, allow_redirects=False, timeout=10)
        raise SystemExit(f"sign-in failed, ended at {url}")

    def finish_sign_in(self, callback: str) -> int:
        return self.browser.get(callback, allow_redirects=False, timeout=30).status_code

    def get(self, path: str) -> int:
        answer = self.browser.get(self.site + path, allow_redirects=False, timeout=30)
        return answer.status_code

    def post(self, path: str, data: dict[str, str]) -> int:
        # The CSRF cookie came with the overview (its page holds the token htmx sends); the
        # jar may hold it twice (the sign-in's copy, the page's), with the same value.
        tokens = [cookie.value for cookie in self.browser.cookies if cookie.name == "csrftoken"]
        headers = {"X-CSRFToken": tokens[-1] if tokens else ""}
        answer = self.browser.post(
            self.site + path, data=data, headers=headers, allow_redirects=False, timeout=30
        )
        return answer.status_code

    def forget_everything(self) -> None:
        """Empty the demo's cache in Redis (its keys only: the run's prefix is the database's
        name); the sessions stay, in PostgreSQL."""
        import redis

        server = redis.Redis.from_url(os.environ["ACCOUNT_CENTER_TEST_REDIS_URL"])
        keys = list(server.scan_iter(match=f"{self.database}:*"))
        if keys:
            server.delete(*keys)

    def requests_served(self) -> int:
        return stats(self.emulator)["requests_served"]


def one_round_trip_ms(emulator: str, count: int = 20) -> float:
    """One Management API read straight to the emulator, alone (median of ``count``)."""
    from logto_emulator.seed import demo_management_token

    token = demo_management_token(emulator)
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    times = []
    for _ in range(count):
        started = time.perf_counter()
        session.get(f"{emulator}/api/users", params={"page_size": "1"}, timeout=10)
        times.append((time.perf_counter() - started) * 1000)
    return sorted(times)[count // 2]


def start_site(port: int, workers: int, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "demo_project.wsgi:application",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )


def gateways_side_by_side(
    args: argparse.Namespace,
    processes: list[subprocess.Popen],
    env: dict[str, str],
    site: str,
    emulator: str,
    database: str,
) -> None:
    """The gateways table: this run's demo (the Management API), then the demo restarted with
    ``"auto"`` and the emulator's Account API switched on."""
    from logto_emulator.seed import DEMO_USER, demo_management_token

    results: dict[str, Figures] = {}
    username = DEMO_USER.username
    for gateway in ("management", "auto"):
        if gateway != "management":
            token = demo_management_token(emulator)
            requests.patch(
                f"{emulator}/api/account-center",
                json={"enabled": True, "fields": ACCOUNT_CENTER_FIELDS},
                headers={"Authorization": f"Bearer {token}"},
                timeout=10,
            ).raise_for_status()
            site_process = processes.pop()
            site_process.terminate()
            site_process.wait(timeout=10)
            processes.append(
                start_site(
                    int(site.rsplit(":", 1)[1]),
                    args.workers,
                    {**env, "BENCH_LOGTO_GATEWAY": gateway},
                )
            )
            wait_for(f"{site}/")
        journey = OverHttp(site, emulator, database, username, DEMO_USER.password)
        results[gateway] = rounds(journey, DEMO_USER.password, args.gateway_rounds)
        username = journey.username
    one_call = one_round_trip_ms(emulator)
    print(
        f"\nThe two gateways side by side (median of {args.gateway_rounds} rounds, each from a "
        f"fresh sign-in; one Logto round trip alone: {one_call:.1f} ms; auto: the emulator's "
        f"Account API on, every field Edit):\n"
    )
    print_table(results, args.delay_ms, one_call)


def run(args: argparse.Namespace) -> None:
    from logto_emulator.seed import DEMO_CLIENTS, DEMO_USER

    site_port, emulator_port = free_port(), free_port()
    site, emulator = f"http://127.0.0.1:{site_port}", f"http://127.0.0.1:{emulator_port}"
    workdir = Path(tempfile.mkdtemp(prefix="account-center-bench-"))
    database = f"account_center_bench_{os.getpid()}_{args.delay_ms}"
    webhook_key = os.urandom(16).hex()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "ACCOUNT_CENTER_TEST_PG_NAME": database,
        "BENCH_STATIC_ROOT": str(workdir / "static"),
        "DEMO_PORT": str(site_port),
        "LOGTO_ENDPOINT": emulator,
        "LOGTO_APP_ID": DEMO_CLIENTS.web_app_id,
        "LOGTO_APP_SECRET": DEMO_CLIENTS.web_app_secret,
        "LOGTO_M2M_APP_ID": DEMO_CLIENTS.m2m_app_id,
        "LOGTO_M2M_APP_SECRET": DEMO_CLIENTS.m2m_app_secret,
        # Webhooks on: the run delivers one, signed with this key, to show what it costs.
        "BENCH_WEBHOOK_KEY": webhook_key,
    }
    processes = []
    try:
        emulator_cmd = [PYTHON, "-m", "logto_emulator", "--port", str(emulator_port)]
        if args.delay_ms:
            emulator_cmd += ["--delay-ms", str(args.delay_ms)]
        processes.append(
            subprocess.Popen(emulator_cmd, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
        )
        postgres(f"CREATE DATABASE {database}")
        subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run(
            [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        processes.append(start_site(site_port, args.workers, env))
        wait_for(f"{emulator}/oidc/.well-known/openid-configuration")
        wait_for(f"{site}/")
        cookies = sign_in(site, DEMO_USER.username, DEMO_USER.password)

        print(
            f"\nDemo under gunicorn ({args.workers} workers) against the Logto emulator"
            f"{f', every Logto answer delayed {args.delay_ms} ms' if args.delay_ms else ''};"
            f" {args.requests} requests per page, {args.concurrency} client threads.\n"
        )
        header = f"{'page':28} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'Logto calls/view':>17}"
        if args.delay_ms:
            header += f" {'p50 / delay':>12}"
        print(header)
        baseline_p50 = None
        for label, path, htmx in PAGES:
            before = stats(emulator)["management_api_calls"]
            cmd = [
                PYTHON,
                str(ROOT / "benchmarks" / "load.py"),
                site + path,
                "--requests",
                str(args.requests),
                "--concurrency",
                str(args.concurrency),
            ]
            cmd += [
                arg for name, value in cookies.items() for arg in ("--cookie", f"{name}={value}")
            ]
            if htmx:
                cmd.append("--htmx")
            result = json.loads(
                subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
            )
            calls = (stats(emulator)["management_api_calls"] - before) / (result["requests"] + 1)
            line = (
                f"{label:28} {result['rps']:8.1f} {result['p50_ms']:8.1f} "
                f"{result['p95_ms']:8.1f} {calls:17.2f}"
            )
            if args.delay_ms:
                line += f" {result['p50_ms'] / args.delay_ms:12.2f}"
            if baseline_p50 is None:
                baseline_p50 = result["p50_ms"]
            else:
                line += f"   ({result['p50_ms'] / baseline_p50:.1f}x baseline p50)"
            if result["failures"]:
                line += f"   {result['failures']} non-200 answers {result['failure_statuses']}"
            print(line)
        # The emulator started fresh with this run: every token it issued so far was the app's.
        tokens = stats(emulator)["m2m_tokens_issued"]
        logto_p50 = one_logto_call_p50(emulator, args)
        print(
            f"\nOne Management API call straight to the emulator: p50 {logto_p50:.1f} ms "
            f"(part of every page's latency above; the app's own share is the rest)"
        )
        print(
            f"\nM2M tokens fetched during the run: {tokens} "
            f"(shared by {args.workers} workers through Redis)"
        )
        memory = worker_memory_mib(processes[-1].pid)
        print(
            "Memory per worker (RSS after the run): "
            + ", ".join(f"{size:.0f} MiB" for size in memory)
        )
        first, next_one = after_a_webhook(site, emulator, cookies, webhook_key)
        print(
            f"Overview after a User.Data.Updated webhook for the user: {first:.0f} Logto calls "
            f"on the next view (its reads dropped), {next_one:.0f} on the one after"
        )
        total, files = first_view_bytes(site, cookies)
        print(f"First view of the overview: {total / 1024:.1f} KB in {files} responses (gzip)")
        if args.gateway_rounds:
            # Last: it renames the demo user and restarts the demo with the other gateway.
            gateways_side_by_side(args, processes, env, site, emulator, database)
    finally:
        for process in reversed(processes):
            process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)
        postgres(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument(
        "--concurrency",
        type=int,
        default=2,
        help="client threads; keep it at the worker count so latency is not queueing",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--delay-ms", type=int, default=0)
    parser.add_argument(
        "--gateway-rounds",
        type=int,
        default=0,
        help="also measure both gateways side by side, cold and warm (0: not)",
    )
    run(parser.parse_args())


if __name__ == "__main__":
    main()
