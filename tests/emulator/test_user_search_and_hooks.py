"""Logto's user search with one ``search.id`` per id (exact mode), and the hooks list."""

from __future__ import annotations

from typing import Any

from logto_emulator.seed import DEMO_USER


def ids(answer: Any) -> list[str]:
    return sorted(user["id"] for user in answer.json())


def test_exact_search_takes_many_ids(api) -> None:
    other = api("POST", "/api/users", json={"username": "bob", "password": "Secret-pass-1"}).json()
    everyone = api("GET", "/api/users").json()
    demo = next(user["id"] for user in everyone if user["username"] == DEMO_USER.username)
    answer = api(
        "GET",
        "/api/users",
        params=[
            ("search.id", other["id"]),
            ("search.id", demo),
            ("search.id", "nobody"),
            ("mode.id", "exact"),
            ("isCaseSensitive", "true"),
        ],
    )
    assert answer.status_code == 200
    assert ids(answer) == sorted([other["id"], demo])


def test_many_values_need_exact_mode(api) -> None:
    answer = api("GET", "/api/users", params=[("search.id", "a"), ("search.id", "b")])
    assert answer.status_code == 400
    assert answer.json()["code"] == "request.invalid_input"


def test_like_search_escapes(api) -> None:
    api("POST", "/api/users", json={"username": "under_score", "password": "Secret-pass-1"})
    api("POST", "/api/users", json={"username": "underXscore", "password": "Secret-pass-1"})
    answer = api("GET", "/api/users", params={"search": "%under\\_score%"})
    assert [user["username"] for user in answer.json()] == ["under_score"]


def test_hooks_are_listed_with_their_signing_key(api) -> None:
    assert api("GET", "/api/hooks").json() == []
    made = api(
        "POST",
        "/api/hooks",
        json={"name": "site", "events": ["User.Deleted"], "config": {"url": "https://s/x"}},
    )
    assert made.status_code == 201
    hook = made.json()
    assert len(hook["signingKey"]) == 32 and hook["enabled"] is True and hook["event"] is None
    assert api("GET", "/api/hooks").json() == [hook]
    missing = api("POST", "/api/hooks", json={"name": "x", "config": {"url": "https://s"}})
    assert missing.status_code == 400 and missing.json()["code"] == "hook.missing_events"
