"""The read cache in the transport: a user's reads are kept, and every change to that user, in
any form and whatever its outcome, drops them."""

from __future__ import annotations

import pytest
import requests
import responses

from account_center.logto import read_cache
from account_center.logto.errors import LogtoOutcomeUnknown, LogtoUnavailable

from .conftest import ENDPOINT, management_calls

USER = f"{ENDPOINT}/api/users/u1"
OTHER = f"{ENDPOINT}/api/users/u2"


def user(**fields):
    return {"id": "u1", "username": "alice", **fields}


def test_a_second_read_is_kept(logto_client, logto_mock) -> None:
    logto_mock.get(USER, json=user())
    assert logto_client.get_user("u1").username == "alice"
    assert logto_client.get_user("u1").username == "alice"
    assert management_calls(logto_mock) == 1


def test_kept_per_user_and_per_query(logto_client, logto_mock) -> None:
    logto_mock.get(USER, json=user())
    logto_mock.get(OTHER, json={"id": "u2"})
    logto_client.get_user("u1")
    logto_client.get_user("u2")
    logto_client.get_user("u1", include_sso_identities=True)  # other parameters: another read
    assert management_calls(logto_mock) == 3


@pytest.mark.parametrize(
    "change",
    [
        lambda c: c.update_user("u1", name="B"),
        lambda c: c.set_suspended("u1", True),
        lambda c: c.delete_mfa_verification("u1", "f1"),
        lambda c: c.rename_personal_access_token("u1", "a", "b"),  # through _call, not _request
    ],
)
def test_every_change_to_the_user_drops_their_reads(logto_client, logto_mock, change) -> None:
    logto_mock.get(USER, json=user())
    logto_mock.patch(USER, json=user(name="B"))
    logto_mock.patch(f"{USER}/is-suspended", json=user(isSuspended=True))
    logto_mock.delete(f"{USER}/mfa-verifications/f1", status=204)
    logto_mock.patch(f"{USER}/personal-access-tokens", status=204)
    logto_client.get_user("u1")
    change(logto_client)
    logto_client.get_user("u1")
    assert len([c for c in logto_mock.calls if c.request.method == "GET"]) == 2


def test_a_change_that_timed_out_drops_the_reads_too(logto_client, logto_mock) -> None:
    """It may have been applied."""
    logto_mock.get(USER, json=user())
    logto_mock.patch(USER, body=requests.ReadTimeout())
    logto_client.get_user("u1")
    with pytest.raises(LogtoOutcomeUnknown):
        logto_client.update_user("u1", name="B")
    logto_client.get_user("u1")
    assert len([c for c in logto_mock.calls if c.request.method == "GET"]) == 2


def test_a_change_to_another_user_keeps_these_reads(logto_client, logto_mock) -> None:
    logto_mock.get(USER, json=user())
    logto_mock.patch(OTHER, json={"id": "u2"})
    logto_client.get_user("u1")
    logto_client.update_user("u2", name="B")
    logto_client.get_user("u1")
    assert len([c for c in logto_mock.calls if c.request.method == "GET"]) == 1


def test_fresh_reads_go_to_logto_and_refresh_what_is_kept(logto_client, logto_mock) -> None:
    logto_mock.get(USER, json=user())
    logto_client.get_user("u1")
    logto_mock.replace(responses.GET, USER, json=user(username="alice2"))
    with read_cache.fresh():
        assert logto_client.get_user("u1").username == "alice2"
    assert logto_client.get_user("u1").username == "alice2"  # kept from the fresh read
    assert management_calls(logto_mock) == 2


def test_forget_drops_one_user(logto_client, logto_mock) -> None:
    logto_mock.get(USER, json=user())
    logto_mock.get(OTHER, json={"id": "u2"})
    logto_client.get_user("u1")
    logto_client.get_user("u2")
    read_cache.forget("u1")
    logto_client.get_user("u1")
    logto_client.get_user("u2")
    assert management_calls(logto_mock) == 3


def test_failed_reads_are_not_kept(logto_client, logto_mock) -> None:
    logto_mock.get(USER, status=503)
    logto_mock.get(USER, json=user())
    with pytest.raises(LogtoUnavailable):
        logto_client.get_user("u1")
    assert logto_client.get_user("u1").username == "alice"


def test_zero_seconds_turns_it_off(logto_client, logto_mock, settings) -> None:
    settings.ACCOUNT_CENTER_READ_CACHE_SECONDS = 0
    logto_mock.get(USER, json=user())
    logto_client.get_user("u1")
    logto_client.get_user("u1")
    assert management_calls(logto_mock) == 2


def test_the_connector_list_is_kept_and_searches_are_not(logto_client, logto_mock) -> None:
    logto_mock.get(f"{ENDPOINT}/api/connectors", json=[])
    logto_mock.get(f"{ENDPOINT}/api/users", json=[])
    logto_client.list_connectors()
    logto_client.list_connectors()
    logto_client.find_user_ids(email="a@example.com")
    logto_client.find_user_ids(email="a@example.com")  # a collision check must see Logto now
    assert management_calls(logto_mock) == 3


def test_a_user_id_is_one_path_segment() -> None:
    assert read_cache.scope_of("/api/users/u1/mfa-verifications") == "u1"
    assert read_cache.scope_of("/api/users/u1") == "u1"
    assert read_cache.scope_of("/api/users") is None
    assert read_cache.scope_of("/api/users?search=x") is None
    assert read_cache.scope_of("/api/hooks") is None


def test_token_secrets_never_reach_the_cache(logto_client, logto_mock) -> None:
    path = "/api/users/u1/personal-access-tokens"
    logto_mock.get(f"{ENDPOINT}{path}", json=[{"name": "ci", "value": "pat_SECRET"}])
    assert [t.name for t in logto_client.list_personal_access_tokens("u1")] == ["ci"]
    assert [t.name for t in logto_client.list_personal_access_tokens("u1")] == ["ci"]  # kept
    assert management_calls(logto_mock) == 1
    _key, kept = read_cache.lookup(path, None)  # what the cache holds, on any backend
    assert kept == [{"name": "ci"}]
