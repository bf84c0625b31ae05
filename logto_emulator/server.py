"""A threaded wsgiref server running the emulator in a background thread (tests, benchmarks)."""

from __future__ import annotations

import threading
from socketserver import ThreadingMixIn
from types import TracebackType
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from logto_emulator.app import EmulatorApp
from logto_emulator.state import EmulatorState


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True  # a hung client never keeps the test process alive
    allow_reuse_address = True
    request_queue_size = 128


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - signature of the base
        """Silence the per-request log: test output stays readable."""


class EmulatorServer:
    """``with EmulatorServer() as emu: requests.get(emu.url + "/oidc/jwks")``."""

    def __init__(
        self,
        state: EmulatorState | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        delay_seconds: float = 0.0,
        allow_remote: bool | None = None,
    ) -> None:
        self.state = state or EmulatorState()
        self.allow_remote = allow_remote
        if delay_seconds:
            self.state.delay_seconds = delay_seconds
        self.host = host
        self.port = port
        self._server: _ThreadingWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("EmulatorServer is not started")
        return f"http://{self.host}:{self._server.server_port}"

    def start(self) -> EmulatorServer:
        if self._server is not None:
            return self
        self._server = make_server(
            self.host,
            self.port,
            EmulatorApp(self.state, allow_remote=self.allow_remote),
            server_class=_ThreadingWSGIServer,
            handler_class=_QuietHandler,
        )
        # A short poll interval keeps stop() (and so every test teardown) fast.
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="logto-emulator",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
