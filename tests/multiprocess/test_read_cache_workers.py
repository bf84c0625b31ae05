"""The read cache across gunicorn workers on Redis: every worker answers the overview from the
same kept reads (no Logto call), and a change made through one worker shows on every worker at
its next view."""

from __future__ import annotations

import re


def name_on(page: str) -> str:
    match = re.search(r"<h1[^>]*>([^<]*)</h1>", page)
    return match.group(1).strip() if match else ""


def test_a_change_through_one_worker_shows_on_every_worker(cluster, visitor):
    person, _username, _password, _user_id = visitor
    assert name_on(person.get("/account/").text) == "Worker Test"  # reads kept from here on
    before = cluster.stats()["management_api_calls"]
    person.served_by.clear()
    for _ in range(12):
        assert name_on(person.get("/account/").text) == "Worker Test"
    assert len(set(person.served_by)) >= 3
    assert cluster.stats()["management_api_calls"] == before  # every worker, no Logto call

    saved = person.post("/account/profile/edit/", {"name": "Renamed Once"}, htmx=True)
    assert saved.ok and "Renamed Once" in saved.text

    person.served_by.clear()
    for _ in range(12):
        assert name_on(person.get("/account/").text) == "Renamed Once"
    assert len(set(person.served_by)) >= 3
