"""Logto webhooks: signed by Logto's rule (hex HMAC-SHA256 of the body), fresh, seen once; each
user event changes the local side as it says."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from account_center.models import AuditEvent, LogtoIdentity
from tests.helpers import SUB, logto_user, signed_in

KEY = "whsec-test-key"
URL = "/account/webhooks/logto/"


@pytest.fixture(autouse=True)
def _signing_key(settings: Any) -> None:
    settings.ACCOUNT_CENTER_WEBHOOK_SIGNING_KEY = KEY


def payload(event: str, age: timedelta = timedelta(0), **data: Any) -> bytes:
    created = (timezone.now() - age).isoformat().replace("+00:00", "Z")
    body = {"event": event, "createdAt": created, "hookId": "hook1", "data": logto_user(**data)}
    return json.dumps(body).encode()


def sign(body: bytes, key: str = KEY) -> str:
    return hmac.new(key.encode(), body, hashlib.sha256).hexdigest()


def deliver(body: bytes, signature: str | None = "sign") -> Any:
    headers = {}
    if signature is not None:
        headers["HTTP_LOGTO_SIGNATURE_SHA_256"] = sign(body) if signature == "sign" else signature
    return Client(enforce_csrf_checks=True).post(
        URL, body, content_type="application/json", **headers
    )


def epoch() -> int:
    return LogtoIdentity.objects.get(sub=SUB).session_epoch


def test_the_url_is_in_the_account_center():
    assert reverse("account_center:logto_webhook") == URL


@pytest.mark.parametrize(
    "signature", [None, "", "0" * 64, sign(b"other body"), "sign-with-other-key"]
)
def test_a_bad_or_missing_signature_is_refused_and_changes_nothing(user, signature):
    body = payload("User.Deleted")
    if signature == "sign-with-other-key":
        signature = sign(body, "another-key")
    assert deliver(body, signature).status_code == 401
    assert get_user_model().objects.filter(pk=user.pk).exists()
    assert not AuditEvent.objects.exists()


def test_without_a_signing_key_every_delivery_is_refused(user, settings):
    settings.ACCOUNT_CENTER_WEBHOOK_SIGNING_KEY = ""
    assert deliver(payload("User.Deleted")).status_code == 401
    assert get_user_model().objects.filter(pk=user.pk).exists()


def test_a_stale_event_is_acknowledged_and_ignored(user):
    answer = deliver(payload("User.Deleted", age=timedelta(minutes=10)))
    assert answer.status_code == 204
    assert get_user_model().objects.filter(pk=user.pk).exists()


def test_a_replayed_event_is_acknowledged_and_ignored(user):
    body = payload("User.SuspensionStatus.Updated", isSuspended=True)
    assert deliver(body).status_code == 204
    assert epoch() == 1
    assert deliver(body).status_code == 204
    assert epoch() == 1  # the second delivery did nothing


def test_user_deleted_deletes_the_local_user_and_ends_their_sessions(user):
    other = signed_in(Client(), user)
    assert deliver(payload("User.Deleted")).status_code == 204
    assert not get_user_model().objects.filter(pk=user.pk).exists()
    later = other.get(reverse("account_center:overview"))
    assert later.status_code == 302 and "/account/login/" in later["Location"]
    assert AuditEvent.objects.filter(action="webhook_user_deleted", sub=SUB).exists()


def test_user_deleted_can_deactivate_instead(user, settings):
    settings.ACCOUNT_CENTER_DELETED_USER_ACTION = "deactivate"
    assert deliver(payload("User.Deleted")).status_code == 204
    user.refresh_from_db()
    assert user.is_active is False
    assert not LogtoIdentity.objects.filter(sub=SUB).exists()


def test_a_deactivated_users_other_session_ends_saying_the_account_is_gone(user, logto_mock, settings):
    """Deactivation drops the link: a session still open elsewhere ends at its next request with
    the reason Logto gives (the account no longer exists), not as a removed link."""
    settings.ACCOUNT_CENTER_DELETED_USER_ACTION = "deactivate"
    other = signed_in(Client(), user)
    session = other.session
    session["account_center_sub"] = SUB  # as a sign-in through Logto leaves it
    session.save()
    assert deliver(payload("User.Deleted")).status_code == 204
    logto_mock.get(f"https://logto.test/api/users/{SUB}", status=404, json={"code": "entity.not_found"})
    later = other.get("/")
    assert later.status_code == 302 and later["Location"].endswith("?reason=deleted")
    assert "_auth_user_id" not in other.session


def test_data_updated_refreshes_local_details(user):
    body = payload("User.Data.Updated", username="alice2", primaryEmail="new@example.com")
    assert deliver(body).status_code == 204
    user.refresh_from_db()
    assert user.email == "new@example.com"
    assert epoch() == 0  # a detail change signs nobody out


@pytest.mark.parametrize("chosen", ["admin", "boss"])
def test_a_logto_username_never_becomes_the_local_username(user, chosen):
    """Renamed in Logto to ``admin`` (or to the name a local superuser holds): the local username
    stays (the adapter's, here the fixture's), and the delivery is handled, not a 500."""
    get_user_model().objects.create_superuser("boss", password="x")
    body = payload("User.Data.Updated", username=chosen, primaryEmail="new@example.com")
    assert deliver(body).status_code == 204
    user.refresh_from_db()
    assert user.username == "alice-local" and user.email == "new@example.com"
    event = AuditEvent.objects.get(action="webhook_user_updated")
    assert event.outcome == "success" and "username" not in event.detail["fields"]


def test_a_delivery_that_fails_is_answered_5xx_and_its_retry_is_handled(user, monkeypatch):
    """Logto retries a delivery answered 5xx: the failed one must not count as received, and what
    it half did is undone."""
    from django.db import DatabaseError

    from account_center import webhooks

    real = webhooks.apply_details

    def fails_after_saving(identity, data):
        real(identity, data)
        raise DatabaseError("the database went away")

    monkeypatch.setattr(webhooks, "apply_details", fails_after_saving)
    body = payload("User.Data.Updated", primaryEmail="new@example.com")
    client = Client(raise_request_exception=False)
    signature = {"HTTP_LOGTO_SIGNATURE_SHA_256": sign(body)}
    failed = client.post(URL, body, content_type="application/json", **signature)
    assert failed.status_code == 500
    user.refresh_from_db()
    assert user.email == "" and not AuditEvent.objects.exists()  # rolled back

    monkeypatch.setattr(webhooks, "apply_details", real)
    assert deliver(body).status_code == 204  # Logto's retry: handled, not taken for a replay
    user.refresh_from_db()
    assert user.email == "new@example.com"
    assert AuditEvent.objects.filter(action="webhook_user_updated").count() == 1
    assert deliver(body).status_code == 204  # and only now is it a replay
    assert AuditEvent.objects.filter(action="webhook_user_updated").count() == 1


def test_suspension_signs_the_user_out_here(user):
    other = signed_in(Client(), user)
    assert deliver(payload("User.SuspensionStatus.Updated", isSuspended=True)).status_code == 204
    assert epoch() == 1
    later = other.get(reverse("account_center:overview"))
    assert later.status_code == 302 and later["Location"].startswith("/account/ended/?reason=")


def test_restoring_a_user_signs_nobody_out(user):
    assert deliver(payload("User.SuspensionStatus.Updated", isSuspended=False)).status_code == 204
    assert epoch() == 0


def test_an_unknown_event_is_acknowledged_and_ignored(user):
    assert deliver(payload("Organization.Created")).status_code == 204
    assert get_user_model().objects.filter(pk=user.pk).exists()
    assert not AuditEvent.objects.exists()


def test_an_event_for_a_user_not_linked_here_changes_nothing(user):
    assert deliver(payload("User.Deleted", id="someone-else")).status_code == 204
    assert get_user_model().objects.filter(pk=user.pk).exists()


def test_a_suspension_says_so_at_the_next_page_view(user, logto_mock):
    """The session epoch ends the session; one fresh read tells the user why."""
    other = signed_in(Client(), user)
    deliver(payload("User.SuspensionStatus.Updated", isSuspended=True))
    logto_mock.get(f"https://logto.test/api/users/{SUB}", json=logto_user(isSuspended=True))
    later = other.get(reverse("account_center:profile"))
    assert later.status_code == 302
    assert later["Location"].endswith("?reason=suspended")
    assert "_auth_user_id" not in other.session


def test_the_same_delivery_while_it_is_being_handled_is_answered_503(user):
    """Logto's retry may come while the first delivery is still being handled: it is neither
    handled twice nor acknowledged before the first one is done."""
    from django.core.cache import cache

    from account_center import webhooks

    body = payload("User.SuspensionStatus.Updated", isSuspended=True)
    digest = hashlib.sha256(body).hexdigest()
    cache.add(webhooks._HANDLING_PREFIX + digest, 1)
    busy = deliver(body)
    assert busy.status_code == 503 and busy["Retry-After"]
    assert epoch() == 0
    cache.delete(webhooks._HANDLING_PREFIX + digest)
    assert deliver(body).status_code == 204
    assert epoch() == 1
