from __future__ import annotations

import threading

import pytest
from django.urls import reverse

from account_center.flows import audit
from account_center.models import AuditEvent
from tests.helpers import SUB, USER_URL, logto_user

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0"


def overview_reads(logto_mock, *, factors=(), configs=None, tokens=(), sessions=None) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    logto_mock.get(f"{USER_URL}/mfa-verifications", json=list(factors))
    logto_mock.get(f"{USER_URL}/logto-configs", json=configs or {})
    logto_mock.get(f"{USER_URL}/personal-access-tokens", json=list(tokens))
    logto_mock.get(f"{USER_URL}/organizations", json=[])
    if sessions is None:
        logto_mock.get(f"{USER_URL}/sessions", status=404, body="Not Found")
    else:
        logto_mock.get(f"{USER_URL}/sessions", json={"sessions": sessions})


def test_two_step_on_with_factors_in_words(auth_client, logto_mock) -> None:
    overview_reads(
        logto_mock,
        factors=[
            {"id": "t", "type": "Totp"},
            {"id": "b", "type": "BackupCode", "remainCodes": 8},
        ],
        tokens=[{"name": "a"}, {"name": "b"}],
        sessions=[],
    )
    html = auth_client.get(reverse("account_center:overview")).content.decode()
    assert "<dd>On</dd>" in html
    assert "Authenticator app, backup codes (8 left)" in html
    assert "2 tokens" in html
    for name in ("mfa", "tokens", "sessions", "activity"):
        assert f'href="{reverse("account_center:" + name)}"' in html


def test_two_step_off_when_switched_off(auth_client, logto_mock) -> None:
    overview_reads(
        logto_mock, factors=[{"id": "t", "type": "Totp"}], configs={"mfa": {"enabled": False}}
    )
    html = auth_client.get(reverse("account_center:overview")).content.decode()
    assert "<dd>Off</dd>" in html


def test_sessions_unsupported_hides_the_count(auth_client, logto_mock) -> None:
    overview_reads(logto_mock, sessions=None)
    response = auth_client.get(reverse("account_center:overview"))
    assert response.status_code == 200
    assert "Signed in on" not in response.content.decode()


def test_reads_overlap(auth_client, logto_mock, monkeypatch, settings) -> None:
    """Six reads but one round trip of latency: all six are in flight at once."""
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "management"  # the Management API's six reads
    overview_reads(logto_mock, sessions=[])
    from account_center.logto import client as client_module

    original = client_module.LogtoClient._request
    barrier = threading.Barrier(6, timeout=5)
    met = []

    def together(self, *args, **kwargs):
        try:
            barrier.wait()  # only passes when all six reads are waiting here at once
            met.append(True)
        except threading.BrokenBarrierError:
            met.append(False)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(client_module.LogtoClient, "_request", together)
    assert auth_client.get(reverse("account_center:overview")).status_code == 200
    assert met == [True] * 6


def test_activity_lists_own_events_in_words(auth_client, user, rf) -> None:
    request = rf.post("/", HTTP_USER_AGENT=FIREFOX, REMOTE_ADDR="203.0.113.9")
    request.user = user
    audit.record(request, "password_change", audit.SUCCESS, sub=SUB)
    audit.record(request, "step_up", audit.FAILURE, sub=SUB, method="password")
    audit.record(request, "token_create", audit.SUCCESS, sub=SUB, name="ci")
    AuditEvent.objects.create(sub="someone-else", action="password_change", outcome="success")
    html = auth_client.get(reverse("account_center:activity")).content.decode()
    assert "Password changed" in html and "Developer token “ci” created" in html
    assert "Wrong password entered while confirming it&#x27;s you" in html and "Failed" in html
    assert "Firefox on Linux" in html and "203.0.113.9" in html
    assert html.count("Password changed") == 1  # not the other user's


def test_activity_is_paginated_to_the_last_30(auth_client, user) -> None:
    for _ in range(35):
        AuditEvent.objects.create(user=user, sub=SUB, action="profile_update", outcome="success")
    first = auth_client.get(reverse("account_center:activity")).content.decode()
    assert first.count("Profile changed") == 10 and "Page 1 of 3" in first
    last = auth_client.get(reverse("account_center:activity") + "?page=3").content.decode()
    assert last.count("Profile changed") == 10


def test_activity_links_sessions_only_where_shown(auth_client, settings) -> None:
    url = reverse("account_center:activity")
    assert reverse("account_center:sessions") in auth_client.get(url).content.decode()
    settings.ACCOUNT_CENTER_SECTIONS = ["profile", "security"]
    html = auth_client.get(url).content.decode()
    assert f'href="{reverse("account_center:sessions")}"' not in html


def test_sign_ins_are_on_the_activity_page(auth_client, user, rf) -> None:
    from account_center.flows.activity import record_sign_in

    # auth_client's own sign-in was recorded (Django's user_logged_in)...
    assert AuditEvent.objects.filter(action="sign_in", sub=SUB).count() == 1
    # ...and a browser's sign-in shows with its device.
    request = rf.get("/", HTTP_USER_AGENT=FIREFOX, REMOTE_ADDR="198.51.100.4")
    record_sign_in(None, request, user)
    html = auth_client.get(reverse("account_center:activity")).content.decode()
    # (the test client's sign-in had no browser: Firefox is a device not seen before)
    assert html.count("<strong>Signed in</strong>") == 1
    assert html.count("<strong>Signed in on a device or browser not seen before</strong>") == 1
    assert "Firefox on Linux" in html and "198.51.100.4" in html


def test_email_change_in_words_with_a_masked_address() -> None:
    from account_center.flows.activity import describe_event
    from account_center.flows.identifiers import mask

    assert mask("email", "alice@example.com") == "a…@example.com"
    assert mask("phone", "442079460958") == "…0958"
    words = describe_event("email_change", {"to": mask("email", "alice@example.com")})
    assert words == "Email changed to a…@example.com"
