"""What this Logto has no route for, remembered an hour so pages do not ask on every request.

A route Logto lacks answers a plain 404 without an error code: an older Logto without the
sessions API, or a production build of the 1.43 candidate without its development features
(trusted devices). The service layer raises :class:`LogtoUnsupported` then and keeps the answer
in Django's cache under ``account_center:<feature>_unsupported``, the key the sessions flow has
always used (``flows.sessions.UNSUPPORTED_KEY``), so there is one memory for every feature.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache

from account_center.logto.errors import LogtoNotFound, LogtoUnsupported

UNSUPPORTED_SECONDS = 3600
SESSIONS = "sessions"
TRUSTED_DEVICES = "trusted_devices"


def cache_key(feature: str) -> str:
    return f"account_center:{feature}_unsupported"


def known(feature: str) -> bool:
    """True once this Logto answered that it has no route for ``feature`` (within the hour)."""
    return bool(cache.get(cache_key(feature)))


def remember(feature: str) -> None:
    cache.set(cache_key(feature), True, timeout=UNSUPPORTED_SECONDS)


def forget(feature: str) -> None:
    cache.delete(cache_key(feature))


@contextmanager
def probing(feature: str) -> Iterator[None]:
    """Around a call to ``feature``'s route: a plain 404 becomes :class:`LogtoUnsupported` and is
    remembered; an answer forgets it (Logto was upgraded). A 404 with a code (``entity.not_found``)
    is the route's own answer and passes unchanged."""
    try:
        yield
    except LogtoNotFound as error:
        if error.code:
            raise
        remember(feature)
        raise LogtoUnsupported(feature) from None
    forget(feature)
