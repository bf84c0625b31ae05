"""Addresses, numbers and usernames already used by another account are refused before any code."""

from __future__ import annotations

import pytest
import responses
from django.urls import reverse

from account_center.conf.app_settings import app_settings
from account_center.validators import normalise_phone
from account_center.models import AuditEvent
from tests.helpers import ENDPOINT, SUB, USER_URL, USERS_URL, calls, logto_user

pytestmark = pytest.mark.django_db

CODES = f"{ENDPOINT}/api/verification-codes"


def _search(logto_mock: responses.RequestsMock, found: list[str]) -> None:
    logto_mock.replace(responses.GET, USERS_URL, json=[logto_user(id=user_id) for user_id in found])


def _query(logto_mock: responses.RequestsMock) -> dict[str, str]:
    request = calls(logto_mock, "GET", USERS_URL)[-1].request
    return dict(request.params)


def test_email_used_by_another_account_refused_before_sending(
    stepped_up, logto_mock, htmx_headers
) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    logto_mock.post(CODES, status=204)
    _search(logto_mock, ["someone-else"])
    response = stepped_up.post(
        reverse("account_center:email"),
        {"action": "send", "email": "Taken@Example.com"},
        **htmx_headers,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "This email address is already used by another account." in html
    assert 'id="id_email_error"' in html and 'value="Taken@Example.com"' in html
    assert not calls(logto_mock, "POST", CODES)
    assert _query(logto_mock)["search.primaryEmail"] == "taken@example.com"
    assert _query(logto_mock)["mode.primaryEmail"] == "exact"
    event = AuditEvent.objects.get(action="email_code_sent")
    assert event.outcome == "denied" and "taken" not in str(event.detail)


def test_phone_used_by_another_account_refused_before_sending(
    stepped_up, logto_mock, htmx_headers
) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    logto_mock.post(CODES, status=204)
    _search(logto_mock, ["someone-else"])
    response = stepped_up.post(
        reverse("account_center:phone"),
        {"action": "send", "phone": "+44 7911 123456"},
        **htmx_headers,
    )
    assert "This phone number is already used by another account." in response.content.decode()
    assert not calls(logto_mock, "POST", CODES)
    assert _query(logto_mock) == {
        "search.primaryPhone": "447911123456",
        "mode.primaryPhone": "exact",
        "page_size": "20",
    }


def test_own_account_found_by_search_is_not_a_collision(
    stepped_up, logto_mock, htmx_headers
) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    logto_mock.post(CODES, status=204)
    _search(logto_mock, [SUB])
    response = stepped_up.post(
        reverse("account_center:email"),
        {"action": "send", "email": "mine@example.com"},
        **htmx_headers,
    )
    assert "Enter the code we sent to mine@example.com" in response.content.decode()
    assert len(calls(logto_mock, "POST", CODES)) == 1


def test_refused_search_leaves_the_decision_to_save_time(
    stepped_up, logto_mock, htmx_headers
) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    logto_mock.post(CODES, status=204)
    logto_mock.replace(
        responses.GET, USERS_URL, status=400, json={"code": "request.invalid_input", "message": "x"}
    )
    response = stepped_up.post(
        reverse("account_center:email"),
        {"action": "send", "email": "new@example.com"},
        **htmx_headers,
    )
    assert "Enter the code we sent to new@example.com" in response.content.decode()
    assert len(calls(logto_mock, "POST", CODES)) == 1


def test_resend_checks_again(stepped_up, logto_mock, htmx_headers, clock) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    logto_mock.post(CODES, status=204)
    url = reverse("account_center:email")
    stepped_up.post(url, {"action": "send", "email": "new@example.com"}, **htmx_headers)
    clock[0] += 61
    _search(logto_mock, ["someone-else"])
    again = stepped_up.post(url, {"action": "resend"}, **htmx_headers)
    assert "already used by another account" in again.content.decode()
    assert len(calls(logto_mock, "POST", CODES)) == 1


def test_taken_checks_count_towards_the_send_limit(
    stepped_up, logto_mock, htmx_headers, clock, settings
) -> None:
    settings.ACCOUNT_CENTER_ATTEMPT_LIMIT = 2
    logto_mock.get(USER_URL, json=logto_user())
    _search(logto_mock, ["someone-else"])
    url = reverse("account_center:email")
    for n in range(2):
        stepped_up.post(url, {"action": "send", "email": f"t{n}@example.com"}, **htmx_headers)
    response = stepped_up.post(url, {"action": "send", "email": "t9@example.com"}, **htmx_headers)
    assert "Try again in" in response.content.decode()
    assert len(calls(logto_mock, "GET", USERS_URL)) == 2


def test_username_used_by_another_account_refused_before_patch(
    stepped_up, logto_mock, htmx_headers
) -> None:
    _search(logto_mock, ["someone-else"])
    response = stepped_up.post(
        reverse("account_center:username"), {"username": "bob"}, **htmx_headers
    )
    html = response.content.decode()
    assert "This username is already taken." in html and "id_username_error" in html
    assert not calls(logto_mock, "PATCH", USER_URL)
    assert _query(logto_mock) == {
        "search.username": "bob",
        "mode.username": "exact",
        "page_size": "20",
    }


def test_phone_region_setting(settings) -> None:
    assert app_settings.PHONE_REGION is None
    with pytest.raises(ValueError):
        normalise_phone("07911 123456")  # no country code, no default region
    settings.ACCOUNT_CENTER_PHONE_REGION = "gb"
    assert app_settings.PHONE_REGION == "GB"
    assert normalise_phone("07911 123456") == "447911123456"
