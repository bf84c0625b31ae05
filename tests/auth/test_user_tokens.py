"""The signed-in user's own tokens: asked for and kept (sealed) at sign-in when a gateway may use
the Account API, handed to the service layer, refreshed once when Logto refuses one, one refresh
per session at a time, and a refused refresh that leaves the user signed in."""

from __future__ import annotations

import base64
import json
from importlib import import_module
from typing import Any
from urllib.parse import parse_qs

import pytest
import responses
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from account_center.auth import user_tokens
from account_center.conf.checks import check_settings
from account_center.auth.user_tokens import SESSION_KEY, SessionUserTokens, sealed_tokens
from account_center.logto.client import get_client
from account_center.logto.errors import LogtoUserTokenRefused
from account_center.middleware import LogtoSessionRefresh
from account_center.models import LogtoIdentity

from .conftest import (
    CLIENT_ID,
    CLIENT_SECRET,
    ENDPOINT,
    FakeLogto,
    discovery_document,
    sign_in,
    start,
)

pytestmark = pytest.mark.django_db

SUB = "u1abc2def3gh"
TOKEN_URL = f"{ENDPOINT}/oidc/token"
MY_ACCOUNT = f"{ENDPOINT}/api/my-account"
SessionStore = import_module(django_settings.SESSION_ENGINE).SessionStore


# ---------------------------------------------------------------------- helpers


def _user() -> Any:
    user = get_user_model().objects.create_user(f"logto_{SUB}")
    LogtoIdentity.objects.create(user=user, sub=SUB)
    return user


def _kept_session(access: str = "at-1", refresh: str = "rt-1", expires_in: float = 3600) -> str:
    """A signed-in session keeping these tokens; answers its key."""
    user = _user()
    store = SessionStore()
    store[AUTH_SESSION_KEY] = str(user.pk)
    store[SESSION_KEY] = sealed_tokens(SUB, access, refresh, expires_in)
    store.create()
    return str(store.session_key)


def _request(session_key: str) -> HttpRequest:
    """A request of that session, as SessionMiddleware and AuthenticationMiddleware build it."""
    request = RequestFactory().get("/account/")
    request.session = SessionStore(session_key=session_key)
    request.user = get_user_model().objects.select_related("logto_identity").get(
        logto_identity__sub=SUB
    )
    return request


def _provider(request: HttpRequest) -> SessionUserTokens:
    provider = SessionUserTokens.for_request(request)
    assert provider is not None
    return provider


def _stored(session_key: str) -> Any:
    return SessionStore(session_key=session_key).load().get(SESSION_KEY)


def _kept(value: Any) -> user_tokens.KeptTokens:
    kept = user_tokens.unsealed_tokens(value, SUB)
    assert kept is not None
    return kept


def _refreshes(rsps: responses.RequestsMock) -> list[dict[str, list[str]]]:
    return [
        parse_qs(call.request.body)
        for call in rsps.calls
        if call.request.url == TOKEN_URL and "refresh_token" in (call.request.body or "")
    ]


@pytest.fixture
def logto_oidc(rsps: responses.RequestsMock) -> responses.RequestsMock:
    rsps.get(f"{ENDPOINT}/oidc/.well-known/openid-configuration", json=discovery_document())
    return rsps


def _answer_refresh(rsps: responses.RequestsMock, access: str, refresh: str) -> None:
    rsps.post(
        TOKEN_URL,
        json={
            "access_token": access,
            "expires_in": 3600,
            "id_token": "x.y.z",
            "refresh_token": refresh,
            "scope": "openid profile offline_access",
            "token_type": "Bearer",
        },
    )


INVALID_GRANT = {
    "code": "oidc.invalid_grant",
    "message": "Grant request is invalid.",
    "error": "invalid_grant",
    "error_description": "grant request is invalid",
}


# ---------------------------------------------------------------------- sign-in


def test_sign_in_asks_nothing_more_while_the_gateway_is_the_management_api(
    client: Any, fake_logto: FakeLogto, settings: Any
) -> None:
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "management"
    params = start(client, fake_logto)
    assert params["scope"] == "openid profile email phone identities custom_data"
    assert "prompt" not in params

    fake_logto.token_answer = {"refresh_token": "refresh-token-1"}
    client.get("/account/oidc/callback/", {"code": "c", "state": params["state"]})

    assert client.session[AUTH_SESSION_KEY]
    assert SESSION_KEY not in client.session


def test_sign_in_asks_the_account_api_scopes_and_keeps_the_tokens_sealed(
    client: Any, fake_logto: FakeLogto
) -> None:
    # The default gateway ("auto") is enough.
    params = start(client, fake_logto)
    assert params["scope"].split() == [
        *"openid profile email phone identities custom_data".split(),
        "address",
        "offline_access",
        "urn:logto:scope:sessions",
    ]
    # Without prompt=consent Logto drops offline_access and issues no refresh token.
    assert params["prompt"] == "consent"

    fake_logto.token_answer = {"refresh_token": "refresh-token-1"}
    response = client.get("/account/oidc/callback/", {"code": "c", "state": params["state"]})
    assert response.status_code == 302

    stored = json.dumps(dict(client.session.items()))
    assert "opaque-access-token" not in stored and "refresh-token-1" not in stored
    kept = _kept(client.session[SESSION_KEY])
    assert (kept.access_token, kept.refresh_token) == ("opaque-access-token", "refresh-token-1")
    provider = _provider(_request(client.session.session_key))
    assert provider.user_id == SUB
    assert provider.access_token() == "opaque-access-token"


def test_a_renewal_without_a_refresh_token_keeps_the_one_the_session_holds(
    client: Any, fake_logto: FakeLogto, settings: Any
) -> None:
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "account"
    fake_logto.token_answer = {"refresh_token": "refresh-token-1"}
    sign_in(client, fake_logto)
    # A silent prompt=none renewal: Logto drops offline_access, so no refresh token comes.
    fake_logto.token_answer = {"access_token": "opaque-access-token-2"}
    sign_in(client, fake_logto)

    kept = _kept(client.session[SESSION_KEY])
    assert (kept.access_token, kept.refresh_token) == ("opaque-access-token-2", "refresh-token-1")


def test_back_to_the_management_api_a_sign_in_drops_the_kept_tokens(
    client: Any, fake_logto: FakeLogto, settings: Any
) -> None:
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "account"
    fake_logto.token_answer = {"refresh_token": "refresh-token-1"}
    sign_in(client, fake_logto)
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "management"
    sign_in(client, fake_logto)

    assert client.session.get(SESSION_KEY) is None
    assert SessionUserTokens.for_request(_request(client.session.session_key)) is None


def test_tokens_sealed_for_another_user_do_not_open() -> None:
    key = _kept_session()
    request = _request(key)
    request.session[SESSION_KEY] = sealed_tokens("someone-else", "at-x", "rt-x", 3600)

    assert SessionUserTokens.for_request(request) is None


# ---------------------------------------------------------------------- refresh


def test_a_refused_token_is_refreshed_once_and_the_call_retried(
    logto_oidc: responses.RequestsMock,
) -> None:
    key = _kept_session()
    rsps = logto_oidc
    rsps.get(MY_ACCOUNT, status=401, json={"code": "auth.unauthorized", "message": "x"})
    rsps.get(MY_ACCOUNT, json={"id": SUB, "name": "Ada"})
    _answer_refresh(rsps, "at-2", "rt-1")
    request = _request(key)

    account = get_client().get_own_account(_provider(request))

    assert account.id == SUB
    (refresh,) = _refreshes(rsps)
    # The web app's credentials in Basic auth, and no resource: Logto answers the opaque token.
    assert refresh == {"grant_type": ["refresh_token"], "refresh_token": ["rt-1"]}
    token_call = next(c for c in rsps.calls if c.request.url == TOKEN_URL)
    assert token_call.request.headers["Authorization"].startswith("Basic ")
    bearers = [c.request.headers["Authorization"] for c in rsps.calls if c.request.url == MY_ACCOUNT]
    assert bearers == ["Bearer at-1", "Bearer at-2"]
    # Kept, sealed, and saved at once for the other requests of this session.
    assert _kept(_stored(key)).access_token == "at-2"
    assert _kept(request.session[SESSION_KEY]).access_token == "at-2"


def test_a_token_about_to_expire_is_refreshed_before_it_is_used(
    logto_oidc: responses.RequestsMock,
) -> None:
    key = _kept_session(expires_in=30)
    _answer_refresh(logto_oidc, "at-2", "rt-2")

    assert _provider(_request(key)).access_token() == "at-2"
    assert len(_refreshes(logto_oidc)) == 1
    assert _kept(_stored(key)).refresh_token == "rt-2"  # Logto rotated it: the new one is kept


def test_without_a_refresh_token_an_expired_token_is_refused_without_asking_logto(
    logto_oidc: responses.RequestsMock,
) -> None:
    key = _kept_session(refresh="", expires_in=-1)

    with pytest.raises(LogtoUserTokenRefused):
        _provider(_request(key)).access_token()
    assert _refreshes(logto_oidc) == []


def test_a_second_request_of_the_session_takes_the_token_the_first_refreshed(
    logto_oidc: responses.RequestsMock,
) -> None:
    key = _kept_session()
    first, second = _request(key), _request(key)
    second.session.load()  # loaded before the first request refreshed, as a parallel one is
    assert _kept(second.session[SESSION_KEY]).access_token == "at-1"
    _answer_refresh(logto_oidc, "at-2", "rt-2")

    assert _provider(first).refreshed_access_token("at-1") == "at-2"
    assert _provider(second).refreshed_access_token("at-1") == "at-2"

    # Logto was asked once: the rotated refresh token is never sent twice (Logto would revoke
    # the grant), and the second request's session, when it is saved, keeps the new tokens.
    assert len(_refreshes(logto_oidc)) == 1
    assert _kept(second.session[SESSION_KEY]).refresh_token == "rt-2"


def test_a_request_waits_for_the_one_refreshing_and_adopts_its_tokens(
    logto_oidc: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = _kept_session()
    waiting = _request(key)
    lock = user_tokens._lock_key("rt-1")
    assert cache.add(lock, "the-other-request", 15)

    def the_other_request_finishes(seconds: float) -> None:
        other = _request(key)
        other.session[SESSION_KEY] = sealed_tokens(SUB, "at-2", "rt-2", 3600)
        other.session.save()
        cache.delete(lock)

    monkeypatch.setattr(user_tokens.time, "sleep", the_other_request_finishes)

    assert _provider(waiting).refreshed_access_token("at-1") == "at-2"
    assert _refreshes(logto_oidc) == []
    assert _kept(waiting.session[SESSION_KEY]).refresh_token == "rt-2"


def test_a_refused_refresh_drops_the_tokens_and_keeps_the_user_signed_in(
    logto_oidc: responses.RequestsMock,
) -> None:
    key = _kept_session()
    logto_oidc.post(TOKEN_URL, status=400, json=INVALID_GRANT)
    logto_oidc.get(MY_ACCOUNT, status=401, json={"code": "auth.unauthorized", "message": "x"})
    request = _request(key)

    with pytest.raises(LogtoUserTokenRefused) as refused:
        get_client().get_own_account(_provider(request))

    assert refused.value.code == "oidc.invalid_grant"
    assert SESSION_KEY not in request.session and _stored(key) is None
    assert request.session[AUTH_SESSION_KEY]  # still signed in: the caller decides what next
    assert SessionUserTokens.for_request(_request(key)) is None


def test_a_refused_refresh_keeps_the_tokens_another_request_stored_meanwhile(
    logto_oidc: responses.RequestsMock,
) -> None:
    key = _kept_session()
    loser = _request(key)
    loser.session.load()

    def the_winner_rotated_first(request: Any) -> tuple[int, dict[str, str], str]:
        winner = _request(key)
        winner.session[SESSION_KEY] = sealed_tokens(SUB, "at-2", "rt-2", 3600)
        winner.session.save()
        return 400, {}, json.dumps(INVALID_GRANT)

    logto_oidc.add_callback(responses.POST, TOKEN_URL, callback=the_winner_rotated_first)

    assert _provider(loser).refreshed_access_token("at-1") == "at-2"
    assert _kept(_stored(key)).refresh_token == "rt-2"
    assert _kept(loser.session[SESSION_KEY]).refresh_token == "rt-2"


def test_the_web_app_credentials_are_the_ones_signing_in(
    logto_oidc: responses.RequestsMock,
) -> None:
    key = _kept_session()
    _answer_refresh(logto_oidc, "at-2", "rt-1")

    _provider(_request(key)).refreshed_access_token("at-1")

    call = next(c for c in logto_oidc.calls if c.request.url == TOKEN_URL)
    expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    assert call.request.headers["Authorization"] == f"Basic {expected}"


def test_a_parallel_request_saving_its_session_keeps_the_tokens_refreshed_meanwhile(
    logto_oidc: responses.RequestsMock,
) -> None:
    key = _kept_session()
    refreshing, other = _request(key), _request(key)
    other.session.load()  # read before the refresh
    _answer_refresh(logto_oidc, "at-2", "rt-2")
    _provider(refreshing).refreshed_access_token("at-1")
    other.session["something_else"] = "changed"  # so SessionMiddleware will save it

    LogtoSessionRefresh(lambda request: HttpResponse()).process_response(other, HttpResponse())
    other.session.save()

    # The rotated refresh token stays: the spent one, sent again, would make Logto revoke all.
    assert _kept(_stored(key)).refresh_token == "rt-2"
    assert SessionStore(session_key=key).load()["something_else"] == "changed"


@pytest.mark.parametrize("gateway", ["auto", "account", "management"])
def test_the_three_gateways_pass_the_system_checks(settings: Any, gateway: str) -> None:
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = gateway
    assert "account_center.E014" not in [message.id for message in check_settings()]


def test_another_gateway_is_a_system_check_error(settings: Any) -> None:
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "user"
    (error,) = [m for m in check_settings() if m.id == "account_center.E014"]
    assert "ACCOUNT_CENTER_LOGTO_GATEWAY" in error.msg and error.hint
