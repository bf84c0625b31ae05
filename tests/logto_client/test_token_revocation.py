"""Revoking the user's refresh token at sign-out (RFC 7009): the endpoint from discovery, the
web app's credentials, and Logto's answers (as the lab's Logto gave them) as typed errors."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs

import pytest
import responses

from account_center.logto.client import LogtoClient
from account_center.logto.errors import (
    LogtoAPIError,
    LogtoAuthenticationError,
    LogtoUnavailable,
)

from .conftest import ENDPOINT, TOKEN_URL

# Discovery names the endpoint: the app never builds it.
REVOCATION_URL = f"{ENDPOINT}/oidc/elsewhere/revocation"
DISCOVERY = {
    "issuer": f"{ENDPOINT}/oidc",
    "token_endpoint": TOKEN_URL,
    "revocation_endpoint": REVOCATION_URL,
}


@pytest.fixture
def oidc(rsps: responses.RequestsMock) -> responses.RequestsMock:
    rsps.get(f"{ENDPOINT}/oidc/.well-known/openid-configuration", json=DISCOVERY)
    return rsps


def _revoke(logto_client: LogtoClient) -> None:
    logto_client.revoke_refresh_token(
        client_id="web-app-id", client_secret="web-app-secret", refresh_token="rt-1"
    )


def test_revokes_with_the_web_app_credentials_at_the_discovered_endpoint(
    logto_client: LogtoClient, oidc: responses.RequestsMock
) -> None:
    oidc.post(REVOCATION_URL, body="", content_type="text/plain; charset=utf-8")

    _revoke(logto_client)

    call = oidc.calls[-1].request
    assert parse_qs(call.body) == {"token": ["rt-1"], "token_type_hint": ["refresh_token"]}
    assert call.headers["Authorization"] == "Basic " + base64.b64encode(
        b"web-app-id:web-app-secret"
    ).decode()


def test_refusals_are_typed(logto_client: LogtoClient, oidc: responses.RequestsMock) -> None:
    oidc.post(
        REVOCATION_URL,
        status=401,
        json={"code": "oidc.invalid_client", "error": "invalid_client"},
    )
    with pytest.raises(LogtoAuthenticationError):
        _revoke(logto_client)
    oidc.replace(
        responses.POST,
        REVOCATION_URL,
        status=400,
        json={
            "code": "oidc.invalid_request",
            "error": "invalid_request",
            "error_description": "client is not authorized to revoke the presented token",
        },
    )
    with pytest.raises(LogtoAPIError) as refused:
        _revoke(logto_client)
    assert refused.value.code == "oidc.invalid_request"


def test_a_failing_logto_is_unavailable(
    logto_client: LogtoClient, oidc: responses.RequestsMock
) -> None:
    oidc.post(REVOCATION_URL, status=502, body="Bad Gateway")
    with pytest.raises(LogtoUnavailable):
        _revoke(logto_client)


def test_a_logto_without_the_endpoint_is_unavailable(
    logto_client: LogtoClient, rsps: responses.RequestsMock
) -> None:
    rsps.get(
        f"{ENDPOINT}/oidc/.well-known/openid-configuration",
        json={k: v for k, v in DISCOVERY.items() if k != "revocation_endpoint"},
    )
    with pytest.raises(LogtoUnavailable):
        _revoke(logto_client)
