"""Logto webhooks: keep the local side in step with changes made in Logto itself.

Logto signs each delivery with ``logto-signature-sha-256``: the hex HMAC-SHA256 of the JSON body
under the hook's signing key (``packages/core/src/utils/sign.ts``). Logto's payload has no
delivery id, and a retry resends the same body, so a delivery is remembered by the SHA-256 of its
raw body; with ``createdAt`` inside the body, a replay after the age limit is refused by age and
one within it by that memory.

A delivery is remembered only once its handler succeeded, in one transaction: a failure undoes
what it half did and is answered 500, so Logto's retry (the same body) is handled, not taken for
a replay. While one delivery is being handled, the same body again is answered 503 (Logto tries
it later) rather than handled twice.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_POST

from . import clock
from .conf.app_settings import app_settings
from .flows import audit
from .flows.deletion import end_local_user
from .flows.local_user import apply_details, sign_out_here
from .logto import read_cache
from .models import LogtoIdentity

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "HTTP_LOGTO_SIGNATURE_SHA_256"
# The events this site acts on: the hook in Logto should send these three.
EVENTS = ("User.Deleted", "User.Data.Updated", "User.SuspensionStatus.Updated")
_SEEN_PREFIX = "account_center:webhook:seen:"
_HANDLING_PREFIX = "account_center:webhook:handling:"
# Longer than any handler takes; a worker killed mid-delivery frees the body after this.
_HANDLING_SECONDS = 60


@sensitive_variables("key", "expected", "given")
def signature_is_valid(body: bytes, given: str) -> bool:
    key = app_settings.WEBHOOK_SIGNING_KEY
    if not key or not given:
        return False
    expected = hmac.new(key.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, given.strip().lower())


def _is_stale(payload: dict[str, Any]) -> bool:
    try:
        created = datetime.fromisoformat(str(payload["createdAt"]).replace("Z", "+00:00"))
    except (KeyError, ValueError):
        return True  # no usable time: cannot be told apart from a replay
    if created.tzinfo is None:
        return True
    limit = timedelta(seconds=app_settings.WEBHOOK_MAX_AGE_SECONDS)
    # A little slack for clocks running ahead of ours.
    return not (-limit <= clock.utcnow() - created <= limit)


def _digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _seen(body: bytes) -> bool:
    return cache.get(_SEEN_PREFIX + _digest(body)) is not None


def _remember(body: bytes) -> None:
    # Kept twice the age limit: anything older is refused by age anyway.
    cache.set(_SEEN_PREFIX + _digest(body), 1, timeout=2 * app_settings.WEBHOOK_MAX_AGE_SECONDS)


def _sub(payload: dict[str, Any]) -> str | None:
    data = payload.get("data")
    sub = data.get("id") if isinstance(data, dict) else None
    return sub if isinstance(sub, str) and sub else None


def _identity(payload: dict[str, Any]) -> LogtoIdentity | None:
    sub = _sub(payload)
    if sub is None:
        return None
    return LogtoIdentity.objects.select_related("user").filter(sub=sub).first()


def _user_deleted(request: HttpRequest, identity: LogtoIdentity) -> None:
    sign_out_here(identity)
    end_local_user(identity.user)
    audit.record(request, "webhook_user_deleted", audit.SUCCESS, sub=identity.sub)


def _user_updated(request: HttpRequest, identity: LogtoIdentity, data: dict[str, Any]) -> None:
    changed = apply_details(identity, data)
    audit.record(request, "webhook_user_updated", audit.SUCCESS, sub=identity.sub, fields=changed)


def _suspension_updated(
    request: HttpRequest, identity: LogtoIdentity, data: dict[str, Any]
) -> None:
    suspended = bool(data.get("isSuspended"))
    if suspended:
        sign_out_here(identity)
    audit.record(
        request, "webhook_user_suspension", audit.SUCCESS, sub=identity.sub, suspended=suspended
    )


@csrf_exempt  # Logto cannot hold a CSRF token: the signature is what proves the sender.
@require_POST
def logto_webhook(request: HttpRequest) -> HttpResponse:
    body = request.body
    if not signature_is_valid(body, request.META.get(SIGNATURE_HEADER, "")):
        return HttpResponse(status=401)
    try:
        payload = json.loads(body)
    except ValueError:
        return HttpResponse(status=400)
    if not isinstance(payload, dict):
        return HttpResponse(status=400)
    # Acknowledged (2xx) so that Logto does not retry, and ignored.
    if _is_stale(payload) or _seen(body):
        return HttpResponse(status=204)
    event = payload.get("event")
    handlers = {
        "User.Deleted": lambda i, d: _user_deleted(request, i),
        "User.Data.Updated": lambda i, d: _user_updated(request, i, d),
        "User.SuspensionStatus.Updated": lambda i, d: _suspension_updated(request, i, d),
    }
    handler = handlers.get(str(event))
    if handler is None:
        return HttpResponse(status=204)
    handling = _HANDLING_PREFIX + _digest(body)
    if not cache.add(handling, 1, timeout=_HANDLING_SECONDS):  # atomic in the cache
        return HttpResponse(status=503, headers={"Retry-After": "10"})
    try:
        # Whatever the event, the kept Logto reads of that user are no longer current.
        read_cache.forget(_sub(payload))
        with transaction.atomic():
            identity = _identity(payload)
            if identity is not None:
                handler(identity, payload["data"])
            else:
                logger.info("Logto webhook %s for a user not linked here: ignored", event)
    except Exception:  # noqa: BLE001 - any failure: nothing is kept, and Logto retries
        logger.exception("Logto webhook %s failed; answered 500 so that Logto retries", event)
        return HttpResponse(status=500)
    else:
        _remember(body)
    finally:
        cache.delete(handling)
    return HttpResponse(status=204)
