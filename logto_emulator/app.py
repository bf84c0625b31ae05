"""The emulator's WSGI callable: routes each request to the OIDC, Management API or page handlers."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable
from typing import Any

from logto_emulator import account, guard, management, oidc, pages  # noqa: F401  (their routes)
from logto_emulator.http import HttpError, Request, Response, json_response
from logto_emulator.routes import resolve
from logto_emulator.state import EmulatorState

logger = logging.getLogger("logto_emulator")

# Logto's public API (``/api/.well-known/...``): no token at all.
ANONYMOUS_API = "/api/.well-known/"

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
        if not request.path.startswith("/_emulator/"):
            with self.state.lock:
                self.state.requests_served += 1
        try:
            if account.serves(request.path):
                return account.dispatch(self.state, request)
            if request.path.startswith(ANONYMOUS_API):
                return self._route(request)
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
        # A GET route answers HEAD too, as Logto's koa does.
        method = "GET" if request.method == "HEAD" else request.method
        handler, params, allowed = resolve(request.path, method)
        if handler is not None:
            return handler(self.state, request, *params)
        if allowed:
            return json_response(
                {"message": "Method not allowed.", "code": "request.general"}, status=405
            )
        return json_response({"message": "Not Found", "code": "request.general"}, status=404)
