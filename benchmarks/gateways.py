"""The two gateways side by side: the Management API (M2M token) and ``"auto"`` with the tenant's
Account API on (the user's own token), cold and warm, and a change with its verification.

For each gateway, round after round:

* a sign-in with nothing cached (Django's cache emptied before it: no M2M token, no Logto
  account-center settings, no signing keys), landing on the overview: the callback alone (the
  code exchange, the signing keys, userinfo, and what is fetched beside userinfo), then the
  first overview after it;

then a fresh sign-in and:

* the first overview with nothing cached: Django's cache emptied after the sign-in, so no M2M
  token, no Logto account-center settings, no kept reads (a deployment's first page);
* the first overview of another fresh sign-in with the tenant-wide things held (the M2M token,
  Logto's account-center settings): only the user's own reads are new, as a sign-in drops them
  (any page of any user keeps the tenant-wide ones);
* the same overview again (warm);
* a username change after a step-up by password (management: the password check, then the
  change; the Account API: a verification record, then the change with it).

Each row counts the requests the Logto emulator answered (every API and the token endpoint) and
keeps the median latency. Here the demo runs in this process (Django's test client, Logto answered
by the emulator in a thread), as ``app_time.py`` runs it; ``run.py --delay-ms 50`` prints the same
table for the demo under gunicorn, where "× the delay" is a real client's wait.

    .venv-test/bin/python benchmarks/gateways.py [--rounds 5] [--delay-ms 0]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GATEWAYS = ("management", "auto")
# Every field the Account API has, on: "auto" goes through it for everything it may.
ACCOUNT_CENTER_FIELDS = {
    name: "Edit"
    for name in (
        "name",
        "avatar",
        "profile",
        "customData",
        "username",
        "email",
        "phone",
        "password",
        "social",
        "mfa",
        "passkey",
        "session",
    )
}
ROWS = (
    ("sign_in", "sign-in's callback, nothing cached"),
    ("after_sign_in", "first overview after it"),
    ("cold", "first overview, nothing cached"),
    ("held", "first overview, M2M token + Logto settings held"),
    ("warm", "overview, warm"),
    ("step_up", "step-up by password"),
    ("change", "username change after it"),
)


@dataclass
class Figures:
    calls: dict[str, list[int]] = field(default_factory=dict)
    ms: dict[str, list[float]] = field(default_factory=dict)

    def add(self, row: str, calls: int, ms: float) -> None:
        self.calls.setdefault(row, []).append(calls)
        self.ms.setdefault(row, []).append(ms)


class Journey:
    """What a round needs from the demo it measures (in this process, or under gunicorn)."""

    username = ""  # the round's change renames the user: the next sign-in uses the new name

    def sign_in(self) -> None:
        """Signed in, landing on a page that reads nothing of Logto's."""
        raise NotImplementedError

    def start_sign_in(self, landing: str) -> str:
        """Through Logto's sign-in page up to the site's callback: answers its URL."""
        raise NotImplementedError

    def finish_sign_in(self, callback: str) -> int:
        """The callback alone (its redirect to the landing page not followed)."""
        raise NotImplementedError

    def get(self, path: str) -> int:
        raise NotImplementedError

    def post(self, path: str, data: dict[str, str]) -> int:
        raise NotImplementedError

    def forget_everything(self) -> None:
        raise NotImplementedError

    def requests_served(self) -> int:
        raise NotImplementedError


def measured(journey: Journey, action: Callable[[], int], figures: Figures, row: str) -> None:
    before = journey.requests_served()
    started = time.perf_counter()
    status = action()
    elapsed = (time.perf_counter() - started) * 1000
    if status not in (200, 302):
        raise SystemExit(f"{row}: answered {status}")
    figures.add(row, journey.requests_served() - before, elapsed)


def rounds(journey: Journey, password: str, count: int) -> Figures:
    figures = Figures()
    for number in range(count):
        journey.forget_everything()
        callback = journey.start_sign_in("/account/")
        measured(journey, lambda: journey.finish_sign_in(callback), figures, "sign_in")
        measured(journey, lambda: journey.get("/account/"), figures, "after_sign_in")
        journey.sign_in()
        journey.forget_everything()
        measured(journey, lambda: journey.get("/account/"), figures, "cold")
        journey.sign_in()
        measured(journey, lambda: journey.get("/account/"), figures, "held")
        measured(journey, lambda: journey.get("/account/"), figures, "warm")
        verify = {"action": "password", "password": password}
        measured(journey, lambda: journey.post("/account/verify/", verify), figures, "step_up")
        renamed = {"username": f"bench_{number % 2}"}
        measured(
            journey,
            lambda: journey.post("/account/security/username/", renamed),
            figures,
            "change",
        )
        journey.username = renamed["username"]
    return figures


def print_table(results: dict[str, Figures], delay_ms: float, one_call_ms: float | None) -> None:
    header = f"{'gateway':11} {'':48} {'Logto calls':>11} {'p50 ms':>8}"
    if delay_ms:
        header += f" {'× delay':>8}"
    if one_call_ms:
        header += f" {'× 1 call':>9}"
    print(header)
    for gateway, figures in results.items():
        for row, label in ROWS:
            calls = statistics.median(figures.calls[row])
            ms = statistics.median(figures.ms[row])
            line = f"{gateway:11} {label:48} {calls:11.0f} {ms:8.1f}"
            if delay_ms:
                line += f" {ms / delay_ms:8.2f}"
            if one_call_ms:
                line += f" {ms / one_call_ms:9.2f}"
            print(line)


# ---------------------------------------------------------------------- in this process

SITE = "127.0.0.1:8000"  # the redirect URI the emulator's demo web app registers


def through_logto(browser: Any, url: str, username: str, password: str) -> str:
    """Play the user at the emulator's sign-in page; answers the callback URL."""
    for _ in range(10):
        if url.startswith(f"http://{SITE}/account/oidc/callback/"):
            return url
        answer = browser.get(url, allow_redirects=False)
        if answer.is_redirect:
            url = urljoin(url, answer.headers["Location"])
            continue
        action = re.search(r'<form method="post" action="([^"]+)"', answer.text)
        assert action, answer.text[:300]
        posted = browser.post(
            action.group(1).replace("&amp;", "&"),
            data={"identifier": username, "password": password, "action": "sign_in"},
            allow_redirects=False,
        )
        assert posted.is_redirect, posted.text[:600]
        url = urljoin(action.group(1), posted.headers["Location"])
    raise SystemExit("Logto never sent the browser back")


class InProcess(Journey):
    def __init__(self, emulator: Any, username: str, password: str) -> None:
        self.emulator, self.username, self.password = emulator, username, password
        self.client: Any = None

    def sign_in(self) -> None:
        # The landing page is not requested (the test client does not follow the redirect).
        assert self.finish_sign_in(self.start_sign_in("/account/")) == 302

    def start_sign_in(self, landing: str) -> str:
        import requests
        from django.test import Client

        self.client = Client(HTTP_HOST=SITE)
        start = self.client.get(f"/account/login/?next={landing}")
        return through_logto(requests.Session(), start["Location"], self.username, self.password)

    def finish_sign_in(self, callback: str) -> int:
        back = urlsplit(callback)
        return self.client.get(f"{back.path}?{back.query}").status_code

    def get(self, path: str) -> int:
        return self.client.get(path).status_code

    def post(self, path: str, data: dict[str, str]) -> int:
        return self.client.post(path, data).status_code

    def forget_everything(self) -> None:
        from django.core.cache import cache

        cache.clear()

    def requests_served(self) -> int:
        with self.emulator.state.lock:
            return self.emulator.state.requests_served


def in_process(count: int, delay_ms: float) -> dict[str, Figures]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    os.environ.setdefault("DJANGO_DEBUG", "0")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import override_settings

    from account_center.logto.client import reset_client
    from logto_emulator.seed import DEMO_CLIENTS, DEMO_USER, demo_state
    from logto_emulator.server import EmulatorServer

    call_command("migrate", verbosity=0)
    results = {}
    for gateway in GATEWAYS:
        with EmulatorServer(demo_state(port=8000), delay_seconds=delay_ms / 1000) as emulator:
            if gateway != "management":
                emulator.state.configure_account_center(fields=ACCOUNT_CENTER_FIELDS)
            with override_settings(
                LOGTO_ENDPOINT=emulator.url,
                LOGTO_APP_ID=DEMO_CLIENTS.web_app_id,
                LOGTO_APP_SECRET=DEMO_CLIENTS.web_app_secret,
                LOGTO_M2M_APP_ID=DEMO_CLIENTS.m2m_app_id,
                LOGTO_M2M_APP_SECRET=DEMO_CLIENTS.m2m_app_secret,
                ACCOUNT_CENTER_LOGTO_GATEWAY=gateway,
            ):
                reset_client()
                journey = InProcess(emulator, DEMO_USER.username, DEMO_USER.password)
                results[gateway] = rounds(journey, DEMO_USER.password, count)
                reset_client()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--delay-ms", type=float, default=0)
    args = parser.parse_args()
    results = in_process(args.rounds, args.delay_ms)
    print(
        f"\nThe two gateways, the demo in this process against the Logto emulator"
        f"{f' answering after {args.delay_ms:g} ms' if args.delay_ms else ' answering at once'}"
        f" (median of {args.rounds} rounds, each from a fresh sign-in):\n"
    )
    print_table(results, args.delay_ms, None)


if __name__ == "__main__":
    main()
