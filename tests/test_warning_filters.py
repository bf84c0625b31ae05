"""The suite's warning filters (pyproject.toml) ignore a live server's request thread tripping
Django's thread check as it closes the shared test database, and nothing else a request thread
raises: an app error there still fails the run."""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable

import pytest
from _pytest.threadexception import ThreadExceptionMeta, thread_exception_hook
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.db import DatabaseError, connections


def _warning_of(target: Callable[[], None]) -> pytest.PytestUnhandledThreadExceptionWarning:
    """The warning pytest makes of what escapes a thread running ``target``, made by pytest's
    own hook (so its words are the ones the filters see)."""
    caught: list[ThreadExceptionMeta | BaseException] = []
    previous = threading.excepthook
    threading.excepthook = lambda args: thread_exception_hook(args, append=caught.append)
    try:
        thread = threading.Thread(target=target)
        thread.start()
        thread.join()
    finally:
        threading.excepthook = previous
    [meta] = caught
    assert isinstance(meta, ThreadExceptionMeta)
    return pytest.PytestUnhandledThreadExceptionWarning(meta.msg)


@pytest.fixture
def server():
    server = ThreadedWSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    yield server
    server.server_close()


def test_a_request_thread_closing_a_database_it_may_no_longer_share_is_ignored(server) -> None:
    # As live_server lends its request threads the test thread's in-memory database, once it no
    # longer shares it: a connection of this thread, closed at the request thread's end.
    lent = connections.create_connection("default")

    def process_request_thread() -> None:
        connections["default"] = lent
        server._close_connections()

    warning = _warning_of(process_request_thread)
    assert "DatabaseWrapper objects created in a thread" in str(warning)
    warnings.warn(warning)  # ignored: raises nothing under the suite's filters


@pytest.mark.parametrize(
    "error",
    [
        RuntimeError("an app bug in a request"),
        DatabaseError("no such table: account_center_auditevent"),
    ],
)
def test_anything_else_a_request_thread_raises_fails(server, error) -> None:
    def process_request_thread() -> None:
        server._close_connections()
        raise error

    with pytest.raises(pytest.PytestUnhandledThreadExceptionWarning):
        warnings.warn(_warning_of(process_request_thread))
