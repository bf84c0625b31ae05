"""Independent Logto reads of one page (an account page, an admin list) made side by side, so a
slow Logto costs one round trip."""

from __future__ import annotations

import contextvars
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.db import connections
from django.utils import translation

# Bounded: every page shares these threads.
_pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="account-center")


def concurrently(*calls: tuple[Any, ...]) -> list[Any]:
    """Run ``(function, *args)`` calls in the pool; results in order, first error re-raised.

    The request's language goes along, so Logto's messages stay in the user's language.
    """
    language = translation.get_language()

    def in_language(function: Any, *args: Any) -> Any:
        try:
            with translation.override(language):
                return function(*args)
        finally:
            # A pool thread outlives the request: a connection it opened would stay open.
            connections.close_all()

    # The request's own thread makes the first call while the pool makes the others, each in a
    # copy of the request's context (its Logto time budget).
    futures = [
        _pool.submit(contextvars.copy_context().run, in_language, *call) for call in calls[1:]
    ]
    results: list[Any] = []
    failure: BaseException | None = None
    try:
        results.append(calls[0][0](*calls[0][1:]) if calls else None)
    except BaseException as error:  # noqa: BLE001 - re-raised below, once every call ended
        failure = error
    # Every call ends before the request goes on: a read still running would outlive the
    # request (and reach Logto for a page already answered).
    for future in futures:
        try:
            results.append(future.result())
        except BaseException as error:  # noqa: BLE001 - the first one is re-raised
            failure = failure or error
    if failure is not None:
        raise failure
    return results[: len(calls)]
