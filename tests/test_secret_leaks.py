"""The suite-wide secret-leak check finds a secret in a log line, and only a whole one; what a
test notes apart stays out of the suite's check, and nothing of another thread goes missing."""

from __future__ import annotations

import logging
import threading

import pytest

from tests import secret_leaks


@pytest.fixture
def isolated():
    # These tests log made-up secrets on purpose: their thread notes them apart from the suite.
    with secret_leaks.apart():
        yield


def test_a_password_sent_to_logto_and_then_logged_is_found(isolated, rsps):
    import requests

    rsps.post("https://logto.test/api/users/u1/password/verify", status=204)
    requests.post(
        "https://logto.test/api/users/u1/password/verify", json={"password": "hunter2-secret"}
    )
    logging.getLogger("account_center.test").warning("checking hunter2-secret for u1")

    assert secret_leaks.leaks() == ["account_center.test: checking <SECRET> for u1"]


def test_a_token_in_an_answer_is_a_secret_and_codes_match_only_whole(isolated, rsps):
    import requests

    rsps.post("https://logto.test/oidc/token", json={"access_token": "tok-abcdef123"})
    requests.post("https://logto.test/oidc/token", data={"code": "654321"})
    logger = logging.getLogger("account_center.test")
    logger.info("order 16543210 shipped")  # contains the code's digits, not the code
    assert secret_leaks.leaks() == []
    logger.info("got tok-abcdef123")
    assert len(secret_leaks.leaks()) == 1


def test_what_a_test_notes_apart_never_reaches_the_suite() -> None:
    logger = logging.getLogger("account_center.test")
    with secret_leaks.apart():
        secret_leaks.remember("apart-only-secret-41")
        logger.warning("logged apart-only-secret-41")
        assert secret_leaks.leaks() == ["account_center.test: logged <SECRET>"]
        assert secret_leaks.holding({"report": "apart-only-secret-41"}) == [
            "report: apart-only-secret-41"
        ]
    assert not any("apart-only-secret-41" in line for line in secret_leaks.leaks())
    assert secret_leaks.holding({"report": "apart-only-secret-41"}) == []


def test_another_threads_log_lines_count_for_the_suite_even_during_a_test_apart() -> None:
    # A live server's request thread may still log while a test of the check runs apart: its
    # lines are the suite's to check, and are no leak of that test.
    with secret_leaks.apart():
        secret_leaks.remember("apart-secret-of-the-test-42")
        other = threading.Thread(
            target=logging.getLogger("account_center.test").warning,
            args=("another thread logged apart-secret-of-the-test-42",),
        )
        other.start()
        other.join()
        assert secret_leaks.leaks() == []
