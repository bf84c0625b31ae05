"""Logto's verification record: the step-up as Logto itself enforces it (Account API gateway).

Confirming it's you with a password or a code to the user's own email or phone makes Logto
create a verification record (``/api/verifications/password``, ``verification-code`` + verify);
every change of an identifier or credential through the Account API sends its id as
``logto-verification-id``, and Logto refuses the change without a valid one
(``verification_record.permission_denied``). A record lives 600 s (Logto's clock) and is
reusable within that time, for its user only.

The session keeps the id sealed (:mod:`account_center.sealing`, its own purpose), with its expiry
and whose it is: a dump of the session store hands out no usable id, and the id never goes to a
log or a cache. The app's step-up window never outlives the record (:func:`seconds_left`, which
``stepup.remaining_seconds`` takes the smaller of).
"""

from __future__ import annotations

import json
from datetime import datetime

from django.http import HttpRequest
from django.views.decorators.debug import sensitive_variables

from ..clock import now
from ..sealing import seal, unseal

SESSION_KEY = "account_center_logto_verification"
SEALED_AS = "logto-verification"
# A code sent to the user's own address for step-up: its record, until the code is checked.
PENDING_KEY = "account_center_logto_verification_pending"
# Logto's records live 600 s; when Logto does not say, assume no more.
RECORD_SECONDS = 600
# Ends this much before Logto's expiry: a record that expires in flight costs a refused change.
MARGIN_SECONDS = 15


def _sub(request: HttpRequest) -> str | None:
    # The signed-in user's Logto id, as identity.logto_user_id reads it (that module builds on
    # the gateway, which builds on this one).
    identity = getattr(getattr(request, "user", None), "logto_identity", None)
    return None if identity is None else str(identity.sub)


def _expiry(expires_at: datetime | None) -> float:
    if expires_at is None:
        return now() + RECORD_SECONDS
    return min(expires_at.timestamp(), now() + RECORD_SECONDS)


@sensitive_variables("record_id", "payload")
def _sealed(request: HttpRequest, record_id: str, expires_at: datetime | None) -> str:
    payload = json.dumps(
        {"id": record_id, "sub": _sub(request), "until": _expiry(expires_at)}
    )
    return seal(payload, SEALED_AS)


@sensitive_variables("payload", "data")
def _opened(request: HttpRequest, value: object) -> dict[str, object] | None:
    payload = unseal(value, SEALED_AS)
    if payload is None:
        return None
    try:
        data = json.loads(payload)
    except ValueError:
        return None
    sub = _sub(request)
    if not isinstance(data, dict) or not sub or data.get("sub") != sub or not data.get("id"):
        return None
    return data


def keep(request: HttpRequest, record_id: str, expires_at: datetime | None) -> None:
    """Keep a verified record proving the user's identity (after a password or own-code check)."""
    request.session[SESSION_KEY] = _sealed(request, record_id, expires_at)


def current(request: HttpRequest) -> str | None:
    """The id to send as ``logto-verification-id``, while it holds; else ``None``."""
    data = _opened(request, request.session.get(SESSION_KEY))
    if data is None or float(str(data.get("until", 0))) - MARGIN_SECONDS <= now():
        return None
    return str(data["id"])


def seconds_left(request: HttpRequest) -> float:
    """How long the kept record still proves the user's identity (0 when none holds)."""
    data = _opened(request, request.session.get(SESSION_KEY))
    if data is None:
        return 0
    return max(0.0, float(str(data.get("until", 0))) - MARGIN_SECONDS - now())


def forget(request: HttpRequest) -> None:
    """Drop the kept record (Logto refused it, or the step-up ended)."""
    request.session.pop(SESSION_KEY, None)


def keep_pending(request: HttpRequest, method: str, record_id: str, expires_at: datetime | None) -> None:
    """Keep the record of a step-up code sent to the user's own ``method`` (email or phone)."""
    request.session[PENDING_KEY] = {"method": method, "record": _sealed(request, record_id, expires_at)}


def pending(request: HttpRequest, method: str) -> str | None:
    """The record of the step-up code sent by ``method``, still open; else ``None``."""
    kept = request.session.get(PENDING_KEY)
    if not isinstance(kept, dict) or kept.get("method") != method:
        return None
    data = _opened(request, kept.get("record"))
    if data is None or float(str(data.get("until", 0))) <= now():
        return None
    return str(data["id"])


def forget_pending(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)


def promote_pending(request: HttpRequest) -> None:
    """The code came back verified: its record (and expiry) now proves the user's identity."""
    kept = request.session.pop(PENDING_KEY, None)
    if isinstance(kept, dict) and kept.get("record"):
        request.session[SESSION_KEY] = kept["record"]
