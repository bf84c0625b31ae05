"""Token handling, timeouts, retries and error mapping of the Logto client."""

from __future__ import annotations

import base64
import logging
from urllib.parse import parse_qs

import pytest
import requests
import responses
from django.test import override_settings
from django.utils import translation

from account_center import clock
from account_center.logto import token_cache
from account_center.logto.client import LogtoClient, get_client, reset_client
from account_center.logto.errors import (
    LogtoAPIError,
    LogtoAuthenticationError,
    LogtoConfigurationError,
    LogtoNotFound,
    LogtoRateLimited,
    LogtoUnavailable,
)

from .conftest import ENDPOINT, M2M_SECRET, TOKEN_URL, add_token, management_calls, tokens_fetched

USER_URL = f"{ENDPOINT}/api/users/u1"
USER = {"id": "u1", "username": "ada"}


def test_token_fetch_uses_basic_auth_and_client_credentials_form(logto_client, rsps):
    add_token(rsps, "tok-a")
    assert logto_client.get_access_token() == "tok-a"
    request = rsps.calls[0].request
    expected = base64.b64encode(b"m2m-app-id:m2m-app-secret").decode()
    assert request.headers["Authorization"] == f"Basic {expected}"
    assert parse_qs(request.body) == {
        "grant_type": ["client_credentials"],
        "resource": ["https://default.logto.app/api"],
        "scope": ["all"],
    }
    # The secret travels in the header only, never in the body.
    assert M2M_SECRET not in request.body
    assert tokens_fetched(rsps) == 1


def test_token_is_cached_and_shared_between_clients(logto_client, rsps):
    add_token(rsps, "tok-shared")
    other = LogtoClient(
        endpoint=ENDPOINT,
        m2m_app_id="m2m-app-id",
        m2m_app_secret=M2M_SECRET,
        resource="https://default.logto.app/api",
    )
    assert logto_client.get_access_token() == "tok-shared"
    assert other.get_access_token() == "tok-shared"
    assert len(rsps.calls) == 1


def test_token_cache_key_differs_per_endpoint_and_app():
    key = token_cache.cache_key(ENDPOINT, "m2m-app-id", "r")
    assert key != token_cache.cache_key("https://other.test", "m2m-app-id", "r")
    assert key != token_cache.cache_key(ENDPOINT, "other-app", "r")
    assert "m2m-app-id" not in key and "logto.test" not in key


def test_token_refreshed_near_expiry(logto_client, rsps, monkeypatch):
    add_token(rsps, "tok-old", expires_in=3600)
    add_token(rsps, "tok-new", expires_in=3600)
    now = 1_000_000.0
    monkeypatch.setattr(clock, "source", lambda: now)
    assert logto_client.get_access_token() == "tok-old"
    now += 3600 - 61  # still more than the margin left
    assert logto_client.get_access_token() == "tok-old"
    now += 2  # inside the last minute: refresh
    assert logto_client.get_access_token() == "tok-new"
    assert tokens_fetched(rsps) == 2


def test_force_refresh_fetches_a_new_token(logto_client, rsps):
    add_token(rsps, "tok-1")
    add_token(rsps, "tok-2")
    assert logto_client.get_access_token() == "tok-1"
    assert logto_client.get_access_token(force_refresh=True) == "tok-2"
    assert logto_client.get_access_token() == "tok-2"


@pytest.mark.parametrize("status", [400, 401])
def test_refused_credentials_raise_authentication_error(logto_client, rsps, status):
    rsps.add(
        responses.POST,
        TOKEN_URL,
        status=status,
        json={"error": "invalid_client", "error_description": "client authentication failed"},
    )
    with pytest.raises(LogtoAuthenticationError) as info:
        logto_client.get_user("u1")
    assert info.value.code == "invalid_client"
    assert info.value.status == status


def test_token_endpoint_5xx_is_unavailable(logto_client, rsps):
    rsps.add(responses.POST, TOKEN_URL, status=503, body="down")
    with pytest.raises(LogtoUnavailable):
        logto_client.get_access_token()


def test_missing_m2m_credentials_is_a_configuration_error(rsps):
    bare = LogtoClient(endpoint=ENDPOINT, m2m_app_id="", m2m_app_secret="", resource="r")
    with pytest.raises(LogtoConfigurationError):
        bare.get_access_token()
    assert len(rsps.calls) == 0


def test_401_refreshes_token_once_and_retries_once(logto_client, rsps):
    add_token(rsps, "tok-1")
    add_token(rsps, "tok-2")
    rsps.add(responses.GET, USER_URL, status=401, json={"code": "auth.unauthorized"})
    rsps.add(responses.GET, USER_URL, json=USER)
    user = logto_client.get_user("u1")
    assert user.username == "ada"
    api_calls = [c for c in rsps.calls if c.request.url.startswith(USER_URL)]
    assert [c.request.headers["Authorization"] for c in api_calls] == [
        "Bearer tok-1",
        "Bearer tok-2",
    ]
    assert tokens_fetched(rsps) == 2
    assert management_calls(rsps) == 2


def test_401_twice_gives_up_after_one_retry(logto_client, rsps):
    add_token(rsps, "tok-1")
    add_token(rsps, "tok-2")
    add_token(rsps, "tok-3")
    rsps.add(responses.PATCH, USER_URL, status=401, json={"code": "auth.unauthorized"})
    with pytest.raises(LogtoAuthenticationError) as info:
        logto_client.update_user("u1", name="Ada")
    assert info.value.status == 401
    assert info.value.code == "auth.unauthorized"
    assert len([c for c in rsps.calls if c.request.url == USER_URL]) == 2
    assert tokens_fetched(rsps) == 2


def test_401_uses_a_token_another_worker_already_refreshed(logto_client, rsps):
    add_token(rsps, "tok-1")
    logto_client.get_access_token()

    def swap_token_then_refuse(request):
        # Meanwhile another worker noticed the revocation and stored a new token.
        token_cache.store(logto_client._token_key, "tok-other-worker", 3600)
        return (401, {}, '{"code": "auth.unauthorized"}')

    rsps.add_callback(responses.GET, USER_URL, callback=swap_token_then_refuse)
    rsps.add(responses.GET, USER_URL, json=USER)
    logto_client.get_user("u1")
    assert rsps.calls[-1].request.headers["Authorization"] == "Bearer tok-other-worker"
    assert tokens_fetched(rsps) == 1


def test_timeout_passed_on_every_call(logto_client, logto_mock):
    logto_mock.add(responses.GET, USER_URL, json=USER)
    logto_mock.add(
        responses.GET, f"{ENDPOINT}/oidc/.well-known/openid-configuration", json={"a": 1}
    )
    logto_client.get_user("u1")
    logto_client.discovery()
    assert len(logto_mock.calls) == 3
    for call in logto_mock.calls:
        assert call.request.req_kwargs["timeout"] == (1.5, 7.0)


def test_timeout_comes_from_settings():
    with override_settings(LOGTO_TIMEOUT=(2, 5)):
        assert get_client().timeout == (2.0, 5.0)


def test_overriding_logto_settings_rebuilds_the_client():
    first = get_client()
    assert get_client() is first
    with override_settings(LOGTO_ENDPOINT="https://elsewhere.test"):
        assert get_client().endpoint == "https://elsewhere.test"
    assert get_client().endpoint == ENDPOINT
    assert get_client() is not first


def test_get_client_without_endpoint_is_a_configuration_error():
    reset_client()
    with override_settings(LOGTO_ENDPOINT=""):
        with pytest.raises(LogtoConfigurationError):
            get_client()


@pytest.mark.parametrize(
    "exc",
    [requests.ConnectTimeout("x"), requests.ReadTimeout("x"), requests.ConnectionError("x")],
    ids=["connect-timeout", "read-timeout", "connection-error"],
)
def test_transport_failures_are_unavailable(logto_client, logto_mock, exc):
    logto_mock.add(responses.PATCH, USER_URL, body=exc)
    with pytest.raises(LogtoUnavailable):
        logto_client.update_user("u1", name="x")
    # Writes are never retried.
    assert len([c for c in logto_mock.calls if c.request.url == USER_URL]) == 1


@pytest.mark.parametrize("status", [500, 502, 503])
def test_5xx_is_unavailable_with_status(logto_client, logto_mock, status):
    logto_mock.add(responses.GET, USER_URL, status=status, body="<html>oops</html>")
    with pytest.raises(LogtoUnavailable) as info:
        logto_client.get_user("u1")
    assert info.value.status == status
    # A 5xx is an answer, not a lost connection: no retry.
    assert len([c for c in logto_mock.calls if c.request.url == USER_URL]) == 1


@pytest.mark.parametrize(
    "exc", [requests.ConnectionError("x"), requests.ConnectTimeout("x")], ids=["conn", "connect"]
)
def test_get_retries_once_on_connection_error(logto_client, logto_mock, exc):
    logto_mock.add(responses.GET, USER_URL, body=exc)
    logto_mock.add(responses.GET, USER_URL, json=USER)
    assert logto_client.get_user("u1").id == "u1"


def test_get_does_not_retry_twice(logto_client, logto_mock):
    logto_mock.add(responses.GET, USER_URL, body=requests.ConnectionError("x"))
    logto_mock.add(responses.GET, USER_URL, body=requests.ConnectionError("x"))
    logto_mock.add(responses.GET, USER_URL, json=USER)
    with pytest.raises(LogtoUnavailable):
        logto_client.get_user("u1")
    assert len([c for c in logto_mock.calls if c.request.url == USER_URL]) == 2


def test_get_does_not_retry_read_timeout(logto_client, logto_mock):
    logto_mock.add(responses.GET, USER_URL, body=requests.ReadTimeout("x"))
    logto_mock.add(responses.GET, USER_URL, json=USER)
    with pytest.raises(LogtoUnavailable):
        logto_client.get_user("u1")


def test_error_body_keeps_code_message_and_data(logto_client, logto_mock):
    logto_mock.add(
        responses.PATCH,
        USER_URL,
        status=422,
        json={
            "code": "user.email_already_in_use",
            "message": "This email is associated with an existing account.",
            "data": {"field": "primaryEmail"},
        },
    )
    with pytest.raises(LogtoAPIError) as info:
        logto_client.update_user("u1", primary_email="a@example.com")
    error = info.value
    assert type(error) is LogtoAPIError
    assert (error.status, error.code) == (422, "user.email_already_in_use")
    assert error.message.startswith("This email")
    assert error.data == {"field": "primaryEmail"}


def test_404_is_not_found(logto_client, logto_mock):
    logto_mock.add(responses.GET, USER_URL, status=404, json={"code": "entity.not_exists_with_id"})
    with pytest.raises(LogtoNotFound) as info:
        logto_client.get_user("u1")
    assert info.value.code == "entity.not_exists_with_id"


@pytest.mark.parametrize(
    ("header", "expected"),
    [({"Retry-After": "42"}, 42), ({}, None), ({"Retry-After": "soon"}, None)],
)
def test_429_is_rate_limited_with_retry_after(logto_client, logto_mock, header, expected):
    logto_mock.add(
        responses.POST,
        f"{ENDPOINT}/api/verification-codes",
        status=429,
        json={"code": "guard.too_many_requests", "message": "Too many"},
        headers=header,
    )
    with pytest.raises(LogtoRateLimited) as info:
        logto_client.send_verification_code(email="a@example.com")
    assert info.value.retry_after == expected
    assert info.value.code == "guard.too_many_requests"


def test_429_retry_after_http_date(logto_client, logto_mock):
    logto_mock.add(
        responses.GET,
        USER_URL,
        status=429,
        body="slow down",
        headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"},
    )
    with pytest.raises(LogtoRateLimited) as info:
        logto_client.get_user("u1")
    assert info.value.retry_after == 0  # in the past
    assert info.value.code == ""


@pytest.mark.parametrize(("status", "kind"), [(400, LogtoAPIError), (404, LogtoNotFound)])
def test_non_json_4xx_still_typed(logto_client, logto_mock, status, kind):
    logto_mock.add(responses.GET, USER_URL, status=status, body="<html>nope</html>")
    with pytest.raises(kind) as info:
        logto_client.get_user("u1")
    assert info.value.status == status
    assert info.value.code == ""


def test_accept_language_follows_active_language(logto_client, logto_mock):
    logto_mock.add(responses.GET, USER_URL, json=USER)
    with translation.override("fr"):
        logto_client.get_user("u1")
    assert logto_mock.calls[-1].request.headers["Accept-Language"] == "fr"


def test_bearer_token_and_json_on_management_calls(logto_client, logto_mock):
    logto_mock.add(responses.GET, USER_URL, json=USER)
    logto_client.get_user("u1")
    request = logto_mock.calls[-1].request
    assert request.headers["Authorization"] == "Bearer tok-1"
    assert request.headers["Accept"] == "application/json"


def test_one_session_per_process():
    assert get_client().session is get_client().session


def test_secrets_never_logged(logto_client, rsps, caplog):
    caplog.set_level(logging.DEBUG)
    add_token(rsps, "tok-very-secret")
    rsps.add(responses.POST, f"{ENDPOINT}/api/users/u1/password/verify", status=204)
    rsps.add(
        responses.POST,
        f"{ENDPOINT}/api/verification-codes/verify",
        status=400,
        json={"code": "verification_code.code_mismatch", "message": "Invalid"},
    )
    logto_client.verify_password("u1", "hunter2-password")
    with pytest.raises(LogtoAPIError):
        logto_client.verify_verification_code(code="123456", email="a@example.com")
    text = caplog.text + repr(logto_client)
    assert "POST /api/users/u1/password/verify -> 204" in caplog.text
    for secret in ("tok-very-secret", M2M_SECRET, "hunter2-password", "123456"):
        assert secret not in text
