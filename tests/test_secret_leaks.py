"""The suite-wide secret-leak check finds a secret in a log line, and only a whole one."""

from __future__ import annotations

import logging

import pytest

from tests import secret_leaks


@pytest.fixture
def isolated(monkeypatch):
    suite_secrets, suite_records = secret_leaks._secrets, secret_leaks._records
    monkeypatch.setattr(secret_leaks, "_secrets", set())
    monkeypatch.setattr(secret_leaks, "_records", [])
    yield
    # These tests log their made-up secrets on purpose: none of it may count against the suite
    # (in a whole run one such line reached the suite's own list, and failed the run).
    made_up = ("hunter2-secret", "tok-abcdef123")
    with secret_leaks._lock:
        suite_records[:] = [r for r in suite_records if not any(m in r[1] for m in made_up)]
        suite_secrets.difference_update(made_up)


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
