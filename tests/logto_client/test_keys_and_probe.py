"""The client's OIDC helpers: cached signing keys (refetched on rotation) and the credentials probe."""

from __future__ import annotations

import base64

import responses

from account_center.logto.client import LogtoClient

from .conftest import ENDPOINT, TOKEN_URL

DISCOVERY_URL = f"{ENDPOINT}/oidc/.well-known/openid-configuration"
JWKS_URL = f"{ENDPOINT}/oidc/jwks"


def add_discovery(rsps: responses.RequestsMock) -> None:
    rsps.add(
        responses.GET,
        DISCOVERY_URL,
        json={"issuer": f"{ENDPOINT}/oidc", "jwks_uri": JWKS_URL, "token_endpoint": TOKEN_URL},
    )


def test_jwks_is_fetched_once_then_served_from_cache(client: LogtoClient, rsps) -> None:
    add_discovery(rsps)
    rsps.add(responses.GET, JWKS_URL, json={"keys": [{"kid": "a"}]})

    assert client.jwks() == {"keys": [{"kid": "a"}]}
    assert client.jwks() == {"keys": [{"kid": "a"}]}
    assert sum(call.request.url == JWKS_URL for call in rsps.calls) == 1


def test_jwks_force_refresh_sees_rotated_keys(client: LogtoClient, rsps) -> None:
    add_discovery(rsps)
    rsps.add(responses.GET, JWKS_URL, json={"keys": [{"kid": "old"}]})
    rsps.add(responses.GET, JWKS_URL, json={"keys": [{"kid": "new"}]})

    client.jwks()
    assert client.jwks(force_refresh=True) == {"keys": [{"kid": "new"}]}
    assert client.jwks() == {"keys": [{"kid": "new"}]}


def test_probe_sends_basic_auth_and_reports_oauth_error(client: LogtoClient, rsps) -> None:
    add_discovery(rsps)
    rsps.add(responses.POST, TOKEN_URL, status=400, json={"error": "unauthorized_client"})

    answer = client.probe_client_credentials("web-app-id", "web-app-secret")

    assert (answer.status, answer.error) == (400, "unauthorized_client")
    sent = rsps.calls[-1].request
    expected = base64.b64encode(b"web-app-id:web-app-secret").decode()
    assert sent.headers["Authorization"] == f"Basic {expected}"
    assert sent.body == "grant_type=client_credentials"


def test_probe_reports_refused_credentials(client: LogtoClient, rsps) -> None:
    add_discovery(rsps)
    rsps.add(responses.POST, TOKEN_URL, status=401, json={"error": "invalid_client"})

    answer = client.probe_client_credentials("web-app-id", "wrong")

    assert (answer.status, answer.error) == (401, "invalid_client")
