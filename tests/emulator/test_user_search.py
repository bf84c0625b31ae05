"""``GET /api/users`` with Logto's search syntax: ``search.<field>`` and ``mode.<field>``."""

from __future__ import annotations

import pytest

from account_center.logto.client import LogtoClient
from logto_emulator.seed import DEMO_CLIENTS
from logto_emulator.server import EmulatorServer
from tests.emulator.conftest import MANAGEMENT_RESOURCE, Api


@pytest.fixture
def people(logto_emulator: EmulatorServer) -> dict[str, str]:
    state = logto_emulator.state
    return {
        "bob": state.create_user(username="bob", primary_email="Bob@Example.com")["id"],
        "bobby": state.create_user(
            username="bobby", primary_email="bobby@example.com", primary_phone="447911123456"
        )["id"],
    }


def _ids(response) -> set[str]:
    assert response.status_code == 200, response.text
    return {user["id"] for user in response.json()}


def test_exact_search_is_exact_and_case_insensitive(api: Api, people: dict[str, str]) -> None:
    found = api(
        "GET",
        "/api/users",
        params={"search.primaryEmail": "bob@example.com", "mode.primaryEmail": "exact"},
    )
    assert _ids(found) == {people["bob"]}
    assert found.headers["Total-Number"] == "1"
    by_username = api(
        "GET", "/api/users", params={"search.username": "bob", "mode.username": "exact"}
    )
    assert _ids(by_username) == {people["bob"]}
    by_phone = api(
        "GET",
        "/api/users",
        params={"search.primaryPhone": "447911123456", "mode.primaryPhone": "exact"},
    )
    assert _ids(by_phone) == {people["bobby"]}


def test_like_is_the_default_mode(api: Api, people: dict[str, str]) -> None:
    assert _ids(api("GET", "/api/users", params={"search.username": "bob%"})) == set(
        people.values()
    )
    assert _ids(api("GET", "/api/users", params={"search.username": "bob"})) == {people["bob"]}


def test_fields_match_with_or_unless_joint_is_and(api: Api, people: dict[str, str]) -> None:
    params = {
        "search.username": "bob",
        "search.primaryPhone": "447911123456",
        "mode.username": "exact",
        "mode.primaryPhone": "exact",
    }
    assert _ids(api("GET", "/api/users", params=params)) == set(people.values())
    assert _ids(api("GET", "/api/users", params={**params, "joint": "and"})) == set()


def test_case_sensitive_on_request(api: Api, people: dict[str, str]) -> None:
    params = {
        "search.primaryEmail": "bob@example.com",
        "mode.primaryEmail": "exact",
        "isCaseSensitive": "true",
    }
    assert _ids(api("GET", "/api/users", params=params)) == set()


@pytest.mark.parametrize(
    "params",
    [
        {"search.password": "x"},
        {"search.username": "bob", "mode.username": "fuzzy"},
        {"search.username": ""},
    ],
)
def test_bad_search_is_400(api: Api, people: dict[str, str], params: dict[str, str]) -> None:
    response = api("GET", "/api/users", params=params)
    assert response.status_code == 400
    assert response.json()["code"] == "request.invalid_input"


def test_client_find_user_ids_against_the_emulator(
    logto_emulator: EmulatorServer, people: dict[str, str]
) -> None:
    client = LogtoClient(
        endpoint=logto_emulator.url,
        m2m_app_id=DEMO_CLIENTS.m2m_app_id,
        m2m_app_secret=DEMO_CLIENTS.m2m_app_secret,
        resource=MANAGEMENT_RESOURCE,
        timeout=(2, 5),
    )
    assert client.find_user_ids(email="BOB@example.com") == [people["bob"]]
    assert client.find_user_ids(phone="447911123456") == [people["bobby"]]
    assert client.find_user_ids(username="nobody") == []
