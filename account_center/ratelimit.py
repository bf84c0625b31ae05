"""Attempt limits and resend cooldowns kept in Django's cache, per user and per client IP.

A limit counts failures (wrong passwords and codes) and code sends in a fixed window
(``ACCOUNT_CENTER_ATTEMPT_LIMIT`` per ``ACCOUNT_CENTER_ATTEMPT_WINDOW_SECONDS``). Both the user's
counter and the IP's counter must be under the limit, so one person cannot spread guesses over
many addresses, nor one address over many accounts.
"""

from __future__ import annotations

import hashlib
import math
import time

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import ngettext

from .app_settings import app_settings
from .flows.identity import client_ip


def now() -> float:
    """The clock; tests monkeypatch it instead of sleeping."""
    return time.time()


def _keys(request: HttpRequest, scope: str, sub: str) -> list[str]:
    keys = [f"account_center:rl:{scope}:user:{sub}"]
    ip = client_ip(request)
    if ip:
        keys.append(f"account_center:rl:{scope}:ip:{ip}")
    return keys


def retry_after(request: HttpRequest, scope: str, sub: str) -> int:
    """Seconds until another attempt is allowed; 0 when allowed now."""
    limit = app_settings.ATTEMPT_LIMIT
    wait = 0.0
    for key in _keys(request, scope, sub):
        entry = cache.get(key)
        if entry and entry[0] >= limit:
            wait = max(wait, entry[1] - now())
    return max(0, math.ceil(wait))


def hit(request: HttpRequest, scope: str, sub: str) -> None:
    """Count one failed attempt (or one code sent)."""
    window = app_settings.ATTEMPT_WINDOW_SECONDS
    current = now()
    for key in _keys(request, scope, sub):
        entry = cache.get(key)
        if not entry or entry[1] <= current:
            entry = (0, current + window)
        cache.set(key, (entry[0] + 1, entry[1]), timeout=max(1, math.ceil(entry[1] - current)))


def clear(request: HttpRequest, scope: str, sub: str) -> None:
    """Forget the user's failures after a success (the IP's count stays)."""
    cache.delete(_keys(request, scope, sub)[0])


def wait_message(seconds: int) -> str:
    """ "Too many attempts, try again in N minutes" in words."""
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Too many attempts. Try again in %(count)d minute.",
        "Too many attempts. Try again in %(count)d minutes.",
        minutes,
    ) % {"count": minutes}


def _cooldown_key(sub: str, target: str) -> str:
    digest = hashlib.sha256(target.lower().encode()).hexdigest()[:24]
    return f"account_center:cooldown:{sub}:{digest}"


def cooldown_remaining(sub: str, target: str) -> int:
    """Seconds before another code may be sent to ``target``; 0 when it may be sent now."""
    sent_at = cache.get(_cooldown_key(sub, target))
    if sent_at is None:
        return 0
    return max(0, math.ceil(sent_at + app_settings.CODE_RESEND_SECONDS - now()))


def start_cooldown(sub: str, target: str) -> None:
    cache.set(_cooldown_key(sub, target), now(), timeout=app_settings.CODE_RESEND_SECONDS + 1)
