"""Refresh tokens as Logto issues them to a web app: only for ``offline_access`` with
``prompt=consent``, redeemed for a new opaque access token (no ``resource``), rotated once past 70%
of their 14 days, and a spent one sent again revokes the whole grant."""

from __future__ import annotations

from typing import Any

import requests

from logto_emulator.oidc import refresh_tokens
from logto_emulator.seed import DEMO_USER
from logto_emulator.server import EmulatorServer
from logto_emulator.state import Application
from tests.emulator.test_oidc import (
    WEB_AUTH,
    _authorize,
    _exchange,
    _follow_to_form,
    _query,
    _sign_in,
)

SCOPES = "openid profile email offline_access urn:logto:scope:sessions"


def _tokens(emu: EmulatorServer, **extra: str) -> dict[str, Any]:
    browser = requests.Session()
    start = _authorize(browser, emu.url, extra={"scope": SCOPES, **extra})
    done = _sign_in(browser, _follow_to_form(browser, start), DEMO_USER.username, DEMO_USER.password)
    answer = _exchange(emu.url, _query(done.headers["Location"])["code"])
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def _refresh(emu: EmulatorServer, refresh_token: str, **extra: str) -> requests.Response:
    return requests.post(
        emu.url + "/oidc/token",
        auth=WEB_AUTH,
        data={"grant_type": "refresh_token", "refresh_token": refresh_token, **extra},
        timeout=5,
    )


def _userinfo(emu: EmulatorServer, access_token: str) -> int:
    return requests.get(
        emu.url + "/oidc/me", headers={"Authorization": f"Bearer {access_token}"}, timeout=5
    ).status_code


def _age(emu: EmulatorServer, refresh_token: str, share: float) -> None:
    """Moves a refresh token ``share`` of its lifetime into the past, as days of waiting would."""
    with emu.state.lock:
        info = emu.state.tokens[refresh_token]
        shift = share * (info["exp"] - info["iat"])
        info["iat"] -= shift
        info["exp"] -= shift


def test_no_refresh_token_without_prompt_consent(logto_emulator: EmulatorServer) -> None:
    answer = _tokens(logto_emulator)

    assert "refresh_token" not in answer
    assert "offline_access" not in answer["scope"].split()


def test_a_refresh_gives_a_new_opaque_access_token_and_the_same_refresh_token(
    logto_emulator: EmulatorServer,
) -> None:
    answer = _tokens(logto_emulator, prompt="consent")
    assert answer["refresh_token"] and "offline_access" in answer["scope"].split()

    refreshed = _refresh(logto_emulator, answer["refresh_token"])

    assert refreshed.status_code == 200, refreshed.text
    body = refreshed.json()
    assert set(body) == {
        "access_token",
        "expires_in",
        "id_token",
        "refresh_token",
        "scope",
        "token_type",
    }
    assert body["access_token"] != answer["access_token"] and "." not in body["access_token"]
    assert body["refresh_token"] == answer["refresh_token"]  # not rotated before 70%
    assert body["scope"] == answer["scope"]
    assert _userinfo(logto_emulator, body["access_token"]) == 200


def test_past_70_percent_the_refresh_token_rotates_and_reusing_the_spent_one_revokes_the_grant(
    logto_emulator: EmulatorServer,
) -> None:
    answer = _tokens(logto_emulator, prompt="consent")
    _age(logto_emulator, answer["refresh_token"], 0.71)

    rotated = _refresh(logto_emulator, answer["refresh_token"]).json()
    assert rotated["refresh_token"] != answer["refresh_token"]
    assert _userinfo(logto_emulator, rotated["access_token"]) == 200

    reused = _refresh(logto_emulator, answer["refresh_token"])
    assert reused.status_code == 400
    assert reused.json()["code"] == "oidc.invalid_grant"
    # oidc-provider revokes everything issued under the grant: the winner's tokens too.
    assert _refresh(logto_emulator, rotated["refresh_token"]).status_code == 400
    assert _userinfo(logto_emulator, rotated["access_token"]) == 401


def test_a_refresh_with_a_resource_or_by_another_client_is_refused(
    logto_emulator: EmulatorServer,
) -> None:
    answer = _tokens(logto_emulator, prompt="consent")

    with_resource = _refresh(
        logto_emulator, answer["refresh_token"], resource="https://default.logto.app/api"
    )
    assert with_resource.status_code == 400
    assert with_resource.json()["code"] == "oidc.invalid_target"
    logto_emulator.state.add_application(
        Application(id="other-web-app", secret="other-secret", type="Traditional", name="Other")
    )
    other_client = requests.post(
        logto_emulator.url + "/oidc/token",
        auth=("other-web-app", "other-secret"),
        data={"grant_type": "refresh_token", "refresh_token": answer["refresh_token"]},
        timeout=5,
    )
    assert other_client.status_code == 400
    assert other_client.json()["error"] == "invalid_grant"  # oidc-provider: "client mismatch"
    assert _refresh(logto_emulator, "not-a-refresh-token").json()["error"] == "invalid_grant"
    # A refresh token is no bearer token.
    assert _userinfo(logto_emulator, answer["refresh_token"]) == 401


def test_refresh_tokens_live_14_days(logto_emulator: EmulatorServer) -> None:
    answer = _tokens(logto_emulator, prompt="consent")
    info = logto_emulator.state.tokens[answer["refresh_token"]]

    assert info["exp"] - info["iat"] == refresh_tokens.LIFETIME_SECONDS == 14 * 24 * 3600
    _age(logto_emulator, answer["refresh_token"], 1.01)
    assert _refresh(logto_emulator, answer["refresh_token"]).status_code == 400
