"""Token revocation (RFC 7009) as Logto's oidc-provider answers it (another client's token as its
source says, every other answer as the lab's Logto, 1.43 candidate, gave it): 200 with an empty
body for any token, known or not; a revoked refresh token ends its grant, so neither it nor the
access tokens issued under it work again."""

from __future__ import annotations

import requests

from logto_emulator.seed import DEMO_CLIENTS
from logto_emulator.server import EmulatorServer
from tests.emulator.conftest import m2m_token
from tests.emulator.test_oidc import WEB_AUTH
from tests.emulator.test_oidc_refresh import _refresh, _tokens, _userinfo

PATH = "/oidc/token/revocation"


def _revoke(
    emu: EmulatorServer, token: str | None, auth=WEB_AUTH, **extra: str
) -> requests.Response:
    data = {"token": token, **extra} if token is not None else dict(extra)
    return requests.post(emu.url + PATH, auth=auth, data=data, timeout=5)


def test_a_revoked_refresh_token_and_its_grants_access_token_stop_working(
    logto_emulator: EmulatorServer,
) -> None:
    answer = _tokens(logto_emulator, prompt="consent")

    revoked = _revoke(logto_emulator, answer["refresh_token"], token_type_hint="refresh_token")

    assert revoked.status_code == 200 and revoked.content == b""
    assert revoked.headers["Content-Type"] == "text/plain; charset=utf-8"
    refused = _refresh(logto_emulator, answer["refresh_token"])
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"
    assert _userinfo(logto_emulator, answer["access_token"]) == 401


def test_an_unknown_token_is_revoked_without_complaint(logto_emulator: EmulatorServer) -> None:
    for hint in ({"token_type_hint": "refresh_token"}, {"token_type_hint": "foo"}, {}):
        answer = _revoke(logto_emulator, "notatoken123", **hint)
        assert (answer.status_code, answer.content) == (200, b"")


def test_refusals_as_logto_words_them(logto_emulator: EmulatorServer) -> None:
    missing = _revoke(logto_emulator, None, token_type_hint="refresh_token")
    assert missing.status_code == 400
    assert missing.json() == {
        "code": "oidc.invalid_request",
        "message": "Request is invalid.",
        "error": "invalid_request",
        "error_description": "missing required parameter 'token'",
    }
    wrong = _revoke(logto_emulator, "x", auth=(DEMO_CLIENTS.web_app_id, "wrong"))
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    unknown = _revoke(logto_emulator, "x", auth=("nosuchclient", "wrong"))
    assert unknown.status_code == 400
    assert unknown.json()["error_description"] == "invalid client nosuchclient"
    anonymous = requests.post(logto_emulator.url + PATH, data={"token": "x"}, timeout=5)
    assert anonymous.json()["error_description"] == "no client authentication mechanism provided"
    jwt_token = _revoke(logto_emulator, m2m_token(logto_emulator.url))
    assert jwt_token.status_code == 400
    assert jwt_token.json() == {
        "code": "oidc.unsupported_token_type",
        "message": "An OIDC error occurred: oidc.unsupported_token_type.",
        "error": "unsupported_token_type",
        "error_description": "Structured JWT Tokens cannot be revoked via the revocation_endpoint",
    }


def test_another_clients_token_is_not_revoked(logto_emulator: EmulatorServer) -> None:
    answer = _tokens(logto_emulator, prompt="consent")
    m2m = (DEMO_CLIENTS.m2m_app_id, DEMO_CLIENTS.m2m_app_secret)

    refused = _revoke(logto_emulator, answer["refresh_token"], auth=m2m)

    assert refused.status_code == 400
    assert refused.json()["error_description"] == (
        "client is not authorized to revoke the presented token"
    )
    assert _refresh(logto_emulator, answer["refresh_token"]).status_code == 200
