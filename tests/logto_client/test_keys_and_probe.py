"""The client's OIDC helpers: cached signing keys (refetched on rotation) and the credentials probe."""

from __future__ import annotations

import base64

import responses
from django.core.cache import cache

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


def test_jwks_is_fetched_once_then_served_from_cache(logto_client: LogtoClient, rsps) -> None:
    add_discovery(rsps)
    rsps.add(responses.GET, JWKS_URL, json={"keys": [{"kid": "a"}]})

    assert logto_client.jwks() == {"keys": [{"kid": "a"}]}
    assert logto_client.jwks() == {"keys": [{"kid": "a"}]}
    assert sum(call.request.url == JWKS_URL for call in rsps.calls) == 1


def test_jwks_force_refresh_sees_rotated_keys(logto_client: LogtoClient, rsps) -> None:
    add_discovery(rsps)
    rsps.add(responses.GET, JWKS_URL, json={"keys": [{"kid": "old"}]})
    rsps.add(responses.GET, JWKS_URL, json={"keys": [{"kid": "new"}]})

    logto_client.jwks()
    assert logto_client.jwks(force_refresh=True) == {"keys": [{"kid": "new"}]}
    assert logto_client.jwks() == {"keys": [{"kid": "new"}]}


def test_probe_sends_basic_auth_and_reports_oauth_error(logto_client: LogtoClient, rsps) -> None:
    add_discovery(rsps)
    rsps.add(responses.POST, TOKEN_URL, status=400, json={"error": "unauthorized_client"})

    answer = logto_client.probe_client_credentials("web-app-id", "web-app-secret")

    assert (answer.status, answer.error) == (400, "unauthorized_client")
    sent = rsps.calls[-1].request
    expected = base64.b64encode(b"web-app-id:web-app-secret").decode()
    assert sent.headers["Authorization"] == f"Basic {expected}"
    assert sent.body == "grant_type=client_credentials"


def test_probe_reports_refused_credentials(logto_client: LogtoClient, rsps) -> None:
    add_discovery(rsps)
    rsps.add(responses.POST, TOKEN_URL, status=401, json={"error": "invalid_client"})

    answer = logto_client.probe_client_credentials("web-app-id", "wrong")

    assert (answer.status, answer.error) == (401, "invalid_client")


def test_discovery_failure_is_not_retried_on_every_page(
    logto_client: LogtoClient, rsps, monkeypatch
) -> None:
    import requests as requests_lib

    from account_center import clock as the_clock
    from account_center.logto import oidc as client_module
    from account_center.logto.errors import LogtoUnavailable

    clock = [1000.0]
    monkeypatch.setattr(the_clock, "source", lambda: clock[0])
    rsps.add(responses.GET, DISCOVERY_URL, body=requests_lib.ConnectionError("down"))

    for _ in range(3):
        try:
            logto_client.discovery()
        except LogtoUnavailable:
            pass
    # One fetch (and its one retry on a connection error), then the failure is remembered.
    assert len(rsps.calls) == 2

    clock[0] += client_module.DISCOVERY_RETRY_SECONDS + 1
    rsps.replace(responses.GET, DISCOVERY_URL, json={"issuer": f"{ENDPOINT}/oidc"})
    assert logto_client.discovery() == {"issuer": f"{ENDPOINT}/oidc"}


def test_last_discovery_document_serves_while_logto_is_down(
    logto_client: LogtoClient, rsps, monkeypatch
):
    import requests as requests_lib

    from account_center import clock as the_clock
    from account_center.logto import oidc as client_module

    clock = [1000.0]
    monkeypatch.setattr(the_clock, "source", lambda: clock[0])
    add_discovery(rsps)
    first = logto_client.discovery()
    cache.clear()  # the shared copy expired too
    clock[0] += client_module.DISCOVERY_CACHE_SECONDS + 1
    rsps.replace(responses.GET, DISCOVERY_URL, body=requests_lib.ConnectionError("down"))

    assert logto_client.discovery() == first
