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
    pages = person.over_workers(lambda _: person.get("/account/"), workers=3)
    assert all(name_on(page.text) == "Worker Test" for page in pages)
    assert cluster.stats()["management_api_calls"] == before  # every worker, no Logto call

    saved = person.post("/account/profile/edit/", {"name": "Renamed Once"}, htmx=True)
    assert saved.ok and "Renamed Once" in saved.text

    pages = person.over_workers(lambda _: person.get("/account/"), workers=3)
    assert all(name_on(page.text) == "Renamed Once" for page in pages)
