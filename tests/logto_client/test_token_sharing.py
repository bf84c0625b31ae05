"""The M2M token in the shared cache: sealed so a cache dump alone hands out nothing, and
refreshed once per deployment when Logto refuses it, however many threads saw the 401."""

from __future__ import annotations

import re
import threading

import responses
from django.core.cache import cache

from account_center.logto import token_cache
from account_center.logto.client import LogtoClient
from tests.helpers import ENDPOINT



def _client() -> LogtoClient:
    return LogtoClient(
        endpoint=ENDPOINT,
        m2m_app_id="m2m",
        m2m_app_secret="m2m-secret",
        resource="https://default.logto.app/api",
    )


def test_the_cached_token_is_not_readable_from_the_cache_alone(rsps):
    rsps.post(
        f"{ENDPOINT}/oidc/token", json={"access_token": "tok-all-powerful", "expires_in": 3600}
    )
    client = _client()
    assert client.get_access_token() == "tok-all-powerful"

    stored = cache.get(client._token_key)
    assert "tok-all-powerful" not in repr(stored)
    assert token_cache.load(client._token_key).access_token == "tok-all-powerful"


def test_a_token_sealed_under_another_secret_key_is_fetched_anew(rsps, settings):
    rsps.post(f"{ENDPOINT}/oidc/token", json={"access_token": "first", "expires_in": 3600})
    client = _client()
    client.get_access_token()
    settings.SECRET_KEY = "rotated-" + "x" * 40
    rsps.replace(responses.POST, f"{ENDPOINT}/oidc/token", json={"access_token": "second"})
    assert client.get_access_token() == "second"


def test_many_workers_refused_at_once_fetch_one_new_token(rsps):
    """Two clients stand for two worker processes: they share only the cache."""
    issued = iter([f"token-{n}" for n in range(100)])
    fetches: list[str] = []

    def token_endpoint(request):
        token = next(issued)
        fetches.append(token)
        return 200, {}, f'{{"access_token": "{token}", "expires_in": 3600}}'

    rsps.add_callback(responses.POST, f"{ENDPOINT}/oidc/token", callback=token_endpoint)
    workers = [_client(), _client()]
    old = workers[0].get_access_token()  # token-0, shared through the cache

    def management_api(request):
        # Logto revoked the old token: 401 for it, 200 for any newer one.
        refused = request.headers["Authorization"] == f"Bearer {old}"
        return (401, {}, "{}") if refused else (200, {}, '{"id": "u1"}')

    rsps.add_callback(
        responses.GET, re.compile(re.escape(ENDPOINT) + r"/api/users/u1"), callback=management_api
    )
    # Every thread holds the old token when Logto starts refusing it.
    start = threading.Barrier(12)
    errors: list[Exception] = []

    def call(worker: LogtoClient) -> None:
        start.wait()
        try:
            worker.get_user("u1")
        except Exception as error:  # noqa: BLE001 - collected for the assertion
            errors.append(error)

    threads = [threading.Thread(target=call, args=(workers[n % 2],)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert fetches == ["token-0", "token-1"]
