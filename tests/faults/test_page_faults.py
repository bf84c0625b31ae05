"""Fault matrix of the pages: every account page and the main forms × the ways Logto fails.
The user always reads words (never a 500), what they typed is kept, nothing is called saved, and
no success is recorded locally."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests
import responses
from django.urls import URLPattern, reverse

from account_center.models import AuditEvent
from account_center.views import urls as page_urls
from tests.helpers import ENDPOINT

API = re.compile(re.escape(ENDPOINT) + r"/api/.*")
METHODS = (responses.GET, responses.POST, responses.PATCH, responses.PUT, responses.DELETE)
# Words the pages use for "Logto did not answer" and for Logto's refusals.
WORDS = re.compile(r"unavailable|try again|did not answer|too many|wait", re.IGNORECASE)
# The tenant's account-center settings (gateway "auto"): unanswered, the gateway is the
# Management API and the page goes on, so a page that asked Logto nothing else has nothing to say.
TENANT_SETTINGS = ("/api/.well-known/account-center", "/api/account-center")


def _raise(exception: Exception) -> Any:
    def callback(request: Any) -> Any:
        raise exception

    return callback


FAULTS = {
    "read timeout": lambda m, v: m.add_callback(v, API, callback=_raise(requests.ReadTimeout())),
    "connection refused": lambda m, v: m.add_callback(
        v, API, callback=_raise(requests.ConnectionError("refused"))
    ),
    "500": lambda m, v: m.add(v, API, status=500, body="Internal Server Error"),
    "502 HTML": lambda m, v: m.add(v, API, status=502, body="<html>Bad Gateway</html>"),
    "429 with Retry-After": lambda m, v: m.add(
        v, API, status=429, json={"code": "request.too_many_requests"}, headers={"Retry-After": "7"}
    ),
    "HTML 200": lambda m, v: m.add(
        v, API, status=200, body="<html>proxy login</html>", content_type="text/html"
    ),
    "unexpected shape": lambda m, v: m.add(v, API, status=200, json=[1, "two", None]),
}


@pytest.fixture(params=list(FAULTS))
def failing_logto(request) -> Any:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(
            responses.POST,
            f"{ENDPOINT}/oidc/token",
            json={"access_token": "tok", "expires_in": 3600, "token_type": "Bearer"},
        )
        for verb in METHODS:
            FAULTS[request.param](mock, verb)
        yield mock


# The social-link callback checks its own `state` before anything and calls Logto only for a
# valid one, so a bare GET never reaches Logto; its Logto failures are tested with a state.
NO_LOGTO_WITHOUT_INPUT = {"social_callback"}

PAGES = [
    reverse(f"account_center:{pattern.name}")
    for pattern in page_urls.urlpatterns
    if isinstance(pattern, URLPattern)
    and pattern.name
    and pattern.name not in NO_LOGTO_WITHOUT_INPUT
    and pattern.name not in page_urls.DEPRECATED_NAMES  # the same pages under their old names
    and not pattern.pattern.converters
]


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_every_page_says_in_words_that_logto_failed(path, htmx, stepped_up, failing_logto):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    answer = stepped_up.get(path, **headers)

    assert answer.status_code < 500 or answer.status_code == 503, (path, answer.status_code)
    asked_logto = any(
        "/api/" in call.request.url and not call.request.url.endswith(TENANT_SETTINGS)
        for call in failing_logto.calls
    )
    if asked_logto and answer.status_code != 302:
        assert WORDS.search(answer.content.decode()), f"{path}: no words for a failing Logto"


FORMS = [
    ("account_center:username", {"username": "kept_name_42"}, "kept_name_42"),
    ("account_center:email", {"email": "kept@example.com"}, "kept@example.com"),
    ("account_center:profile_edit", {"name": "Kept Name"}, "Kept Name"),
    (
        "account_center:password",
        {"password": "Kept-passw0rd-99", "confirm": "Kept-passw0rd-99"},
        "",
    ),
]


@pytest.mark.parametrize(("name", "data", "kept"), FORMS, ids=[f[0] for f in FORMS])
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_a_form_sent_while_logto_fails_keeps_the_input_and_saves_nothing(
    name, data, kept, htmx, stepped_up, failing_logto
):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    answer = stepped_up.post(reverse(name), data, **headers)
    html = answer.content.decode()

    assert answer.status_code in (200, 503), (name, answer.status_code)
    assert WORDS.search(html), f"{name}: no words for a failing Logto"
    assert "Saved" not in html
    if kept:
        assert kept in html, f"{name}: the input was lost"
    # The fixture's own sign-in and step-up are recorded; the failed change is not.
    done = AuditEvent.objects.filter(outcome="success").exclude(action__in=("step_up", "sign_in"))
    assert not done.exists()
