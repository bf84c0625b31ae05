"""Fault matrix of the service layer: every client method × every way Logto (or what stands in
front of it) can fail. Each ends in one of the client's typed errors, never a raw exception, a
``None`` or garbage handed on as if it were an answer."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
import responses

from account_center.logto.client import LogtoClient
from account_center.logto.errors import (
    LogtoAPIError,
    LogtoError,
    LogtoOutcomeUnknown,
    LogtoRateLimited,
    LogtoUnavailable,
)
from tests.helpers import ENDPOINT

API = re.compile(re.escape(ENDPOINT) + r"/api/.*")
METHODS = (responses.GET, responses.POST, responses.PATCH, responses.PUT, responses.DELETE)

# Every public method that calls the Management API, with arguments a caller would give.
CALLS: dict[str, Callable[[LogtoClient], Any]] = {
    "get_user": lambda c: c.get_user("u1"),
    "get_user_with_sso": lambda c: c.get_user("u1", include_sso_identities=True),
    "update_user": lambda c: c.update_user("u1", name="Alice"),
    "update_profile": lambda c: c.update_profile("u1", {"nickname": "al"}),
    "get_custom_data": lambda c: c.get_custom_data("u1"),
    "update_custom_data": lambda c: c.update_custom_data("u1", {"plan": "pro"}),
    "get_logto_configs": lambda c: c.get_logto_configs("u1"),
    "update_logto_configs": lambda c: c.update_logto_configs("u1", {"mfa": {"enabled": True}}),
    "set_suspended": lambda c: c.set_suspended("u1", True),
    "delete_user": lambda c: c.delete_user("u1"),
    "find_user_ids": lambda c: c.find_user_ids(email="a@example.com"),
    "has_password": lambda c: c.has_password("u1"),
    "verify_password": lambda c: c.verify_password("u1", "pw-123456"),
    "check_password_policy": lambda c: c.check_password_policy("pw-123456", user_id="u1"),
    "set_password": lambda c: c.set_password("u1", "pw-123456"),
    "send_verification_code": lambda c: c.send_verification_code(email="a@example.com"),
    "verify_verification_code": lambda c: c.verify_verification_code(
        code="123456", email="a@example.com"
    ),
    "list_connectors": lambda c: c.list_connectors(),
    "list_social_connectors": lambda c: c.list_social_connectors(),
    "get_authorization_uri": lambda c: c.get_authorization_uri(
        "mock-social", state="s" * 16, redirect_uri="https://site.test/cb"
    ),
    "link_identity": lambda c: c.link_identity("u1", "mock-social", {"code": "c"}),
    "unlink_identity": lambda c: c.unlink_identity("u1", "mock-social"),
    "list_mfa_verifications": lambda c: c.list_mfa_verifications("u1"),
    "create_totp": lambda c: c.create_totp("u1", "JBSWY3DPEHPK3PXP"),
    "create_backup_codes": lambda c: c.create_backup_codes("u1"),
    "delete_mfa_verification": lambda c: c.delete_mfa_verification("u1", "f1"),
    "list_personal_access_tokens": lambda c: c.list_personal_access_tokens("u1"),
    "create_personal_access_token": lambda c: c.create_personal_access_token(
        "u1", "t1", expires_at=datetime.now(tz=UTC) + timedelta(days=1)
    ),
    "rename_personal_access_token": lambda c: c.rename_personal_access_token("u1", "t1", "t2"),
    "delete_personal_access_token": lambda c: c.delete_personal_access_token("u1", "t1"),
    "list_sessions": lambda c: c.list_sessions("u1"),
    "revoke_session": lambda c: c.revoke_session("u1", "s1"),
}
# Methods whose whole answer is "nothing": an empty or odd 2xx body still means "done".
NO_ANSWER = {
    "delete_user",
    "set_password",
    "send_verification_code",
    "verify_verification_code",
    "unlink_identity",
    "delete_mfa_verification",
    "rename_personal_access_token",
    "delete_personal_access_token",
    "revoke_session",
    "verify_password",
}


# Calls that change something at Logto: when their answer is lost or garbled, the change may have
# been applied, and the error says so (LogtoOutcomeUnknown).
CHANGES = {
    "update_user",
    "update_profile",
    "update_custom_data",
    "set_suspended",
    "delete_user",
    "set_password",
    "link_identity",
    "unlink_identity",
    "create_totp",
    "create_backup_codes",
    "delete_mfa_verification",
    "create_personal_access_token",
    "rename_personal_access_token",
    "delete_personal_access_token",
    "revoke_session",
}
OUTCOME_LOST = {"read timeout", "malformed JSON", "HTML 200", "unexpected shape"}


def _raise(exception: Exception) -> Callable[[Any], Any]:
    def callback(request: Any) -> Any:
        raise exception

    return callback


FAULTS: dict[str, Callable[[responses.RequestsMock, str], None]] = {
    "connect timeout": lambda m, v: m.add_callback(
        v, API, callback=_raise(requests.ConnectTimeout())
    ),
    "read timeout": lambda m, v: m.add_callback(v, API, callback=_raise(requests.ReadTimeout())),
    "connection refused": lambda m, v: m.add_callback(
        v, API, callback=_raise(requests.ConnectionError("refused"))
    ),
    "500": lambda m, v: m.add(v, API, status=500, body="Internal Server Error"),
    "502": lambda m, v: m.add(v, API, status=502, body="<html>Bad Gateway</html>"),
    "503": lambda m, v: m.add(v, API, status=503, json={"message": "busy"}),
    "429 with Retry-After": lambda m, v: m.add(
        v, API, status=429, json={"code": "request.too_many_requests"}, headers={"Retry-After": "7"}
    ),
    "malformed JSON": lambda m, v: m.add(
        v, API, status=200, body="{not json", content_type="application/json"
    ),
    "HTML 200": lambda m, v: m.add(
        v, API, status=200, body="<html>proxy login</html>", content_type="text/html"
    ),
    "unexpected shape": lambda m, v: m.add(v, API, status=200, json=[1, "two", None]),
}
# What each fault may surface as. A 429 is Logto's refusal ("slow down"), not an outage.
EXPECTED: dict[str, type[LogtoError]] = {
    "429 with Retry-After": LogtoRateLimited,
}


@pytest.fixture
def logto_client() -> LogtoClient:
    return LogtoClient(
        endpoint=ENDPOINT,
        m2m_app_id="m2m",
        m2m_app_secret="m2m-secret",
        resource="https://default.logto.app/api",
        timeout=(0.5, 0.5),
    )


@pytest.mark.parametrize("fault", list(FAULTS))
@pytest.mark.parametrize("method", list(CALLS))
def test_every_client_method_turns_every_fault_into_a_typed_error(logto_client, method, fault):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(
            responses.POST,
            f"{ENDPOINT}/oidc/token",
            json={"access_token": "tok", "expires_in": 3600, "token_type": "Bearer"},
        )
        for verb in METHODS:
            FAULTS[fault](mock, verb)

        # A 2xx JSON body where Logto sends none is odd but does not contradict "done".
        odd_but_done = fault == "unexpected shape" and method in NO_ANSWER
        try:
            answer = CALLS[method](logto_client)
        except LogtoError as error:
            expected = EXPECTED.get(fault, LogtoUnavailable)
            assert isinstance(error, expected), f"{method} × {fault}: {error!r}"
            if fault == "429 with Retry-After":
                assert error.retry_after == 7
            else:
                assert not isinstance(error, LogtoAPIError), "an outage called a refusal"
                unknown = method in CHANGES and fault in OUTCOME_LOST
                assert isinstance(error, LogtoOutcomeUnknown) == unknown, (
                    f"{method} × {fault}: {error!r}"
                )
        else:
            assert odd_but_done, f"{method} × {fault} answered {answer!r} instead of an error"
