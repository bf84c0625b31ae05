"""Page views answered from kept Logto reads; the user's own change, a webhook and a POST never
see a stale answer."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
import responses
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.helpers import SUB, USER_URL, logto_user

pytestmark = pytest.mark.django_db

READS = ("", "/mfa-verifications", "/logto-configs", "/personal-access-tokens", "/sessions")


def api_calls(logto_mock) -> list:
    return [c for c in logto_mock.calls if "/api/" in c.request.url]


@pytest.fixture
def overview_reads(logto_mock):
    logto_mock.get(USER_URL, json=logto_user())
    logto_mock.get(f"{USER_URL}/mfa-verifications", json=[])
    logto_mock.get(f"{USER_URL}/logto-configs", json={})
    logto_mock.get(f"{USER_URL}/personal-access-tokens", json=[])
    logto_mock.get(f"{USER_URL}/sessions", json={"sessions": []})
    logto_mock.get(f"{USER_URL}/organizations", json=[])
    return logto_mock


def test_overview_at_steady_state_costs_no_logto_call(
    auth_client, overview_reads, settings
) -> None:
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "management"  # the Management API's reads, counted
    url = reverse("account_center:overview")
    assert auth_client.get(url).status_code == 200
    first = len(api_calls(overview_reads))
    for _ in range(3):
        assert "Alice" in auth_client.get(url).content.decode()
    assert first == 6 and len(api_calls(overview_reads)) == 6


def test_the_users_own_change_shows_at_once(auth_client, logto_mock, htmx_headers) -> None:
    stored = logto_user()

    def read(request):
        return 200, {}, json.dumps(stored)

    def write(request):
        stored.update(json.loads(request.body))
        return 200, {}, json.dumps(stored)

    logto_mock.add_callback(responses.GET, USER_URL, callback=read)
    logto_mock.add_callback(responses.PATCH, USER_URL, callback=write)
    for path in READS[1:]:
        logto_mock.get(f"{USER_URL}{path}", json={"sessions": []} if path == "/sessions" else [])
    url = reverse("account_center:overview")
    assert "Alice B" not in auth_client.get(url).content.decode()
    auth_client.post(reverse("account_center:profile_edit"), {"name": "Alice B"}, **htmx_headers)
    assert "Alice B" in auth_client.get(url).content.decode()


def test_a_change_made_in_logto_shows_after_its_webhook(
    auth_client, overview_reads, settings
) -> None:
    settings.ACCOUNT_CENTER_WEBHOOK_SIGNING_KEY = "key"
    url = reverse("account_center:overview")
    auth_client.get(url)
    overview_reads.replace(responses.GET, USER_URL, json=logto_user(name="Renamed In Console"))
    assert "Renamed In Console" not in auth_client.get(url).content.decode()  # kept
    body = json.dumps(
        {
            "event": "User.Data.Updated",
            "createdAt": timezone.now().isoformat(),
            "data": logto_user(name="Renamed In Console"),
        }
    ).encode()
    signature = hmac.new(b"key", body, hashlib.sha256).hexdigest()
    delivered = Client().post(
        reverse("account_center:logto_webhook"),
        body,
        content_type="application/json",
        HTTP_LOGTO_SIGNATURE_SHA_256=signature,
    )
    assert delivered.status_code == 204
    assert "Renamed In Console" in auth_client.get(url).content.decode()


def test_a_post_decides_on_logtos_current_data(stepped_up, logto_mock, htmx_headers) -> None:
    """The page was drawn from kept reads; the change checks Logto as it is now."""
    logto_mock.get(USER_URL, json=logto_user(username="alice"))
    stepped_up.get(reverse("account_center:security"))
    gets = len(
        [c for c in logto_mock.calls if c.request.method == "GET" and c.request.url == USER_URL]
    )
    logto_mock.replace(responses.GET, USER_URL, json=logto_user(username="taken-meanwhile"))
    logto_mock.patch(USER_URL, json=logto_user(username="taken-meanwhile"))
    stepped_up.post(
        reverse("account_center:username"), {"username": "taken-meanwhile"}, **htmx_headers
    )
    after = len(
        [c for c in logto_mock.calls if c.request.method == "GET" and c.request.url == USER_URL]
    )
    assert after > gets


def test_sign_in_drops_the_kept_reads(client, logto_mock, user) -> None:
    from account_center.logto import read_cache
    from account_center.logto.client import get_client

    logto_mock.get(USER_URL, json=logto_user())
    get_client().get_user(SUB)
    read_cache.forget(SUB)  # what the backend does at sign-in (tested on the emulator below)
    get_client().get_user(SUB)
    assert len(api_calls(logto_mock)) == 2


def test_overview_with_two_step_off_reads_no_factors(auth_client, logto_mock, settings) -> None:
    settings.ACCOUNT_CENTER_FEATURES = {"mfa": "off", "passkeys": "off"}
    logto_mock.get(USER_URL, json=logto_user())
    logto_mock.get(f"{USER_URL}/personal-access-tokens", json=[])
    logto_mock.get(f"{USER_URL}/sessions", json={"sessions": []})
    assert auth_client.get(reverse("account_center:overview")).status_code == 200
    paths = {c.request.url.split("?")[0] for c in api_calls(logto_mock)}
    assert f"{USER_URL}/mfa-verifications" not in paths
    assert f"{USER_URL}/logto-configs" not in paths
