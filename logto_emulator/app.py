"""The emulator's WSGI callable: routes each request to the OIDC, Management API or page handlers."""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Callable, Iterable
from typing import Any

from logto_emulator import guard, management, oidc, pages
from logto_emulator.http import HttpError, Request, Response, json_response
from logto_emulator.state import EmulatorState

logger = logging.getLogger("logto_emulator")

Handler = Callable[..., Response]

# (method or None for any, path regex, handler). Path parameters are passed positionally.
ROUTES: list[tuple[str | None, re.Pattern[str], Handler]] = [
    ("GET", re.compile(r"/oidc/\.well-known/openid-configuration"), oidc.discovery),
    (None, re.compile(r"/oidc/auth"), oidc.authorize),
    (None, re.compile(r"/oidc/interaction/([A-Za-z0-9_-]+)"), oidc.interaction),
    ("POST", re.compile(r"/oidc/token"), oidc.token),
    ("GET", re.compile(r"/oidc/jwks"), oidc.jwks),
    (None, re.compile(r"/oidc/me"), oidc.userinfo),
    (None, re.compile(r"/oidc/session/end"), oidc.end_session),
    ("GET", re.compile(r"/callback/([A-Za-z0-9_-]+)"), oidc.social_callback),
    ("GET", re.compile(r"/outbox"), pages.outbox_page),
    (None, re.compile(r"/mock-social/authorize"), pages.mock_social_authorize),
    ("GET", re.compile(r"/_emulator/outbox"), pages.outbox_json),
    ("GET", re.compile(r"/_emulator/stats"), pages.stats_json),
    ("POST", re.compile(r"/_emulator/reset"), pages.reset_json),
    ("POST", re.compile(r"/_emulator/connectors"), pages.connectors_json),
    ("GET", re.compile(r"/?"), pages.index_page),
]

WSGIStartResponse = Callable[[str, list[tuple[str, str]]], Any]


class EmulatorApp:
    """WSGI application over one :class:`EmulatorState`. Works at the root or under SCRIPT_NAME.

    It answers clients on this machine only (loopback addresses and host names, no proxy): it
    hands out codes, tokens and a sign-in for anyone, and is mounted in front of Django's
    ``ALLOWED_HOSTS`` and middleware (see :mod:`logto_emulator.guard`). ``allow_remote`` (or
    ``LOGTO_EMULATOR_ALLOW_REMOTE=1``) lifts that, for a developer who knowingly serves it to
    other machines of their own (a device on the same desk).
    """

    def __init__(self, state: EmulatorState | None = None, *, allow_remote: bool | None = None):
        self.state = state or EmulatorState()
        if allow_remote is None:
            allow_remote = os.environ.get(guard.ALLOW_REMOTE_ENV, "") == "1"
        self.allow_remote = allow_remote

    def __call__(
        self, environ: dict[str, Any], start_response: WSGIStartResponse
    ) -> Iterable[bytes]:
        refused = None if self.allow_remote else guard.refusal(environ)
        if refused is not None:
            body = f"{refused}\n".encode()
            start_response(
                "403 Forbidden",
                [
                    ("Content-Type", "text/plain; charset=utf-8"),
                    *guard.NO_FRAMING,
                    ("Content-Length", str(len(body))),
                ],
            )
            return [body]
        response = self.handle(environ)
        start_response(
            response.status_line(),
            [*response.headers, *guard.NO_FRAMING, ("Content-Length", str(len(response.body)))],
        )
        return [response.body]

    def handle(self, environ: dict[str, Any]) -> Response:
        if self.state.delay_seconds:
            # Stands in for network and database latency of a real Logto (benchmarks).
            time.sleep(self.state.delay_seconds)
        request = Request.from_environ(environ, self.state.base_url)
        try:
            if request.path.startswith("/api/"):
                return management.dispatch(self.state, request)
            return self._route(request)
        except HttpError as error:
            return json_response(error.body(), status=error.status)
        except Exception:  # an emulator bug must show as Logto's 500, not kill the server thread
            logger.exception("Logto emulator failed on %s %s", request.method, request.path)
            return json_response(
                {"message": "Internal server error.", "code": "unknown"}, status=500
            )

    def _route(self, request: Request) -> Response:
        path_matched = False
        for method, pattern, handler in ROUTES:
            match = pattern.fullmatch(request.path)
            if match is None:
                continue
            path_matched = True
            if (
                method is None
                or method == request.method
                or (method == "GET" and request.method == "HEAD")
            ):
                return handler(self.state, request, *match.groups())
        if path_matched:
            return json_response(
                {"message": "Method not allowed.", "code": "request.general"}, status=405
            )
        return json_response({"message": "Not Found", "code": "request.general"}, status=404)
