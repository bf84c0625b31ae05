"""``find_user_ids``: Logto's exact user search (``search.<field>`` + ``mode.<field>=exact``)."""

from __future__ import annotations

import pytest
import responses
from responses import matchers

from account_center.logto.errors import LogtoAPIError

from .conftest import ENDPOINT

USERS_URL = f"{ENDPOINT}/api/users"


def test_find_by_email_uses_exact_search(logto_client, logto_mock):
    logto_mock.add(
        responses.GET,
        USERS_URL,
        match=[
            matchers.query_param_matcher(
                {
                    "search.primaryEmail": "Taken@Example.com",
                    "mode.primaryEmail": "exact",
                    "page_size": "20",
                }
            )
        ],
        json=[{"id": "u2", "primaryEmail": "taken@example.com"}],
    )
    assert logto_client.find_user_ids(email="Taken@Example.com") == ["u2"]
    assert logto_mock.calls[-1].request.headers["Authorization"] == "Bearer tok-1"


def test_find_by_phone_and_username(logto_client, logto_mock):
    logto_mock.add(
        responses.GET,
        USERS_URL,
        match=[
            matchers.query_param_matcher(
                {
                    "search.primaryPhone": "447911123456",
                    "mode.primaryPhone": "exact",
                    "search.username": "bob",
                    "mode.username": "exact",
                    "page_size": "20",
                }
            )
        ],
        json=[{"id": "u2"}, {"id": "u3"}],
    )
    assert logto_client.find_user_ids(phone="447911123456", username="bob") == ["u2", "u3"]


def test_nobody_found(logto_client, logto_mock):
    logto_mock.add(responses.GET, USERS_URL, json=[])
    assert logto_client.find_user_ids(email="free@example.com") == []


def test_nothing_to_search_asks_nothing(logto_client, logto_mock):
    assert logto_client.find_user_ids() == []
    assert logto_client.find_user_ids(email="", phone=None) == []
    assert not logto_mock.calls


def test_logto_refusal_is_typed(logto_client, logto_mock):
    logto_mock.add(
        responses.GET,
        USERS_URL,
        status=400,
        json={"code": "request.invalid_input", "message": "bad search"},
    )
    with pytest.raises(LogtoAPIError) as caught:
        logto_client.find_user_ids(username="bob")
    assert caught.value.code == "request.invalid_input"
