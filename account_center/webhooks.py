"""Logto webhooks: keep the local side in step with changes made in Logto itself.

Logto signs each delivery with ``logto-signature-sha-256``: the hex HMAC-SHA256 of the JSON body
under the hook's signing key (``packages/core/src/utils/sign.ts``). Logto's payload has no
delivery id, and a retry resends the same body, so a delivery is remembered by the SHA-256 of its
raw body; with ``createdAt`` inside the body, a replay after the age limit is refused by age and
one within it by that memory.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .app_settings import app_settings
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
    return not (-limit <= timezone.now() - created <= limit)


def _first_delivery(body: bytes) -> bool:
    """Remember the delivery; False when it was seen before. ``add`` is atomic in the cache."""
    key = _SEEN_PREFIX + hashlib.sha256(body).hexdigest()
    # Kept twice the age limit: anything older is refused by age anyway.
    return bool(cache.add(key, 1, timeout=2 * app_settings.WEBHOOK_MAX_AGE_SECONDS))


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
    if _is_stale(payload) or not _first_delivery(body):
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
    identity = _identity(payload)
    # Whatever the event, the kept Logto reads of that user are no longer current.
    read_cache.forget(_sub(payload))
    if identity is not None:
        handler(identity, payload["data"])
    else:
        logger.info("Logto webhook %s for a user not linked here: ignored", event)
    return HttpResponse(status=204)
