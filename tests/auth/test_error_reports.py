"""A sign-in callback that fails after Logto answered (the database or the shared cache gone)
is reported to the admins without the tokens, the nonce or the PKCE verifier.

The authorization code itself is in the callback's URL, which Django's reports print whatever a
view marks: it is single-use, bound to this client's secret and to the PKCE verifier (neither in
any report), and already spent by the time anything after the exchange fails.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError

from account_center.flows import audit
from account_center.logto import read_cache
from tests.helpers import ADMINS
from tests.secret_leaks import error_reports, holding

from .conftest import FakeLogto, sign_in, start

pytestmark = pytest.mark.django_db

CODE = "single-use-authorization-code"


@pytest.fixture
def reporting(settings: Any, client: Any) -> Any:
    """Production: DEBUG off, the admins mailed every 500; the client answers 500 like a server."""
    settings.DEBUG = False
    settings.ADMINS = ADMINS
    settings.ACCOUNT_CENTER_LOGIN_REDIRECT_URL = "/signed-in/"
    client.raise_request_exception = False
    return client


def _fail(*args: Any, **kwargs: Any) -> None:
    raise DatabaseError("could not write")


def _cache_down(*args: Any, **kwargs: Any) -> None:
    raise ConnectionError("Error 111 connecting to redis:6379. Connection refused.")


def _come_back(client: Any, fake_logto: FakeLogto, url: str) -> tuple[Any, list[str]]:
    """Start at ``url``, come back from Logto with a code; answers the callback's answer and the
    secrets of that round trip (the access token; the ID token is noted as it goes by)."""
    params = start(client, fake_logto, url)
    entry = client.session["oidc_states"][params["state"]]
    answer = client.get("/account/oidc/callback/", {"code": CODE, "state": params["state"]})
    return answer, [entry["nonce"], entry["code_verifier"], "opaque-access-token"]


@pytest.mark.parametrize(
    ("target", "fault"),
    [
        ("account_center.logto.read_cache.forget", _cache_down),
        ("django.contrib.auth.login", _fail),
    ],
    ids=["cache down while the user is matched", "database down at login"],
)
def test_a_failing_sign_in_reports_no_token(
    target, fault, reporting, fake_logto, monkeypatch, mailoutbox
) -> None:
    monkeypatch.setattr(target, fault)

    answer, secrets = _come_back(reporting, fake_logto, "/account/login/")

    assert answer.status_code == 500
    assert len(mailoutbox) == 1
    assert holding(error_reports(answer), secrets, allowed=[CODE]) == []


def test_a_failing_reauthentication_reports_no_token(
    reporting, fake_logto, monkeypatch, mailoutbox
) -> None:
    sign_in(reporting, fake_logto)
    monkeypatch.setattr(audit, "record", _fail)

    answer, secrets = _come_back(
        reporting, fake_logto, "/account/reauthenticate/?next=/account/security/"
    )

    assert answer.status_code == 500
    assert len(mailoutbox) == 1
    assert holding(error_reports(answer), secrets, allowed=[CODE]) == []


def test_the_reports_are_checked_for_the_tokens(reporting, fake_logto, monkeypatch) -> None:
    """The check above would find them: a report of the callback's own frames, uncleansed."""
    monkeypatch.setattr(read_cache, "forget", _cache_down)
    answer, secrets = _come_back(reporting, fake_logto, "/account/login/")
    monkeypatch.setattr(
        "django.views.debug.SafeExceptionReporterFilter.is_active", lambda self, request: False
    )
    assert holding(error_reports(answer), secrets, allowed=[CODE])
