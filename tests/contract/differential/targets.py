"""The two kinds of Logto the differential sequence runs against: the emulator and a real one."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import requests

RESOURCE = os.environ.get("LOGTO_CONTRACT_RESOURCE", "https://default.logto.app/api")
REDIRECT_URI = "http://127.0.0.1:8000/account/oidc/callback/"
# Logto's mock connectors (packages/connectors/connector-mock-*), as a real Logto names them.
MOCK_CONNECTORS = {
    "email": "mock-email-service",
    "sms": "mock-short-message-service",
    "social": "mock-social-connector",
}
_TEMPLATE_USAGES = ("SignIn", "Register", "ForgotPassword", "Generic", "BindNewIdentifier")
MOCK_CONFIGS = {
    "mock-email-service": {
        "apiKey": "diff",
        "fromEmail": "noreply@diff.invalid",
        "fromName": "Diff",
        "templates": [
            {"usageType": u, "type": "text/plain", "subject": u, "content": "{{code}}"}
            for u in _TEMPLATE_USAGES
        ],
    },
    "mock-short-message-service": {
        "accountSID": "diff",
        "authToken": "diff",
        "fromMessagingServiceSID": "diff",
        "templates": [{"usageType": u, "content": "{{code}}"} for u in _TEMPLATE_USAGES],
    },
    "mock-social-connector": {"clientId": "diff", "clientSecret": "diff"},
}


def _m2m_session(endpoint: str, app_id: str, secret: str) -> requests.Session:
    answer = requests.post(
        f"{endpoint}/oidc/token",
        data={"grant_type": "client_credentials", "resource": RESOURCE, "scope": "all"},
        auth=(app_id, secret),
        timeout=20,
    )
    answer.raise_for_status()
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
    return session


# What the account center asks for (ACCOUNT-API.md): the Account API reads the scopes.
ACCOUNT_SCOPES = (
    "openid profile email phone identities custom_data offline_access urn:logto:scope:sessions"
)


def _authorization_request(
    http: requests.Session, endpoint: str, app_id: str, scope: str = "openid profile"
) -> tuple[str, str]:
    """Start a code flow as the web app; the URL Logto sends the browser to, and the PKCE
    verifier."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    params = {
        "client_id": app_id,
        "redirect_uri": REDIRECT_URI,
        "response_type": "code",
        "scope": scope,
        "state": secrets.token_urlsafe(8),
        "code_challenge": challenge.decode(),
        "code_challenge_method": "S256",
        "prompt": "login consent",
    }
    answer = http.get(
        f"{endpoint}/oidc/auth?{urlencode(params)}", allow_redirects=False, timeout=20
    )
    assert answer.status_code in (302, 303), answer.status_code
    return urljoin(f"{endpoint}/", answer.headers["location"]), verifier


def _exchange(endpoint: str, app_id: str, secret: str, callback: str, verifier: str) -> str:
    """The user's own access token for the code in ``callback`` (no ``resource``: opaque)."""
    code = parse_qs(urlsplit(callback).query)["code"][0]
    answer = requests.post(
        f"{endpoint}/oidc/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "code_verifier": verifier,
        },
        auth=(app_id, secret),
        timeout=20,
    )
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def _follow_to_callback(http: requests.Session, endpoint: str, location: str) -> str:
    for _ in range(15):
        if location.startswith(REDIRECT_URI):
            assert "code" in parse_qs(urlsplit(location).query), location
            return location
        answer = http.get(urljoin(f"{endpoint}/", location), allow_redirects=False, timeout=20)
        assert answer.status_code in (302, 303), (answer.status_code, location)
        location = answer.headers["location"]
    raise AssertionError(f"no authorization code, stopped at {location}")


class EmulatorTarget:
    """The emulator on a loopback port, its connectors switched through its state."""

    def __init__(self, server: object) -> None:
        from logto_emulator.seed import DEMO_CLIENTS

        self.server = server
        self.state = server.state  # type: ignore[attr-defined]
        self.endpoint = server.url  # type: ignore[attr-defined]
        self.state.register_redirect_uri(REDIRECT_URI)
        self.app_id = DEMO_CLIENTS.web_app_id
        self.api = _m2m_session(self.endpoint, DEMO_CLIENTS.m2m_app_id, DEMO_CLIENTS.m2m_app_secret)

    def connectors(self, on: bool) -> dict[str, str]:
        self.state.set_connectors(on)
        return {kind: self.state.connector_id(kind) for kind in MOCK_CONNECTORS} if on else {}

    def sign_in(
        self, username: str, password: str, scope: str = "openid profile"
    ) -> tuple[str, str]:
        """Sign in at the web app; the callback URL and the PKCE verifier."""
        http = requests.Session()
        url, verifier = _authorization_request(http, self.endpoint, self.app_id, scope)
        form_page = http.get(url, timeout=20)
        action = re.search(r'<form method="post" action="([^"]+)"', form_page.text)
        assert action, form_page.text
        answer = http.post(
            action.group(1),
            data={"identifier": username, "password": password, "action": "sign_in"},
            allow_redirects=False,
            timeout=20,
        )
        return _follow_to_callback(http, self.endpoint, answer.headers["location"]), verifier

    def user_token(self, username: str, password: str) -> str:
        from logto_emulator.seed import DEMO_CLIENTS

        callback, verifier = self.sign_in(username, password, ACCOUNT_SCOPES)
        return _exchange(
            self.endpoint, self.app_id, DEMO_CLIENTS.web_app_secret, callback, verifier
        )


class RealTarget:
    """A real Logto: ``LOGTO_CONTRACT_*`` for the Management API, ``LOGTO_E2E_APP_*`` (a
    Traditional web app with :data:`REDIRECT_URI`) for the sign-in; connectors made through the
    Management API."""

    def __init__(self) -> None:
        self.endpoint = os.environ["LOGTO_CONTRACT_ENDPOINT"].rstrip("/")
        self.api = _m2m_session(
            self.endpoint,
            os.environ["LOGTO_CONTRACT_M2M_APP_ID"],
            os.environ["LOGTO_CONTRACT_M2M_APP_SECRET"],
        )
        self.app_id = os.environ.get("LOGTO_E2E_APP_ID", "")

    def connectors(self, on: bool) -> dict[str, str]:
        url = f"{self.endpoint}/api/connectors"
        existing = self.api.get(url, timeout=20).json()
        for connector in existing:  # start from a known state: only the mock connectors
            self.api.delete(f"{url}/{connector['id']}", timeout=20).raise_for_status()
        if not on:
            return {}
        ids = {}
        for kind, factory in MOCK_CONNECTORS.items():
            made = self.api.post(
                url, json={"connectorId": factory, "config": MOCK_CONFIGS[factory]}, timeout=20
            )
            made.raise_for_status()
            ids[kind] = made.json()["id"]
        return ids

    def sign_in(
        self, username: str, password: str, scope: str = "openid profile"
    ) -> tuple[str, str]:
        """Through Logto's Experience API, as its sign-in page does; the callback URL and the
        PKCE verifier."""
        http = requests.Session()
        _, verifier = _authorization_request(http, self.endpoint, self.app_id, scope)
        headers = {"Logto-App-Id": self.app_id}

        def call(method: str, path: str, body: dict[str, object]) -> dict[str, object]:
            answer = http.request(
                method, f"{self.endpoint}/api/experience{path}", json=body, headers=headers
            )
            assert answer.ok, (path, answer.status_code, answer.text)
            return answer.json() if answer.content else {}

        call("PUT", "", {"interactionEvent": "SignIn"})
        verification = call(
            "POST",
            "/verification/password",
            {"identifier": {"type": "username", "value": username}, "password": password},
        )
        call("POST", "/identification", {"verificationId": verification["verificationId"]})
        location = str(call("POST", "/submit", {})["redirectTo"])
        return _follow_to_callback(http, self.endpoint, location), verifier

    def user_token(self, username: str, password: str) -> str:
        callback, verifier = self.sign_in(username, password, ACCOUNT_SCOPES)
        return _exchange(
            self.endpoint, self.app_id, os.environ["LOGTO_E2E_APP_SECRET"], callback, verifier
        )


def real_configured() -> bool:
    return all(
        os.environ.get(name)
        for name in (
            "LOGTO_CONTRACT_ENDPOINT",
            "LOGTO_CONTRACT_M2M_APP_ID",
            "LOGTO_CONTRACT_M2M_APP_SECRET",
            "LOGTO_E2E_APP_ID",
            "LOGTO_E2E_APP_SECRET",
        )
    )


@contextmanager
def emulator() -> Iterator[EmulatorTarget]:
    from logto_emulator.seed import demo_state
    from logto_emulator.server import EmulatorServer

    with EmulatorServer(demo_state()) as server:
        target = EmulatorTarget(server)
        yield target
        target.api.close()
