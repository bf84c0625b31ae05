"""A pytest plugin: no log line written during the whole suite holds a secret.

Every secret the app handles passes through ``requests`` on its way to or from Logto: passwords
and codes in the bodies it sends, client secrets in Basic auth, tokens, TOTP secrets, backup codes
and personal-access-token values in the answers. This plugin notes each of them as it goes by
(whatever answers: ``responses`` or an emulator), captures every log record of the app and the
libraries it drives, and at the end of the session fails the run if any record holds one.

The emulator's own log is left out: writing the codes it "sends" to its log is its purpose.

Django's error reports are the other way out: :func:`error_reports` builds them for a request that
raised, and :func:`holding` finds the secrets a report still carries.

The check's own tests log made-up secrets on purpose, inside :func:`apart`: what their thread
notes there is its own, never the suite's, while every other thread (a live server's) goes on
noting into the suite's.
"""

from __future__ import annotations

import html
import json
import logging
import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import requests
from django.core import mail
from django.views.debug import ExceptionReporter

# Keys whose values are secret in what the app sends to Logto (JSON bodies, OIDC form posts)...
SENT_SECRET_KEYS = {
    "password",
    "verificationCode",
    "code",
    "codes",
    "secret",
    "client_secret",
    "code_verifier",
    "refresh_token",
}
# ... and in what Logto answers ("code" there is an error code, not a secret).
ANSWERED_SECRET_KEYS = {"access_token", "id_token", "refresh_token", "secret", "codes", "value"}
# The app's own loggers are watched down to DEBUG; the libraries' at the level a site runs them
# (Django's template engine, for one, logs whole template contexts at DEBUG by design).
DEBUG_LOGGERS = ("account_center", "mozilla_django_oidc")
WATCHED_LOGGERS = (*DEBUG_LOGGERS, "django", "requests", "urllib3")
SHORTEST = 6  # shorter values (flags, small numbers) would match by chance



class Watch:
    """What the check has noted: the secrets, those of the running test, and the log records."""

    def __init__(self) -> None:
        self.secrets: set[str] = set()
        # Those noted during the running test: an error report is checked against these, since
        # a secret of another test may be a word (a password "current") that any report holds.
        self.this_test: set[str] = set()
        self.records: list[tuple[str, str]] = []


_suite = Watch()
_apart = threading.local()
_lock = threading.Lock()


def _watch() -> Watch:
    """The watch the calling thread notes into: its own inside :func:`apart`, else the suite's."""
    watch: Watch | None = getattr(_apart, "watch", None)
    return watch if watch is not None else _suite


@contextmanager
def apart() -> Iterator[Watch]:
    """Within the block, the secrets and log records of the calling thread go to a watch of its
    own, which :func:`leaks` and :func:`holding` read there; the suite's never holds them, and
    other threads keep noting into the suite's."""
    _apart.watch = watch = Watch()
    try:
        yield watch
    finally:
        del _apart.watch


def remember(value: Any) -> None:
    """Note ``value`` (and every string inside it) as a secret that no log line may hold."""
    if isinstance(value, str):
        if len(value) >= SHORTEST:
            watch = _watch()
            with _lock:
                watch.secrets.add(value)
                watch.this_test.add(value)
    elif isinstance(value, dict):
        for item in value.values():
            remember(item)
    elif isinstance(value, list | tuple):
        for item in value:
            remember(item)


def _remember_secret_fields(payload: Any, keys: set[str]) -> None:
    if isinstance(payload, dict):
        for key, item in payload.items():
            if key in keys:
                remember(item)
            else:
                _remember_secret_fields(item, keys)
    elif isinstance(payload, list):
        for item in payload:
            _remember_secret_fields(item, keys)


class _Capture(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith("logto_emulator"):
            return
        text = record.getMessage()
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        watch = _watch()
        with _lock:
            watch.records.append((record.name, text))


_original_request = requests.Session.request


def _watching_request(self: requests.Session, method: str, url: str, **kwargs: Any) -> Any:
    _remember_secret_fields(kwargs.get("json"), SENT_SECRET_KEYS)
    if isinstance(kwargs.get("data"), dict):
        _remember_secret_fields(kwargs["data"], SENT_SECRET_KEYS)
    auth = kwargs.get("auth")
    if isinstance(auth, tuple) and len(auth) == 2:
        remember(auth[1])
    response = _original_request(self, method, url, **kwargs)
    try:
        _remember_secret_fields(json.loads(response.content or b"null"), ANSWERED_SECRET_KEYS)
    except (ValueError, TypeError):
        pass
    return response


def pytest_configure(config: pytest.Config) -> None:
    requests.Session.request = _watching_request  # type: ignore[method-assign]
    handler = _Capture(level=logging.DEBUG)
    for name in WATCHED_LOGGERS:
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        if name in DEBUG_LOGGERS:
            logger.setLevel(logging.DEBUG)


@pytest.fixture(autouse=True)
def _secrets_in_settings(settings) -> None:
    """The client secrets a test configures are secrets too."""
    watch = _watch()
    with _lock:
        watch.this_test.clear()
    for name in ("LOGTO_APP_SECRET", "LOGTO_M2M_APP_SECRET", "SECRET_KEY"):
        remember(getattr(settings, name, ""))


def _whole(secret: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![0-9A-Za-z]){re.escape(secret)}(?![0-9A-Za-z])")


def leaks() -> list[str]:
    """Log records holding a noted secret: ``"logger: …secret…"`` lines (secret masked)."""
    watch = _watch()
    with _lock:
        secrets, records = set(watch.secrets), list(watch.records)
    patterns = [(secret, _whole(secret)) for secret in secrets]
    found = []
    for name, text in records:
        for secret, pattern in patterns:
            if pattern.search(text):
                found.append(f"{name}: {text.replace(secret, '<SECRET>')[:300]}")
                break
    return found


def error_reports(response: Any) -> dict[str, str]:
    """Django's reports of the exception a test client's request raised (the client made with
    ``raise_request_exception=False``): the text and HTML ``ExceptionReporter`` makes as
    ``DEBUG`` is set now (the HTML is the DEBUG page, and what trackers built on Django's reporter
    send), and the mail sent to ``ADMINS``, if any."""
    assert response.exc_info is not None, "the request raised nothing"
    reporter = ExceptionReporter(response.wsgi_request, *response.exc_info)
    reports = {
        "text": reporter.get_traceback_text(),
        "html": html.unescape(reporter.get_traceback_html()),
    }
    for number, message in enumerate(mail.outbox):
        reports[f"mail {number}"] = f"{message.subject}\n{message.body}"
    return reports


def holding(
    reports: dict[str, str], secrets: Iterable[str] = (), *, allowed: Iterable[str] = ()
) -> list[str]:
    """``"report: secret"`` for every ``secrets`` value, or secret noted during this test (but
    those ``allowed``), that one of the ``reports`` (see :func:`error_reports`) holds whole."""
    watch = _watch()
    with _lock:
        noted = set(watch.this_test)
    everything = (noted | {s for s in secrets if len(s) >= SHORTEST}) - set(allowed)
    # Whole here means not inside a longer name either: the demo settings' published
    # ``demo-web-app-secret-not-for-production`` is not the tests' ``web-app-secret``.
    patterns = [
        (secret, re.compile(rf"(?<![\w-]){re.escape(secret)}(?![\w-])"))
        for secret in sorted(everything)
    ]
    return [
        f"{name}: {secret}"
        for name, text in reports.items()
        for secret, pattern in patterns
        if pattern.search(text)
    ]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    found = leaks()
    if found:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        lines = [f"{len(found)} log records hold a secret:", *found[:20]]
        if reporter is not None:
            reporter.write_line("\n".join(lines), red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
