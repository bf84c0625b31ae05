"""A bounded load run on loopback: signed-in users browsing the demo under 4 gunicorn workers on
PostgreSQL and Redis. What is asserted is correctness under load (no 5xx, concurrent edits end
well), never speed: scripts/benchmark measures speed.

``ACCOUNT_CENTER_LOAD_USERS`` (default 50) and ``ACCOUNT_CENTER_LOAD_SECONDS`` (default 60) bound
the run.
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from .conftest import Visitor, query

USERS = int(os.environ.get("ACCOUNT_CENTER_LOAD_USERS", "50"))
SECONDS = float(os.environ.get("ACCOUNT_CENTER_LOAD_SECONDS", "60"))
PAGES = ("/account/", "/account/profile/", "/account/security/")


def test_signed_in_users_browse_for_a_minute_without_a_server_error(cluster, new_user):
    def signed_in(_: int) -> Visitor:
        username, password, _user_id = new_user()
        person = Visitor(cluster.site)
        person.sign_in(username, password)
        return person

    with ThreadPoolExecutor(max_workers=10) as pool:
        people = list(pool.map(signed_in, range(USERS)))

    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    deadline = time.monotonic() + SECONDS

    def browse(person: Visitor, offset: int) -> None:
        step = offset
        while time.monotonic() < deadline:
            status = person.get(PAGES[step % len(PAGES)], allow_redirects=False).status_code
            with lock:
                statuses[status] += 1
            step += 1

    with ThreadPoolExecutor(max_workers=USERS) as pool:
        for future in [pool.submit(browse, person, n) for n, person in enumerate(people)]:
            future.result()

    assert sum(statuses.values()) > USERS, statuses
    assert set(statuses) == {200}, f"answers other than 200 under load: {statuses}"


def test_two_concurrent_edits_of_one_field_end_with_one_of_them_and_both_are_audited(
    cluster, new_user
):
    username, password, user_id = new_user()
    first, second = Visitor(cluster.site), Visitor(cluster.site)
    first.sign_in(username, password)
    second.sign_in(username, password)
    start = threading.Barrier(2)

    def rename(person: Visitor, name: str) -> int:
        start.wait()
        return person.post("/account/profile/edit/", {"name": name}).status_code

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(rename, (first, second), ("Name From First", "Name From Second")))

    assert all(status in (200, 302) for status in answers), answers
    user = cluster.management().get(f"{cluster.emulator}/api/users/{user_id}", timeout=10).json()
    assert user["name"] in ("Name From First", "Name From Second")
    audited = query(
        cluster,
        "SELECT outcome FROM account_center_auditevent WHERE sub = %s AND action = %s",
        user_id,
        "profile_update",
    )
    assert [outcome for (outcome,) in audited] == ["success", "success"]
