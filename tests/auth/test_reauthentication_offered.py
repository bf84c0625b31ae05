"""Signing in again passes step-up only where the site offers it (ACCOUNT_CENTER_STEP_UP_METHODS
or the admin's settings page), or as the last way left to a user who has none of the offered
ones: refused before the browser goes to Logto, and again in the callback."""

from __future__ import annotations

from typing import Any

import pytest
import responses
from django.contrib.messages import get_messages

from account_center.flows import stepup
from account_center.models import AuditEvent

from .conftest import ENDPOINT, FakeLogto, sign_in, start

pytestmark = pytest.mark.django_db

REAUTH = "/account/reauthenticate/?next=/account/tokens/"
STEP_UP_PAGE = "/account/verify/?next=%2Faccount%2Ftokens%2F"


@pytest.fixture
def verifications(monkeypatch: Any) -> list[str]:
    methods: list[str] = []
    monkeypatch.setattr(
        stepup, "record_verification", lambda request, method: methods.append(method)
    )
    return methods


def _logto_user(fake_logto: FakeLogto, **overrides: Any) -> None:
    fake_logto.rsps.add(
        responses.GET,
        f"{ENDPOINT}/api/users/{fake_logto.sub}",
        json={
            "id": fake_logto.sub,
            "username": "ada",
            "primaryEmail": "ada@example.com",
            "primaryPhone": None,
            "hasPassword": True,
            "isSuspended": False,
            **overrides,
        },
    )


def _words(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _denied() -> list[dict[str, Any]]:
    events = AuditEvent.objects.filter(action="reauthentication", outcome="denied")
    return [event.detail for event in events]


def test_not_offered_is_refused_before_the_browser_goes_to_logto(
    client: Any, fake_logto: FakeLogto, settings: Any
) -> None:
    sign_in(client, fake_logto)
    settings.ACCOUNT_CENTER_STEP_UP_METHODS = ["password"]
    _logto_user(fake_logto)
    states_before = dict(client.session.get("oidc_states") or {})

    response = client.get(REAUTH)

    assert response.status_code == 302 and response["Location"] == STEP_UP_PAGE
    assert _words(response) == [
        "Signing in again is not a way to confirm it's you on this site. Use one shown here."
    ]
    assert (client.session.get("oidc_states") or {}) == states_before  # nothing started
    assert [detail["reason"] for detail in _denied()] == ["not_offered"]


def test_switched_off_while_the_user_was_at_logto_is_refused_in_the_callback(
    client: Any, fake_logto: FakeLogto, settings: Any, verifications: list[str]
) -> None:
    """The probe: step-up methods set to password only, then a re-sign-in passed step-up."""
    sign_in(client, fake_logto)
    params = start(client, fake_logto, REAUTH)
    settings.ACCOUNT_CENTER_STEP_UP_METHODS = ["password"]
    _logto_user(fake_logto)

    response = client.get("/account/oidc/callback/", {"code": "c2", "state": params["state"]})

    assert response.status_code == 302 and response["Location"] == STEP_UP_PAGE
    assert "not a way to confirm it's you on this site" in _words(response)[0]
    assert verifications == []
    assert not stepup.is_verified(response.wsgi_request)
    assert [detail["reason"] for detail in _denied()] == ["not_offered"]


def test_a_real_refusal_leaves_the_session_unverified(
    client: Any, fake_logto: FakeLogto, settings: Any
) -> None:
    """Without the signal stubbed: the session is not marked verified, so a token cannot be
    made."""
    sign_in(client, fake_logto)
    params = start(client, fake_logto, REAUTH)
    settings.ACCOUNT_CENTER_STEP_UP_METHODS = ["password"]
    _logto_user(fake_logto)

    client.get("/account/oidc/callback/", {"code": "c2", "state": params["state"]})

    assert stepup.SESSION_KEY not in client.session
    assert not AuditEvent.objects.filter(action="step_up", outcome="success").exists()


def test_kept_as_the_last_way_for_a_user_without_the_offered_ones(
    client: Any, fake_logto: FakeLogto, settings: Any, verifications: list[str]
) -> None:
    """Only phone codes offered and the user has no phone: signing in again still counts."""
    sign_in(client, fake_logto)
    settings.ACCOUNT_CENTER_STEP_UP_METHODS = ["phone"]
    _logto_user(fake_logto, primaryPhone=None)
    params = start(client, fake_logto, REAUTH)

    response = client.get("/account/oidc/callback/", {"code": "c2", "state": params["state"]})

    assert response.status_code == 302 and response["Location"] == "/account/tokens/"
    assert verifications == ["reauthentication"]
    assert _denied() == []


def test_offered_by_the_site_needs_no_logto_read(
    client: Any, fake_logto: FakeLogto, verifications: list[str]
) -> None:
    sign_in(client, fake_logto)
    params = start(client, fake_logto, REAUTH)
    client.get("/account/oidc/callback/", {"code": "c2", "state": params["state"]})
    assert verifications == ["reauthentication"]
    assert not [c for c in fake_logto.rsps.calls if "/api/users/" in c.request.url]


def test_logto_down_while_checking_is_said_in_words(
    client: Any, fake_logto: FakeLogto, settings: Any, verifications: list[str]
) -> None:
    sign_in(client, fake_logto)
    params = start(client, fake_logto, REAUTH)
    settings.ACCOUNT_CENTER_STEP_UP_METHODS = ["password"]
    fake_logto.rsps.add(responses.GET, f"{ENDPOINT}/api/users/{fake_logto.sub}", status=503)

    response = client.get("/account/oidc/callback/", {"code": "c2", "state": params["state"]})

    assert response.status_code == 503
    assert 'data-reason="unavailable"' in response.content.decode()
    assert "/account/reauthenticate/?next=" in response.content.decode()  # try again
    assert verifications == []
