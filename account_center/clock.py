"""The one clock: every part of the app that asks the time asks :func:`now` here.

So tests move time in one place, for every part at once (the step-up window, a pending two-step
setup, attempt limits and code cooldowns, the account check, a linking state's age, sessions' and
tokens' expiry, a page's Logto budget), instead of sleeping::

    monkeypatch.setattr(clock, "source", lambda: moment)

A page's Logto budget reads it too, though it measures a duration: a step of the system clock in
the middle of a request (time daemons slew rather than step) at worst cuts that one page's
budget short, and each call keeps its own timeout.

A leaf: it imports nothing of the app, so any layer may ask it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

# What :func:`now` reads: seconds since the epoch. Tests replace it.
source: Callable[[], float] = time.time


def now() -> float:
    """Seconds since the epoch."""
    return source()


def utcnow() -> datetime:
    """:func:`now` as an aware datetime in UTC."""
    return datetime.fromtimestamp(now(), tz=UTC)
