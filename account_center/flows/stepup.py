"""Step-up verification: a fresh proof of identity before sensitive changes.

A success is kept in the Django session as ``{"method", "at", "sub"}`` and holds for
``ACCOUNT_CENTER_STEP_UP_SECONDS`` for the same Logto user only. Every sensitive view is wrapped
in :func:`step_up_required`, and sensitive flows call :func:`require` again, so the rule holds on
the server whatever the templates show.

With htmx the refused POST is kept in the session under a one-time key; the verification dialog
is swapped in place, and after success the dialog's answer re-sends ``_resume=<key>``, which the
decorator turns back into the original POST data (so nothing is retyped). The stash lives at most
as long as a verification and is deleted on first use.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.http import url_has_allowed_host_and_scheme

from .. import signals
from ..app_settings import app_settings
from . import audit
from .identity import logto_user_id

SESSION_KEY = "account_center_step_up"
STASH_KEY = "account_center_step_up_stash"
METHODS = ("password", "email", "phone", "reauthentication")


class StepUpRequired(Exception):
    """A sensitive flow was called without a fresh verification."""


def now() -> float:
    """The clock; tests monkeypatch it to move time instead of sleeping."""
    return time.time()


def record_verification(request: HttpRequest, method: str) -> None:
    """Mark the session as verified now, by ``method``, for the signed-in Logto user."""
    sub = logto_user_id(request)
    request.session[SESSION_KEY] = {"method": method, "at": now(), "sub": sub}
    # A verification is a privilege change: do not let an older session id carry it.
    request.session.cycle_key()
    audit.record(request, "step_up", audit.SUCCESS, sub=sub, method=method)
    signals.step_up_verified.send(
        sender=__name__, request=request, user=request.user, logto_user_id=sub, method=method
    )


def remaining_seconds(request: HttpRequest) -> int:
    """Seconds the current verification still holds (0 when none)."""
    record = request.session.get(SESSION_KEY)
    if not isinstance(record, dict):
        return 0
    try:
        sub = logto_user_id(request)
    except Exception:
        return 0
    if record.get("sub") != sub:
        return 0
    left = float(record.get("at", 0)) + app_settings.STEP_UP_SECONDS - now()
    return max(0, int(left))


def is_verified(request: HttpRequest) -> bool:
    """True while a verification for this Logto user is younger than the window."""
    return remaining_seconds(request) > 0


def clear(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def require(request: HttpRequest) -> None:
    """Raise :class:`StepUpRequired` unless the session is verified (flows call this)."""
    if not is_verified(request):
        raise StepUpRequired


def safe_next(request: HttpRequest, url: str | None, default: str) -> str:
    """``url`` if it points to this host (relative or same host), else ``default``."""
    if url and "\\" not in url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return default


def stash_post(request: HttpRequest) -> str:
    """Keep the refused POST (without the CSRF token) for one replay; return its key."""
    key = secrets.token_urlsafe(16)
    data = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in ("csrfmiddlewaretoken", "_resume")
        for value in values
    ]
    stash = {
        k: v
        for k, v in request.session.get(STASH_KEY, {}).items()
        if v.get("at", 0) + app_settings.STEP_UP_SECONDS > now()
    }
    stash[key] = {"path": request.path, "data": data, "at": now(), "sub": logto_user_id(request)}
    request.session[STASH_KEY] = stash
    return key


def pop_stash(request: HttpRequest, key: str) -> list[tuple[str, str]] | None:
    """The stashed POST data for ``key`` if it was made for this path and user; used once."""
    stash = dict(request.session.get(STASH_KEY, {}))
    entry = stash.pop(key, None)
    request.session[STASH_KEY] = stash
    if not entry or entry.get("path") != request.path:
        return None
    if entry.get("sub") != logto_user_id(request):
        return None
    if entry.get("at", 0) + app_settings.STEP_UP_SECONDS <= now():
        return None
    return [tuple(pair) for pair in entry.get("data", [])]  # type: ignore[misc]


def _replay(request: HttpRequest) -> None:
    key = request.POST.get("_resume")
    if not key:
        return
    data = pop_stash(request, key)
    if data is None:
        return
    post = QueryDict(mutable=True)
    for name, value in data:
        post.appendlist(name, value)
    post.setdefault("csrfmiddlewaretoken", request.POST.get("csrfmiddlewaretoken", ""))
    post._mutable = False
    request.POST = post  # type: ignore[misc]


def step_up_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Refuse POSTs to ``view`` on the server unless the session is freshly verified.

    Works on function views and, with ``method_decorator``, on class-based views' ``post``.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "POST":
            return view(request, *args, **kwargs)
        _replay(request)
        if is_verified(request):
            return view(request, *args, **kwargs)
        audit.record(request, "step_up_required", audit.DENIED, path=request.path)
        from ..views.stepup import refuse  # the views render the dialog; flows stay HTML-free

        return refuse(request)

    return wrapper
