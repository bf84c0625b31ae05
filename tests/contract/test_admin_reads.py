"""What the Django admin reads from Logto, against a Logto over HTTP (the emulator always, a real
Logto when configured): many users in one exact id search, the console's "like" search with
Logto's wildcards taken literally, and the hooks list."""

from __future__ import annotations

import secrets

import pytest

from .conftest import STRONG_PASSWORD, Target

pytestmark = pytest.mark.contract


def test_many_users_in_one_exact_id_search(logto_client, user_id, target: Target):
    other = target.create_user(username=f"batch_{secrets.token_hex(4)}", password=STRONG_PASSWORD)
    try:
        found = logto_client.get_users([user_id, other, "no-such-user-id"])
        assert set(found) == {user_id, other}
        assert found[other].username.startswith("batch_")
    finally:
        logto_client.delete_user(other)


def test_search_takes_percent_and_underscore_literally(logto_client, target: Target):
    tag = secrets.token_hex(3)
    plain = target.create_user(username=f"srch{tag}xa", password=STRONG_PASSWORD)
    underscored = target.create_user(username=f"srch{tag}_a", password=STRONG_PASSWORD)
    try:
        assert set(logto_client.search_user_ids(f"srch{tag}")) == {plain, underscored}
        # "_" is any one character in Logto's "like" search; escaped, it is only "_".
        assert logto_client.search_user_ids(f"srch{tag}_") == [underscored]
        assert logto_client.search_user_ids(f"{tag}%") == []
    finally:
        logto_client.delete_user(plain)
        logto_client.delete_user(underscored)


def test_hooks_list(logto_client):
    hooks = logto_client.list_hooks()
    assert isinstance(hooks, list)
    assert all(hook.id and isinstance(hook.events, tuple) for hook in hooks)
