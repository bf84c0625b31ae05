"""The OIDC half: discovery, sign-in form, code flow, ID token, userinfo, re-auth, end session."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pyotp
import requests

from logto_emulator.seed import DEMO_CLIENTS, DEMO_USER, give_sso_identity
from logto_emulator.server import EmulatorServer
from tests.emulator.conftest import REDIRECT_URI

WEB_AUTH = (DEMO_CLIENTS.web_app_id, DEMO_CLIENTS.web_app_secret)


def _age_sign_ins(emulator: EmulatorServer, *, seconds: int) -> None:
    """Moves every sign-in the emulator remembers ``seconds`` into the past: what a wait would do,
    without one (its login times have a one-second resolution)."""
    with emulator.state.lock:
        for session in emulator.state.sessions.values():
            session["loginTs"] -= seconds


def _query(url: str) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlsplit(url).query).items()}


def _form_action(html: str) -> str:
    match = re.search(r'<form method="post" action="([^"]+)"', html)
    assert match, html
    return match.group(1)


def _authorize(
    browser: requests.Session, url: str, *, nonce: str = "n-1", extra: dict[str, str] | None = None
) -> requests.Response:
    params = {
        "client_id": DEMO_CLIENTS.web_app_id,
        "response_type": "code",
        "redirect_uri": REDIRECT_URI,
        "scope": "openid profile email phone custom_data identities",
        "state": "st-1",
        "nonce": nonce,
        **(extra or {}),
    }
    return browser.get(url + "/oidc/auth", params=params, allow_redirects=False, timeout=5)


def _follow_to_form(browser: requests.Session, response: requests.Response) -> requests.Response:
    assert response.status_code == 303, response.text
    form = browser.get(response.headers["Location"], timeout=5)
    assert form.status_code == 200
    return form


def _sign_in(
    browser: requests.Session, form: requests.Response, identifier: str, password: str
) -> requests.Response:
    return browser.post(
        _form_action(form.text),
        data={"identifier": identifier, "password": password, "action": "sign_in"},
        allow_redirects=False,
        timeout=5,
    )


def _exchange(url: str, code: str, **extra: str) -> requests.Response:
    return requests.post(
        url + "/oidc/token",
        auth=WEB_AUTH,
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            **extra,
        },
        timeout=5,
    )


def _full_sign_in(
    emu: EmulatorServer, browser: requests.Session, nonce: str = "n-1"
) -> dict[str, Any]:
    form = _follow_to_form(browser, _authorize(browser, emu.url, nonce=nonce))
    done = _sign_in(browser, form, DEMO_USER.username, DEMO_USER.password)
    assert done.status_code == 303
    code = _query(done.headers["Location"])["code"]
    tokens = _exchange(emu.url, code)
    assert tokens.status_code == 200, tokens.text
    return dict(tokens.json())


def _verify_id_token(emu: EmulatorServer, id_token: str, nonce: str = "n-1") -> dict[str, Any]:
    config = requests.get(emu.url + "/oidc/.well-known/openid-configuration", timeout=5).json()
    jwks = requests.get(config["jwks_uri"], timeout=5).json()
    header = jwt.get_unverified_header(id_token)
    assert header["alg"] == "ES384"
    (jwk,) = [k for k in jwks["keys"] if k["kid"] == header["kid"]]
    key = jwt.PyJWK(jwk).key
    claims = jwt.decode(
        id_token,
        key,
        algorithms=["ES384"],
        audience=DEMO_CLIENTS.web_app_id,
        issuer=config["issuer"],
    )
    assert claims["nonce"] == nonce
    return dict(claims)


def test_discovery_lists_logto_endpoints_and_es384(logto_emulator: EmulatorServer) -> None:
    config = requests.get(
        logto_emulator.url + "/oidc/.well-known/openid-configuration", timeout=5
    ).json()
    base = logto_emulator.url + "/oidc"
    assert config["issuer"] == base
    assert config["authorization_endpoint"] == base + "/auth"
    assert config["token_endpoint"] == base + "/token"
    assert config["jwks_uri"] == base + "/jwks"
    assert config["userinfo_endpoint"] == base + "/me"
    assert config["end_session_endpoint"] == base + "/session/end"
    assert config["id_token_signing_alg_values_supported"] == ["ES384"]
    assert "client_secret_basic" in config["token_endpoint_auth_methods_supported"]
    assert {"openid", "profile", "email", "phone", "custom_data", "identities"} <= set(
        config["scopes_supported"]
    )
    assert config["code_challenge_methods_supported"] == ["S256"]


def test_jwks_is_a_p384_signing_key(logto_emulator: EmulatorServer) -> None:
    (key,) = requests.get(logto_emulator.url + "/oidc/jwks", timeout=5).json()["keys"]
    assert (
        key["kty"] == "EC"
        and key["crv"] == "P-384"
        and key["use"] == "sig"
        and key["alg"] == "ES384"
    )
    assert key["kid"] and key["x"] and key["y"] and "d" not in key


def test_code_flow_end_to_end(logto_emulator: EmulatorServer) -> None:
    browser = requests.Session()
    start = _authorize(browser, logto_emulator.url)
    form = _follow_to_form(browser, start)
    assert '<label for="identifier">' in form.text and '<label for="password">' in form.text
    before = int(time.time())
    done = _sign_in(browser, form, DEMO_USER.primary_email, DEMO_USER.password)
    assert done.status_code == 303
    location = done.headers["Location"]
    assert location.startswith(REDIRECT_URI)
    query = _query(location)
    assert query["state"] == "st-1" and query["code"]
    cookie = done.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "Path=/;" in cookie

    tokens = _exchange(logto_emulator.url, query["code"])
    assert tokens.status_code == 200, tokens.text
    body = tokens.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert set(body["scope"].split()) >= {"openid", "profile", "email"}
    claims = _verify_id_token(logto_emulator, body["id_token"])
    user = logto_emulator.state.find_user_by("username", DEMO_USER.username)
    assert user is not None
    assert claims["sub"] == user["id"]
    assert claims["auth_time"] >= before
    assert claims["sid"]
    assert claims["exp"] - claims["iat"] == 3600
    assert claims["email"] == DEMO_USER.primary_email and claims["email_verified"] is True
    assert claims["username"] == DEMO_USER.username and claims["name"] == DEMO_USER.name
    assert claims["phone_number"] is None and claims["phone_number_verified"] is False
    assert "custom_data" not in claims  # Logto serves it from userinfo only
    # The session list of the Management API knows this sid.
    (session,) = logto_emulator.state.active_sessions(user["id"])
    assert session["authorizations"][DEMO_CLIENTS.web_app_id]["sid"] == claims["sid"]

    info = requests.get(
        logto_emulator.url + "/oidc/me",
        headers={"Authorization": f"Bearer {body['access_token']}"},
        timeout=5,
    )
    assert info.status_code == 200
    assert info.json()["sub"] == user["id"]
    assert info.json()["custom_data"] == {}
    assert info.json()["sso_identities"] == []


def test_code_is_single_use(logto_emulator: EmulatorServer) -> None:
    browser = requests.Session()
    done = _sign_in(
        browser,
        _follow_to_form(browser, _authorize(browser, logto_emulator.url)),
        "demo",
        DEMO_USER.password,
    )
    code = _query(done.headers["Location"])["code"]
    assert _exchange(logto_emulator.url, code).status_code == 200
    again = _exchange(logto_emulator.url, code)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


def test_pkce_s256_is_checked(logto_emulator: EmulatorServer) -> None:
    verifier = secrets.token_urlsafe(48)
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    browser = requests.Session()
    extra = {"code_challenge": challenge, "code_challenge_method": "S256"}
    form = _follow_to_form(browser, _authorize(browser, logto_emulator.url, extra=extra))
    code = _query(_sign_in(browser, form, "demo", DEMO_USER.password).headers["Location"])["code"]
    assert (
        _exchange(logto_emulator.url, code, code_verifier="wrong").json()["error"]
        == "invalid_grant"
    )

    form = _follow_to_form(
        browser, _authorize(browser, logto_emulator.url, extra={**extra, "prompt": "login"})
    )
    code = _query(_sign_in(browser, form, "demo", DEMO_USER.password).headers["Location"])["code"]
    assert _exchange(logto_emulator.url, code, code_verifier=verifier).status_code == 200


def test_wrong_password_shows_the_form_again(logto_emulator: EmulatorServer) -> None:
    browser = requests.Session()
    form = _follow_to_form(browser, _authorize(browser, logto_emulator.url))
    again = _sign_in(browser, form, "demo", "not-the-password")
    assert again.status_code == 200
    assert 'role="alert"' in again.text or "role='alert'" in again.text
    assert "Incorrect account or password" in again.text


def test_cancel_redirects_back_with_access_denied(logto_emulator: EmulatorServer) -> None:
    browser = requests.Session()
    form = _follow_to_form(browser, _authorize(browser, logto_emulator.url))
    response = browser.post(
        _form_action(form.text), data={"action": "cancel"}, allow_redirects=False, timeout=5
    )
    assert response.status_code == 303
    query = _query(response.headers["Location"])
    assert query["error"] == "access_denied" and query["state"] == "st-1"


def test_existing_session_skips_the_form_but_prompt_login_forces_it(
    logto_emulator: EmulatorServer,
) -> None:
    browser = requests.Session()
    first = _verify_id_token(logto_emulator, _full_sign_in(logto_emulator, browser)["id_token"])

    silent = _authorize(browser, logto_emulator.url)
    assert silent.status_code == 303 and silent.headers["Location"].startswith(REDIRECT_URI)

    _age_sign_ins(logto_emulator, seconds=5)  # auth_time has a one-second resolution
    forced = _authorize(browser, logto_emulator.url, nonce="n-2", extra={"prompt": "login"})
    form = _follow_to_form(browser, forced)
    done = _sign_in(browser, form, "demo", DEMO_USER.password)
    tokens = _exchange(logto_emulator.url, _query(done.headers["Location"])["code"]).json()
    second = _verify_id_token(logto_emulator, tokens["id_token"], nonce="n-2")
    assert second["auth_time"] >= first["auth_time"]  # signed in anew, not the aged sign-in
    assert second["sid"] == first["sid"]  # same session, so the same sid


def test_max_age_forces_the_form_when_sign_in_is_older(logto_emulator: EmulatorServer) -> None:
    browser = requests.Session()
    _full_sign_in(logto_emulator, browser)
    _age_sign_ins(logto_emulator, seconds=5)
    response = _authorize(browser, logto_emulator.url, extra={"max_age": "0"})
    assert "/oidc/interaction/" in response.headers["Location"]


def test_prompt_none_without_session_redirects_login_required(
    logto_emulator: EmulatorServer,
) -> None:
    response = _authorize(requests.Session(), logto_emulator.url, extra={"prompt": "none"})
    assert _query(response.headers["Location"])["error"] == "login_required"


def test_unregistered_redirect_uri_gets_an_error_page_not_a_redirect(
    logto_emulator: EmulatorServer,
) -> None:
    response = _authorize(
        requests.Session(), logto_emulator.url, extra={"redirect_uri": "https://evil.example/cb"}
    )
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert "redirect_uri" in response.text


def test_unknown_client_gets_an_error_page(logto_emulator: EmulatorServer) -> None:
    response = _authorize(requests.Session(), logto_emulator.url, extra={"client_id": "nope"})
    assert response.status_code == 400 and "Location" not in response.headers


def test_token_refuses_secret_in_header_and_body(logto_emulator: EmulatorServer) -> None:
    response = requests.post(
        logto_emulator.url + "/oidc/token",
        auth=WEB_AUTH,
        data={
            "grant_type": "authorization_code",
            "code": "x",
            "redirect_uri": REDIRECT_URI,
            "client_secret": DEMO_CLIENTS.web_app_secret,
        },
        timeout=5,
    )
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"


def test_token_accepts_client_secret_post(logto_emulator: EmulatorServer) -> None:
    # Logto takes the secret in the body too: the client is authenticated, then the bogus code fails.
    response = requests.post(
        logto_emulator.url + "/oidc/token",
        data={
            "grant_type": "authorization_code",
            "code": "x",
            "redirect_uri": REDIRECT_URI,
            "client_id": DEMO_CLIENTS.web_app_id,
            "client_secret": DEMO_CLIENTS.web_app_secret,
        },
        timeout=5,
    )
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_token_with_a_wrong_secret_is_401_invalid_client(logto_emulator: EmulatorServer) -> None:
    response = requests.post(
        logto_emulator.url + "/oidc/token",
        auth=("demo-web-app", "wrong"),
        data={"grant_type": "client_credentials"},
        timeout=5,
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_token_for_an_unknown_client_is_400_invalid_client(logto_emulator: EmulatorServer) -> None:
    response = requests.post(
        logto_emulator.url + "/oidc/token",
        auth=("nobody", "x"),
        data={"grant_type": "client_credentials"},
        timeout=5,
    )
    assert response.status_code == 400
    assert response.json()["error_description"] == "invalid client nobody"


def test_client_credentials_for_the_management_api(logto_emulator: EmulatorServer) -> None:
    response = requests.post(
        logto_emulator.url + "/oidc/token",
        auth=(DEMO_CLIENTS.m2m_app_id, DEMO_CLIENTS.m2m_app_secret),
        data={
            "grant_type": "client_credentials",
            "resource": "https://default.logto.app/api",
            "scope": "all",
        },
        timeout=5,
    )
    body = response.json()
    assert response.status_code == 200
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600 and body["scope"] == "all"
    assert logto_emulator.state.m2m_tokens_issued == 1
    wrong_resource = requests.post(
        logto_emulator.url + "/oidc/token",
        auth=(DEMO_CLIENTS.m2m_app_id, DEMO_CLIENTS.m2m_app_secret),
        data={"grant_type": "client_credentials", "resource": "https://other/api", "scope": "all"},
        timeout=5,
    )
    assert wrong_resource.status_code == 400 and wrong_resource.json()["error"] == "invalid_target"


def test_userinfo_refuses_a_bad_token(logto_emulator: EmulatorServer) -> None:
    response = requests.get(
        logto_emulator.url + "/oidc/me", headers={"Authorization": "Bearer nope"}, timeout=5
    )
    assert response.status_code == 401 and response.json()["error"] == "invalid_token"


def test_end_session_redirects_to_registered_uri_and_ends_the_session(
    logto_emulator: EmulatorServer,
) -> None:
    browser = requests.Session()
    tokens = _full_sign_in(logto_emulator, browser)
    response = browser.get(
        logto_emulator.url + "/oidc/session/end",
        params={
            "id_token_hint": tokens["id_token"],
            "post_logout_redirect_uri": "http://127.0.0.1:8000/",
            "state": "bye",
        },
        allow_redirects=False,
        timeout=5,
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "http://127.0.0.1:8000/?state=bye"
    assert logto_emulator.state.sessions == {}
    # Signed out: the next authorization asks for credentials again.
    assert "/oidc/interaction/" in _authorize(browser, logto_emulator.url).headers["Location"]


def test_end_session_refuses_an_unregistered_post_logout_uri(
    logto_emulator: EmulatorServer,
) -> None:
    response = requests.get(
        logto_emulator.url + "/oidc/session/end",
        params={
            "client_id": DEMO_CLIENTS.web_app_id,
            "post_logout_redirect_uri": "https://evil.example/",
        },
        allow_redirects=False,
        timeout=5,
    )
    assert response.status_code == 400 and "Location" not in response.headers


def test_end_session_without_redirect_shows_signed_out(logto_emulator: EmulatorServer) -> None:
    response = requests.get(logto_emulator.url + "/oidc/session/end", timeout=5)
    assert response.status_code == 200 and "Signed out" in response.text


def test_totp_user_is_asked_for_a_code_after_the_password(logto_emulator: EmulatorServer) -> None:
    user = logto_emulator.state.find_user_by("username", "demo")
    assert user is not None
    secret = pyotp.random_base32()
    user["_mfa"].append(
        {"id": "totp1", "type": "Totp", "secret": secret, "createdAt": "2024-01-01T00:00:00.000Z"}
    )
    browser = requests.Session()
    form = _follow_to_form(browser, _authorize(browser, logto_emulator.url))
    step = _sign_in(browser, form, "demo", DEMO_USER.password)
    assert step.status_code == 200 and '<label for="totp">' in step.text
    bad = browser.post(
        _form_action(step.text),
        data={"totp": "000000", "action": "verify_totp"},
        allow_redirects=False,
        timeout=5,
    )
    assert bad.status_code == 200 and "Invalid verification code" in bad.text
    good = browser.post(
        _form_action(step.text),
        data={"totp": pyotp.TOTP(secret).now(), "action": "verify_totp"},
        allow_redirects=False,
        timeout=5,
    )
    assert good.status_code == 303 and "code=" in good.headers["Location"]


def test_suspended_user_cannot_sign_in(logto_emulator: EmulatorServer) -> None:
    user = logto_emulator.state.find_user_by("username", "demo")
    assert user is not None
    user["isSuspended"] = True
    browser = requests.Session()
    form = _follow_to_form(browser, _authorize(browser, logto_emulator.url))
    assert "suspended" in _sign_in(browser, form, "demo", DEMO_USER.password).text


def test_extended_claims_in_the_id_token_only_when_the_tenant_enables_them(
    logto_emulator: EmulatorServer,
) -> None:
    logto_emulator.state.extended_id_token_claims = {"custom_data", "identities", "sso_identities"}
    give_sso_identity(logto_emulator.state, "demo")
    user = logto_emulator.state.find_user_by("username", "demo")
    assert user is not None
    user["customData"] = {"theme": "dark"}
    user["profile"] = {"givenName": "Demo", "address": {"country": "NL"}}
    claims = _verify_id_token(
        logto_emulator, _full_sign_in(logto_emulator, requests.Session())["id_token"]
    )
    assert claims["custom_data"] == {"theme": "dark"}
    assert (
        claims["identities"] == {}
        and claims["sso_identities"][0]["identityId"] == "demo-sso-subject"
    )
    assert claims["given_name"] == "Demo" and claims["preferred_username"] == "demo"
    assert "address" not in claims  # the address scope was not requested


def test_a_backup_code_works_once_as_second_factor(logto_emulator: EmulatorServer) -> None:
    user = logto_emulator.state.find_user_by("username", "demo")
    assert user is not None
    user["_mfa"] += [
        {
            "id": "totp1",
            "type": "Totp",
            "secret": pyotp.random_base32(),
            "createdAt": "2024-01-01T00:00:00.000Z",
        },
        {
            "id": "bc1",
            "type": "BackupCode",
            "codes": [{"code": "0123456789", "usedAt": None}],
            "createdAt": "2024-01-01T00:00:00.000Z",
        },
    ]
    for expected in (303, 200):
        browser = requests.Session()
        step = _sign_in(
            browser,
            _follow_to_form(browser, _authorize(browser, logto_emulator.url)),
            "demo",
            DEMO_USER.password,
        )
        answer = browser.post(
            _form_action(step.text),
            data={"totp": "0123456789", "action": "verify_totp"},
            allow_redirects=False,
            timeout=5,
        )
        assert answer.status_code == expected
