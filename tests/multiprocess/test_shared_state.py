"""What one worker stores, every worker honours: the M2M token, attempt limits and step-up, on
PostgreSQL and Redis with 4 gunicorn workers."""

from __future__ import annotations

from .conftest import TOO_MANY, Visitor, forget_shared_cache


def test_one_m2m_token_serves_200_requests_over_every_worker(cluster, visitor):
    person, *_ = visitor
    forget_shared_cache(cluster)
    before = cluster.stats()["m2m_tokens_issued"]

    pages = person.over_workers(lambda _: person.get("/account/"), workers=3, least=200)

    assert [page.status_code for page in pages] == [200] * len(pages)
    assert cluster.stats()["m2m_tokens_issued"] - before == 1


def test_attempt_limit_reached_through_several_workers_holds_on_all(cluster, visitor):
    person, *_ = visitor
    refused_at = None
    for attempt in range(1, 31):
        answer = person.post("/account/verify/", {"action": "password", "password": "wrong-pw"})
        if TOO_MANY.search(answer.text):
            refused_at = attempt
            break
        assert "Confirm it" in answer.text
    assert refused_at is not None and refused_at <= 21, "no attempt limit across workers"

    later = person.over_workers(
        lambda _: person.post("/account/verify/", {"action": "password", "password": "wrong-pw"}),
        workers=3,
    )
    assert all(TOO_MANY.search(answer.text) for answer in later)


def test_step_up_made_through_one_worker_is_honoured_by_the_others(cluster, visitor):
    person, username, password, user_id = visitor
    verified = person.post("/account/verify/", {"action": "password", "password": password})
    assert verified.status_code == 302, verified.text[:500]

    answers = person.over_workers(
        lambda number: person.post(
            "/account/security/username/", {"username": f"{username}_{number}"}
        ),
        workers=3,
    )
    assert all(answer.status_code == 302 for answer in answers)
    assert all("/verify/" not in answer.headers["Location"] for answer in answers), (
        "step-up not honoured by a worker"
    )

    user = cluster.management().get(f"{cluster.emulator}/api/users/{user_id}", timeout=10).json()
    assert user["username"] == f"{username}_{len(answers) - 1}"


def test_a_session_made_by_one_worker_is_signed_in_on_every_worker(cluster, visitor):
    person, *_ = visitor
    pages = person.over_workers(lambda _: person.get("/account/security/"), workers=3)
    assert all(
        page.status_code == 200 and page.url.endswith("/account/security/") for page in pages
    )
    other = Visitor(cluster.site)
    assert "/account/security/" not in other.get("/account/security/").url


def test_a_social_link_state_minted_by_one_worker_is_accepted_once_by_another(cluster, visitor):
    from logto_emulator.connectors import CONNECTOR_IDS

    MOCK_SOCIAL_CONNECTOR_ID = CONNECTOR_IDS["social"]

    person, username, password, user_id = visitor
    assert person.post("/account/verify/", {"action": "password", "password": password}).ok
    api = cluster.management()
    # Until the callback lands on another worker than the one that minted it: which worker
    # accepts a connection is the kernel's choice, and an idle machine favours one of them.
    for _ in range(40):
        person.served_by.clear()
        minted = person.post(
            "/account/connections/", {"action": "link", "connector": MOCK_SOCIAL_CONNECTOR_ID}
        )
        assert minted.status_code == 302, minted.text[:300]
        minting_worker = person.served_by[-1]
        provider = person.http.post(
            minted.headers["Location"],
            data={"userId": "mp-social-1", "action": "allow"},
            allow_redirects=False,
            timeout=30,
        )
        callback = provider.headers["Location"]
        first = person.get(callback, allow_redirects=False)
        if person.served_by[-1] == minting_worker:
            api.delete(f"{cluster.emulator}/api/users/{user_id}/identities/mock-social", timeout=10)
            continue
        assert first.status_code == 302 and first.headers["Location"].endswith("/connections/")
        replay = person.get(callback, allow_redirects=False)
        assert replay.status_code == 400 and "Nothing was linked" in replay.text
        user = api.get(f"{cluster.emulator}/api/users/{user_id}", timeout=10).json()
        assert "mock-social" in user["identities"]
        return
    raise AssertionError("every callback landed on the worker that minted its state")
