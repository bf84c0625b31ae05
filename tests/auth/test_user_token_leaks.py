"""The user's own tokens never leave the sealed session value: not in a log line, not in Django's
cache, not in an error report, whether sign-in or a refresh fails."""

from __future__ import annotations

import json
import logging
import pickle
from typing import Any

import pytest
import responses
from django.core.cache import caches
from django.db import DatabaseError
from django.views.debug import ExceptionReporter

from account_center.auth import user_tokens
from account_center.logto.client import get_client
from tests.helpers import ADMINS
from tests.secret_leaks import error_reports, holding

from .conftest import ENDPOINT, FakeLogto, discovery_document, start
from .test_user_tokens import (
    MY_ACCOUNT,
    _answer_refresh,
    _kept_session,
    _provider,
    _request,
    _stored,
)

pytestmark = pytest.mark.django_db

OLD = ["at-old-0123456789", "rt-old-0123456789"]
NEW = ["at-new-0123456789", "rt-new-0123456789"]


@pytest.fixture
def logto_oidc(rsps: responses.RequestsMock) -> responses.RequestsMock:
    """Logto refuses the kept token once, then answers the refresh with new tokens."""
    rsps.get(f"{ENDPOINT}/oidc/.well-known/openid-configuration", json=discovery_document())
    rsps.get(MY_ACCOUNT, status=401, json={"code": "auth.unauthorized", "message": "x"})
    rsps.get(MY_ACCOUNT, json={"id": "u1abc2def3gh"})
    _answer_refresh(rsps, *NEW)
    return rsps


def _cache_contents() -> bytes:
    """Every value Django's (local-memory) cache holds, as the bytes it stores."""
    default = caches["default"]
    store = default._cache  # type: ignore[attr-defined]
    if isinstance(store, dict):  # LocMemCache
        return b"".join(pickle.dumps(value) for value in store.values())
    # RedisCache (the PostgreSQL + Redis run): the raw bytes Redis keeps.
    redis = store.get_client()
    return b"".join(redis.get(key) or b"" for key in redis.scan_iter("*"))


def test_a_refresh_logs_and_caches_no_token(
    logto_oidc: responses.RequestsMock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    key = _kept_session(*OLD)
    request = _request(key)

    get_client().get_own_account(_provider(request))

    assert "/oidc/token (refresh) -> 200" in caplog.text  # the call is logged, its body never
    cached = _cache_contents()
    stored = json.dumps(_stored(key))
    for token in [*OLD, *NEW]:
        assert token not in caplog.text
        assert token.encode() not in cached
        assert token not in stored
    assert repr(_provider(request)) == "<SessionUserTokens u1abc2def3gh>"


def test_a_refresh_failing_after_logto_answered_reports_no_token(
    logto_oidc: responses.RequestsMock, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.DEBUG = False  # production: Django cleanses what the code marks as sensitive
    key = _kept_session(*OLD)
    request = _request(key)
    provider = _provider(request)

    def session_store_down(*args: Any, **kwargs: Any) -> None:
        raise DatabaseError("could not write the session")

    monkeypatch.setattr(request.session, "save", session_store_down)
    with pytest.raises(DatabaseError) as failed:
        provider.refreshed_access_token(OLD[0])
    reporter = ExceptionReporter(request, failed.type, failed.value, failed.tb)

    reports = {"text": reporter.get_traceback_text(), "html": reporter.get_traceback_html()}
    assert "refreshed_access_token" in reports["text"]
    assert holding(reports, [*OLD, *NEW, settings.LOGTO_APP_SECRET]) == []


def test_a_failing_sign_in_reports_neither_kept_token(
    client: Any, fake_logto: FakeLogto, settings: Any, monkeypatch: pytest.MonkeyPatch, mailoutbox: Any
) -> None:
    settings.DEBUG = False
    settings.ADMINS = ADMINS
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "account"
    client.raise_request_exception = False
    fake_logto.token_answer = {"access_token": OLD[0], "refresh_token": OLD[1]}

    def database_down(*args: Any, **kwargs: Any) -> None:
        raise DatabaseError("could not write")

    monkeypatch.setattr("django.contrib.auth.login", database_down)
    params = start(client, fake_logto)
    answer = client.get("/account/oidc/callback/", {"code": "c-1", "state": params["state"]})

    assert answer.status_code == 500
    assert len(mailoutbox) == 1
    assert holding(error_reports(answer), OLD, allowed=["c-1"]) == []
    assert user_tokens.SESSION_KEY not in client.session
