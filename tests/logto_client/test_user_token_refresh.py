"""The refresh of the user's own tokens at Logto's token endpoint: the one call the session side
makes through the service layer."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
import responses

from account_center.logto.client import LogtoClient
from account_center.logto.errors import (
    LogtoAuthenticationError,
    LogtoUnavailable,
    LogtoUserTokenRefused,
)

from .conftest import ENDPOINT, TOKEN_URL

DISCOVERY = {"issuer": f"{ENDPOINT}/oidc", "token_endpoint": TOKEN_URL}


@pytest.fixture
def oidc(rsps: responses.RequestsMock) -> responses.RequestsMock:
    rsps.get(f"{ENDPOINT}/oidc/.well-known/openid-configuration", json=DISCOVERY)
    return rsps


def _refresh(logto_client: LogtoClient, refresh_token: str = "rt-1"):
    return logto_client.refresh_user_tokens(
        client_id="web-app-id", client_secret="web-app-secret", refresh_token=refresh_token
    )


def test_refresh_asks_no_resource_with_the_web_app_credentials(
    logto_client: LogtoClient, oidc: responses.RequestsMock
) -> None:
    oidc.post(
        TOKEN_URL,
        json={"access_token": "at-2", "expires_in": 3600, "refresh_token": "rt-1", "scope": "openid"},
    )

    grant = _refresh(logto_client)

    call = oidc.calls[-1].request
    # No resource: Logto then answers the opaque token the Account API takes (a JWT gets 401).
    assert parse_qs(call.body) == {"grant_type": ["refresh_token"], "refresh_token": ["rt-1"]}
    assert call.headers["Authorization"].startswith("Basic ")
    assert (grant.access_token, grant.refresh_token, grant.expires_in) == ("at-2", "rt-1", 3600)
    assert "at-2" not in repr(grant) and "rt-1" not in repr(grant)


def test_a_rotated_refresh_token_is_the_one_answered(
    logto_client: LogtoClient, oidc: responses.RequestsMock
) -> None:
    oidc.post(TOKEN_URL, json={"access_token": "at-2", "refresh_token": "rt-2"})
    assert _refresh(logto_client).refresh_token == "rt-2"


def test_an_answer_without_a_refresh_token_keeps_the_old_one(
    logto_client: LogtoClient, oidc: responses.RequestsMock
) -> None:
    oidc.post(TOKEN_URL, json={"access_token": "at-2", "expires_in": 600})
    grant = _refresh(logto_client)
    assert (grant.refresh_token, grant.expires_in) == ("rt-1", 600)


def test_invalid_grant_is_a_refused_user_token(
    logto_client: LogtoClient, oidc: responses.RequestsMock
) -> None:
    oidc.post(
        TOKEN_URL,
        status=400,
        json={"code": "oidc.invalid_grant", "error": "invalid_grant", "message": "x"},
    )
    with pytest.raises(LogtoUserTokenRefused) as refused:
        _refresh(logto_client)
    assert (refused.value.status, refused.value.code) == (400, "oidc.invalid_grant")


def test_refused_web_app_credentials_are_an_authentication_error(
    logto_client: LogtoClient, oidc: responses.RequestsMock
) -> None:
    oidc.post(TOKEN_URL, status=401, json={"error": "invalid_client"})
    with pytest.raises(LogtoAuthenticationError):
        _refresh(logto_client)


@pytest.mark.parametrize("answer", [{"status": 503}, {"json": {"token_type": "Bearer"}}])
def test_a_failing_or_tokenless_answer_is_unavailable(
    logto_client: LogtoClient, oidc: responses.RequestsMock, answer: dict
) -> None:
    oidc.post(TOKEN_URL, **answer)
    with pytest.raises(LogtoUnavailable):
        _refresh(logto_client)
    # Never retried: a refresh that reached Logto may have rotated the token.
    assert len([c for c in oidc.calls if c.request.url == TOKEN_URL]) == 1
