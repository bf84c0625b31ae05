"""Attempt limits, per Logto user and per client address, kept in Django's cache.

Every limited action (a step-up password, a code sent, a code checked, an address looked up) calls
:func:`consume` **before** it asks Logto: the attempt is counted first, atomically (``cache.add``
then ``cache.incr``, atomic in Redis and Memcached, under a lock in LocMem), and only an attempt
within every limit goes on. Forty parallel wrong passwords with a limit of five therefore reach
Logto five times, not forty. After a success :func:`succeeded` forgets the user's count and gives
the attempt's slot back to the address's count: an address counts failures only (so one address
cannot guess across many accounts, while an office behind one NAT address is not locked out by
its people confirming it's them), yet every attempt in flight holds a slot until its check ended.

Limits are one setting, ``ACCOUNT_CENTER_RATE_LIMITS``, one string per action, e.g.
``"5/15m/user,20/15m/ip"`` (count/period/key). A counter's window opens at its first attempt
and lasts the period, so "try again in N minutes" is the time to that window's end.
Each action has its own counters and its own words: asking for codes never makes a user read
"too many wrong codes".

Why not django-ratelimit's core (``is_ratelimited``/``get_usage``)? It counts atomically too
(``cache.add`` + ``cache.incr``) and can key on a callable, but it has no public way to forget one
key's count after a success (its cache keys are private), which step-up needs so a user who
finally typed the right password is not locked out by earlier typos; and its windows are
clock-aligned buckets, so "try again in N minutes" could come seconds after a lock-out or a whole
period after it. It would also be a dependency for some eighty lines. Its rate format (``5/15m``)
is kept, so a host project reads both the same way.

Resend cooldowns (:func:`cooldown_remaining`) are separate: one code per address per
``ACCOUNT_CENTER_CODE_RESEND_SECONDS``.
"""

from __future__ import annotations

import hashlib
import math
import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .conf.app_settings import app_settings
from .clock import now
from .flows.errors import FlowError
from .flows.identity import client_ip

# The actions the account center limits, with their defaults. Per user every attempt counts; per
# address, for the checks (passwords, codes), only the failed ones (see succeeded()).
DEFAULT_LIMITS: dict[str, str] = {
    # Current passwords typed to pass step-up.
    "step_up_password": "5/15m/user,20/15m/ip",
    # Verification codes sent, to a new address or for step-up.
    "code_send": "5/15m/user,20/15m/ip",
    # Verification codes checked (new address, step-up).
    "code_verify": "5/15m/user,20/15m/ip",
    # "Is this address used by another account?" lookups before a code is sent: the answer tells
    # whether an address has an account here.
    "address_check": "10/15m/user,30/15m/ip",
    # Authenticator-app codes typed while setting one up.
    "totp_confirm": "5/15m/user,20/15m/ip",
}

# The limits' names on the admin settings page.
LABELS: dict[str, Any] = {
    "step_up_password": _("Passwords typed to confirm it's you"),
    "code_send": _("Verification codes sent"),
    "code_verify": _("Verification codes checked"),
    "address_check": _("“Is this address used by another account?” lookups"),
    "totp_confirm": _("Authenticator-app codes typed while setting one up"),
}

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RULE_RE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*/\s*(user|ip)\s*$")


@dataclass(frozen=True)
class Rule:
    limit: int
    period: int
    key: str  # "user" or "ip"


def parse(spec: str) -> list[Rule]:
    """``"5/15m/user,20/15m/ip"`` as rules; raises ``ValueError`` for a malformed spec."""
    rules = []
    for part in filter(None, (p.strip() for p in spec.split(","))):
        match = _RULE_RE.match(part)
        if not match:
            raise ValueError(f"Malformed attempt limit {part!r}; expected e.g. '5/15m/user'.")
        count, multiple, unit, key = match.groups()
        rules.append(Rule(int(count), int(multiple or 1) * _PERIODS[unit], key))
    return rules


def rules_for(action: str) -> list[Rule]:
    configured = app_settings.RATE_LIMITS
    if action in configured:
        return parse(configured[action] or "")
    legacy = app_settings.ATTEMPT_LIMIT
    if legacy is not None:
        # The settings of old versions: one count and window for every action.
        window = app_settings.ATTEMPT_WINDOW_SECONDS
        return [Rule(legacy, window, "user"), Rule(legacy, window, "ip")]
    return parse(DEFAULT_LIMITS.get(action, ""))


# What each limit says, in words that name what the user did too often.
def _words(action: str, minutes: int) -> str:
    if action == "step_up_password":
        return ngettext(
            "Too many password attempts. Try again in %(count)d minute.",
            "Too many password attempts. Try again in %(count)d minutes.",
            minutes,
        ) % {"count": minutes}
    if action == "code_send":
        return ngettext(
            "You asked for too many codes. Try again in %(count)d minute.",
            "You asked for too many codes. Try again in %(count)d minutes.",
            minutes,
        ) % {"count": minutes}
    if action in ("code_verify", "totp_confirm"):
        return ngettext(
            "Too many code attempts. Try again in %(count)d minute.",
            "Too many code attempts. Try again in %(count)d minutes.",
            minutes,
        ) % {"count": minutes}
    if action == "address_check":
        return ngettext(
            "You tried too many addresses. Try again in %(count)d minute.",
            "You tried too many addresses. Try again in %(count)d minutes.",
            minutes,
        ) % {"count": minutes}
    return wait_message(minutes * 60)


class RateLimited(FlowError):
    """An attempt over a limit; ``retry_after`` seconds until the next one is allowed."""

    def __init__(self, action: str, retry_after: int, field: str | None = None) -> None:
        self.action = action
        self.retry_after = retry_after
        minutes = max(1, math.ceil(retry_after / 60))
        super().__init__(_words(action, minutes), field=field, code="rate_limited")


def _identity(request: HttpRequest, rule: Rule, user_key: str) -> str | None:
    if rule.key == "user":
        return user_key or None
    return client_ip(request)


def _cache_key(action: str, rule: Rule, identity: str) -> str:
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    return f"account_center:rl:{action}:{rule.key}:{rule.period}:{digest}"


def _window(base: str, rule: Rule, at: float) -> tuple[str, float]:
    """The counter key of ``base``'s current window, and when that window opened.

    The window opens at the first attempt (``cache.add``: of two first attempts, one opens it and
    both read it) and lasts the period. The counter's key carries the window's own random id, so
    the counts of an old (or cleared) window never leak into a new one.
    """
    start_key = f"{base}:start"
    window = _read_window(cache.get(start_key))
    if window is not None and window[0] + rule.period <= at:
        # Over by the clock but not yet by the cache's own expiry (they differ by under a second,
        # or a test moved the clock): this attempt opens a new window.
        cache.delete(start_key)
        window = None
    if window is None:
        cache.add(start_key, (at, secrets.token_hex(8)), timeout=rule.period)
        window = _read_window(cache.get(start_key)) or (at, "evicted")
    return f"{base}:{window[1]}", window[0]


def _read_window(value: object) -> tuple[float, str] | None:
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return float(value[0]), str(value[1])
    return None


def _incr(base: str, rule: Rule, at: float) -> tuple[str, int, int]:
    """Count one attempt; ``(counter key, count in this window, seconds left in it)``.

    ``add()`` creates the counter only when missing and ``incr()`` is atomic, so no two attempts
    read the same count. A counter evicted between the two is created again.
    """
    key, start = _window(base, rule, at)
    left = max(1, math.ceil(start + rule.period - at))
    for _attempt in range(2):
        cache.add(key, 0, timeout=left + 5)
        try:
            return key, int(cache.incr(key)), left
        except ValueError:
            continue
    # The cache keeps losing the counter: refuse rather than not count.
    return key, rule.limit + 1, left


@dataclass(frozen=True)
class Attempt:
    """One attempt :func:`consume` counted: what :func:`succeeded` needs to give its slot back."""

    action: str
    key: str
    # The counters of the address rules this attempt took a slot in (the window's own key).
    address_counters: tuple[str, ...] = ()


def consume(
    request: HttpRequest, action: str, key: str, *, field: str | None = None
) -> Attempt:
    """Count one attempt at ``action`` by user ``key`` (the Logto ``sub``) from this client.

    Call it before the check it limits; after a check that passed, hand the answer to
    :func:`succeeded`. Raises :class:`RateLimited` (a :class:`FlowError` for ``field``) when the
    attempt is over a limit; rules are counted in order and a refused attempt is not counted
    against the rules after it, so a locked-out user does not use up their address's allowance
    for others behind it.
    """
    current = now()
    counters: list[str] = []
    for rule in rules_for(action):
        identity = _identity(request, rule, key)
        if identity is None:
            continue
        counter, count, left = _incr(_cache_key(action, rule, identity), rule, current)
        if count > rule.limit:
            raise RateLimited(action, left, field=field)
        if rule.key == "ip":
            counters.append(counter)
    return Attempt(action, key, tuple(counters))


def succeeded(request: HttpRequest, attempt: Attempt) -> None:
    """The check ``attempt`` was counted for passed: forget the user's count (:func:`clear`) and
    give the attempt's slot back to the address's count, which thus counts failures only.

    Why a slot taken first and given back, rather than counting failures once they failed: the
    count must be taken before the check, atomically, or parallel wrong guesses from one address
    would all pass a limit that had not yet seen any of them. Taken first, at most ``limit``
    checks from an address are ever in flight or failed; a success returns its slot. The slot
    goes back to the very counter it was taken from (the window's own key): if that window
    ended meanwhile, the new window is not credited with a slot it never gave.
    """
    clear(request, attempt.action, attempt.key)
    for counter in attempt.address_counters:
        try:
            cache.decr(counter)
        except ValueError:
            pass  # the window ended (or the cache dropped it): nothing left to give back


def retry_after(request: HttpRequest, action: str, key: str) -> int:
    """Seconds until ``action`` is allowed again (0 when allowed now), without counting."""
    current = now()
    wait = 0
    for rule in rules_for(action):
        identity = _identity(request, rule, key)
        if identity is None:
            continue
        base = _cache_key(action, rule, identity)
        window = _read_window(cache.get(f"{base}:start"))
        if window is None or window[0] + rule.period <= current:
            continue
        if int(cache.get(f"{base}:{window[1]}") or 0) >= rule.limit:
            wait = max(wait, math.ceil(window[0] + rule.period - current))
    return wait


def clear(request: HttpRequest, action: str, key: str) -> None:
    """Forget user ``key``'s attempts at ``action`` (the address's count stays; after a check
    that passed, call :func:`succeeded`, which also gives the address its slot back)."""
    for rule in rules_for(action):
        if rule.key == "user" and key:
            # The next attempt opens a new window; the old counter expires on its own.
            cache.delete(f"{_cache_key(action, rule, key)}:start")


def hit(request: HttpRequest, action: str, key: str) -> None:
    """Count one attempt without refusing it (prefer :func:`consume`, which also refuses)."""
    current = now()
    for rule in rules_for(action):
        identity = _identity(request, rule, key)
        if identity is not None:
            _incr(_cache_key(action, rule, identity), rule, current)


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
