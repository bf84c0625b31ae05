"""A page's time budget for Logto.

Each call to Logto has its own timeout, but a page may make several in a row (a password change:
the policy check, the change, the fresh read), and a slow Logto would make the person wait for the
sum. A request gets one budget (``LOGTO_REQUEST_BUDGET_SECONDS``): each call's timeout is cut to
what is left, and once it is spent further calls fail at once as :class:`LogtoUnavailable`, so the
page answers in words within the budget.

The deadline lives in a context variable: it follows the request into the threads that make its
reads side by side (``parallel_reads.concurrently`` copies the context).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from ..clock import now

_deadline: ContextVar[float | None] = ContextVar("account_center_logto_deadline", default=None)


@contextmanager
def request_budget(seconds: float) -> Iterator[None]:
    token = _deadline.set(now() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def remaining() -> float | None:
    """Seconds left for this request's Logto calls; ``None`` outside a request budget."""
    deadline = _deadline.get()
    return None if deadline is None else deadline - now()
