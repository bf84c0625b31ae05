"""The two kinds of Logto the differential sequence runs against: the emulator and a real one."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
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


# The applications the sequence makes, by kind, named alike on every target.
APPLICATIONS: dict[str, dict[str, Any]] = {
    "third party": {
        "name": "Diff third-party app",
        "branding": {
            "displayName": "Diff third party",
            "branding": {"logoUrl": "https://example.com/diff-logo.png"},
        },
    },
    "token exchange": {"name": "Diff token exchange"},
}
ORGANIZATION = ("Diff organization", "The differential's organization")
ORGANIZATION_ROLE = ("diff-editor", "Can edit what the differential edits")

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


def _follow_to_callback(
    http: requests.Session, endpoint: str, location: str, app_id: str = ""
) -> str:
    for _ in range(15):
        if location.startswith(REDIRECT_URI):
            assert "code" in parse_qs(urlsplit(location).query), location
            return location
        if urlsplit(location).path == "/consent":
            # Logto's consent page for a third-party app: the user allows what it asks.
            answer = http.post(
                f"{endpoint}/api/interaction/consent",
                json={},
                headers={"Logto-App-Id": app_id},
                timeout=20,
            )
            assert answer.ok, (answer.status_code, answer.text)
            location = answer.json()["redirectTo"]
            continue
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

    def web_app(self) -> tuple[str, str]:
        from logto_emulator.seed import DEMO_CLIENTS

        return DEMO_CLIENTS.web_app_id, DEMO_CLIENTS.web_app_secret

    def application(self, kind: str) -> tuple[str, str]:
        """A new application of ``kind`` (:data:`APPLICATIONS`): its id and secret."""
        from logto_emulator.state import Application, generate_id

        made = self.state.add_application(
            Application(
                id=generate_id(21),
                secret=generate_id(32),
                type="Traditional",
                name=APPLICATIONS[kind]["name"],
                redirect_uris=[REDIRECT_URI],
                is_third_party=kind == "third party",
                allow_token_exchange=kind == "token exchange",
                sign_in_experience=APPLICATIONS[kind].get("branding"),
            )
        )
        return made.id, made.secret

    def organization(self, user_id: str, suffix: str) -> dict[str, str]:
        """An organization with ``user_id`` a member holding one role; their ids."""
        organization = self.state.add_organization(*ORGANIZATION)
        role = self.state.add_organization_role(f"{ORGANIZATION_ROLE[0]}-{suffix}", ORGANIZATION_ROLE[1])
        self.state.add_organization_member(organization["id"], user_id, [role["id"]])
        return {"org": organization["id"], "org_role": role["id"]}

    def cleanup(self) -> None:
        pass

    def sign_in(
        self, username: str, password: str, scope: str = "openid profile", app_id: str = ""
    ) -> tuple[str, str]:
        """Sign in at the web app (or ``app_id``); the callback URL and the PKCE verifier."""
        http = requests.Session()
        url, verifier = _authorization_request(http, self.endpoint, app_id or self.app_id, scope)
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
        self.made: list[str] = []  # what the sequence created, deleted at its end (paths)

    def web_app(self) -> tuple[str, str]:
        return self.app_id, os.environ["LOGTO_E2E_APP_SECRET"]

    def application(self, kind: str) -> tuple[str, str]:
        """A new application of ``kind`` (:data:`APPLICATIONS`), made with the Management API:
        its id and secret."""
        api = f"{self.endpoint}/api/applications"
        body: dict[str, object] = {
            "name": APPLICATIONS[kind]["name"],
            "type": "Traditional",
            "oidcClientMetadata": {"redirectUris": [REDIRECT_URI], "postLogoutRedirectUris": []},
        }
        if kind == "third party":
            body["isThirdParty"] = True
        if kind == "token exchange":
            body["customClientMetadata"] = {"allowTokenExchange": True}
        made = self.api.post(api, json=body, timeout=20)
        made.raise_for_status()
        app_id = made.json()["id"]
        self.made.append(f"/api/applications/{app_id}")
        if kind == "third party":
            # A third-party app may ask only the user scopes the tenant lets it (else
            # invalid_scope at /oidc/auth), and shows its branding on the consent page.
            self.api.post(
                f"{api}/{app_id}/user-consent-scopes",
                json={"userScopes": ["profile", "email"]},
                timeout=20,
            ).raise_for_status()
            self.api.put(
                f"{api}/{app_id}/sign-in-experience",
                json=APPLICATIONS[kind]["branding"],
                timeout=20,
            ).raise_for_status()
        # Logto's answer to the creation holds no secret: it is listed under /secrets.
        secrets_answer = self.api.get(f"{api}/{app_id}/secrets", timeout=20)
        secrets_answer.raise_for_status()
        return app_id, str(secrets_answer.json()[0]["value"])

    def organization(self, user_id: str, suffix: str) -> dict[str, str]:
        name, description = ORGANIZATION
        made = self.api.post(
            f"{self.endpoint}/api/organizations",
            json={"name": name, "description": description},
            timeout=20,
        )
        made.raise_for_status()
        organization = made.json()["id"]
        self.made.append(f"/api/organizations/{organization}")
        made = self.api.post(
            f"{self.endpoint}/api/organization-roles",
            json={"name": f"{ORGANIZATION_ROLE[0]}-{suffix}", "description": ORGANIZATION_ROLE[1]},
            timeout=20,
        )
        made.raise_for_status()
        role = made.json()["id"]
        self.made.append(f"/api/organization-roles/{role}")
        base = f"{self.endpoint}/api/organizations/{organization}/users"
        self.api.post(base, json={"userIds": [user_id]}, timeout=20).raise_for_status()
        self.api.post(
            f"{base}/{user_id}/roles", json={"organizationRoleIds": [role]}, timeout=20
        ).raise_for_status()
        return {"org": organization, "org_role": role}

    def cleanup(self) -> None:
        for path in reversed(self.made):
            self.api.delete(f"{self.endpoint}{path}", timeout=20)
        self.made.clear()

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
        self, username: str, password: str, scope: str = "openid profile", app_id: str = ""
    ) -> tuple[str, str]:
        """Through Logto's Experience API, as its sign-in page does, at the web app (or
        ``app_id``, consenting for a third-party one); the callback URL and the PKCE verifier."""
        app_id = app_id or self.app_id
        http = requests.Session()
        _, verifier = _authorization_request(http, self.endpoint, app_id, scope)
        headers = {"Logto-App-Id": app_id}

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
        return _follow_to_callback(http, self.endpoint, location, app_id), verifier

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
