"""One page, one time budget for Logto: once it is spent, no further call is made and the page
answers in words, instead of adding up every call's timeout."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.helpers import USER_URL, calls

CHECK = "https://logto.test/api/sign-in-exp/default/check-password"
PASSWORD = {"password": "G00d-passphrase", "confirm": "G00d-passphrase"}


@pytest.fixture
def budget_clock(clock) -> list[float]:
    return clock  # the app's one clock: the budget reads it too


def test_a_slow_logto_stops_the_page_at_its_budget(
    stepped_up, logto_mock, htmx_headers, budget_clock, settings
):
    settings.LOGTO_REQUEST_BUDGET_SECONDS = 5
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "management"  # the Management API's calls, counted

    def slow_policy_check(request):
        budget_clock[0] += 6  # Logto took longer than the whole page may wait
        return 200, {}, '{"result": true}'

    logto_mock.add_callback("POST", CHECK, callback=slow_policy_check)
    answer = stepped_up.post(reverse("account_center:password"), PASSWORD, **htmx_headers)

    assert "unavailable" in answer.content.decode().lower()
    assert not calls(logto_mock, "PATCH", f"{USER_URL}/password")
    assert [c.request.method for c in logto_mock.calls if "/api/" in c.request.url] == ["POST"]


def test_each_call_waits_no_longer_than_what_is_left(
    stepped_up, logto_mock, budget_clock, settings
):
    settings.LOGTO_REQUEST_BUDGET_SECONDS = 2
    settings.LOGTO_TIMEOUT = (3.05, 10)
    seen: list[object] = []
    original = logto_mock._on_request

    def spy(adapter, request, *args, **kwargs):
        seen.append(kwargs.get("timeout"))
        return original(adapter, request, *args, **kwargs)

    logto_mock._on_request = spy
    logto_mock.get(USER_URL, json={"id": "u1", "username": "alice"})
    stepped_up.get(reverse("account_center:security"))
    assert seen and all(t == (2.0, 2.0) for t in seen if t is not None)
