"""Issue 21 ("Account center IV") on a real Logto: connected apps, organizations, support's
"view as" with Logto's impersonation, and remembered devices.

Each journey makes what it needs in the lab's tenant through the Management API (a third-party
application, an organization and its role, the web app's token-exchange switch) and takes it
away afterwards, whatever happened.
"""

from __future__ import annotations

import os
import re
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from account_center.logto.client import LogtoClient
from account_center.logto.errors import LogtoNotFound
from tests.helpers import confirm_with_password, sign_in

from .conftest import DemoServer, DemoServers, E2EUser
from .helpers import E2E_ENDPOINT, STEP_UP_DIALOG, sign_in_at_logto

pytestmark = pytest.mark.real_logto

APP_ID = os.environ.get("LOGTO_E2E_APP_ID", "")
# Where the third-party app says it lives: nothing listens there, the browser's request is
# answered by the test (the code is read from its URL).
THIRD_PARTY_CALLBACK = "http://127.0.0.1:8765/callback"


def grants_of(client: LogtoClient, user_id: str) -> list[dict]:
    return client._request("GET", f"/api/users/{user_id}/grants")["grants"]


# --------------------------------------------------------------------------- connected apps


@dataclass(frozen=True)
class ThirdPartyApp:
    id: str
    name: str


@pytest.fixture
def third_party_app(logto_admin: LogtoClient) -> Iterator[ThirdPartyApp]:
    """A third-party Traditional web app in the lab's tenant, deleted afterwards."""
    name = f"E2E Partner {secrets.token_hex(3)}"
    app = logto_admin._request(
        "POST",
        "/api/applications",
        json={
            "name": name,
            "type": "Traditional",
            "isThirdParty": True,
            "oidcClientMetadata": {
                "redirectUris": [THIRD_PARTY_CALLBACK],
                "postLogoutRedirectUris": [],
            },
        },
    )
    try:
        # A third-party app may ask only for the user scopes the tenant lets it ask for (else
        # Logto redirects back with invalid_scope): the console's "Permissions" tab.
        logto_admin._request(
            "POST",
            f"/api/applications/{app['id']}/user-consent-scopes",
            json={"userScopes": ["profile"]},
        )
        yield ThirdPartyApp(app["id"], name)
    finally:
        try:
            logto_admin._request("DELETE", f"/api/applications/{app['id']}")
        except LogtoNotFound:
            pass


class _Callback(BaseHTTPRequestHandler):
    queries: list[dict[str, list[str]]]

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        url = urlsplit(self.path)
        if url.path == urlsplit(THIRD_PARTY_CALLBACK).path:  # not the browser's favicon
            self.queries.append(parse_qs(url.query))
        body = b"partner app"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def partner_callback() -> Iterator[list[dict[str, list[str]]]]:
    """The third-party app's redirect URI, answered: the queries Logto redirected with.
    (Playwright's routes do not see the hops of a redirect, so a real listener.)"""
    queries: list[dict[str, list[str]]] = []
    handler = type("Callback", (_Callback,), {"queries": queries})
    address = urlsplit(THIRD_PARTY_CALLBACK)
    server = HTTPServer((address.hostname or "", address.port or 80), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield queries
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def authorise_at_logto(
    page: Page, app: ThirdPartyApp, callback: list[dict[str, list[str]]]
) -> str:
    """The user (signed in at Logto in this browser) allows ``app`` on Logto's consent page;
    answers the authorization code Logto redirected with."""
    query = urlencode(
        {
            "client_id": app.id,
            "redirect_uri": THIRD_PARTY_CALLBACK,
            "response_type": "code",
            "scope": "openid profile",
            "state": secrets.token_urlsafe(8),
        }
    )
    page.goto(f"{E2E_ENDPOINT}/oidc/auth?{query}")
    # A third-party app is always asked for: Logto's consent page names it.
    page.wait_for_url(re.compile(re.escape(E2E_ENDPOINT) + r"/consent"))
    expect(page.get_by_text(app.name).first).to_be_visible()
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{THIRD_PARTY_CALLBACK}**")
    (answer,) = callback
    assert "code" in answer, f"Logto redirected without a code: {answer}"
    return answer["code"][0]


def test_connected_app_is_listed_and_its_access_removed_at_logto(
    page: Page,
    demo: str,
    e2e_user: E2EUser,
    logto_admin: LogtoClient,
    third_party_app: ThirdPartyApp,
    partner_callback: list[dict[str, list[str]]],
) -> None:
    sign_in(page, demo, e2e_user, fill=sign_in_at_logto)
    authorise_at_logto(page, third_party_app, partner_callback)
    (granted,) = [
        g for g in grants_of(logto_admin, e2e_user.id) if g["application"]["id"] == third_party_app.id
    ]

    page.goto(f"{demo}/account/apps/")
    section = page.locator("#ac-apps")
    row = section.locator(".ac-list > li", has_text=third_party_app.name)
    expect(row).to_have_count(1)
    expect(row.get_by_text("Sign you in with your account")).to_be_visible()
    # The demo's own web app holds a grant too (the user signed in with it): never offered.
    web_app = logto_admin._request("GET", f"/api/applications/{APP_ID}")["name"]
    assert any(g["application"]["id"] == APP_ID for g in grants_of(logto_admin, e2e_user.id))
    expect(section.get_by_text(web_app)).to_have_count(0)
    expect(section.locator(".ac-list > li")).to_have_count(1)

    row.get_by_role("button", name=f"Remove access of {third_party_app.name}").click()
    section.get_by_role("button", name="Yes, remove access").click()
    confirm_with_password(page.locator(STEP_UP_DIALOG), e2e_user.password)
    expect(
        section.get_by_text(f"“{third_party_app.name}” no longer has access to your account.")
    ).to_be_visible()
    expect(section.get_by_text("No app of another company has access to your account.")).to_be_visible()
    remaining = {g["id"] for g in grants_of(logto_admin, e2e_user.id)}
    assert granted["id"] not in remaining
    # Only that grant: the user's own sign-in to this site is untouched.
    assert any(g["application"]["id"] == APP_ID for g in grants_of(logto_admin, e2e_user.id))


# --------------------------------------------------------------------------- organizations


@dataclass(frozen=True)
class Membership:
    organization: str
    role: str


@pytest.fixture
def membership(logto_admin: LogtoClient, e2e_user: E2EUser) -> Iterator[Membership]:
    """An organization and an organization role, the user a member with that role; both
    deleted afterwards (the membership goes with the organization)."""
    suffix = secrets.token_hex(3)
    organization = logto_admin._request(
        "POST", "/api/organizations", json={"name": f"E2E Org {suffix}"}
    )
    try:
        role = logto_admin._request(
            "POST", "/api/organization-roles", json={"name": f"e2e-reviewer-{suffix}"}
        )
        try:
            org_path = f"/api/organizations/{organization['id']}"
            logto_admin._request("POST", f"{org_path}/users", json={"userIds": [e2e_user.id]})
            logto_admin._request(
                "POST",
                f"{org_path}/users/roles",
                json={"userIds": [e2e_user.id], "organizationRoleIds": [role["id"]]},
            )
            yield Membership(organization["name"], role["name"])
        finally:
            logto_admin._request("DELETE", f"/api/organization-roles/{role['id']}")
    finally:
        logto_admin._request("DELETE", f"/api/organizations/{organization['id']}")


def test_overview_shows_the_organization_and_the_role_there(
    page: Page, demo: str, e2e_user: E2EUser, logto_admin: LogtoClient, membership: Membership
) -> None:
    sign_in(page, demo, e2e_user, fill=sign_in_at_logto)
    card = page.locator("section.ac-card", has=page.get_by_role("heading", name="Organizations"))
    item = card.locator("li", has_text=membership.organization)
    expect(item).to_have_count(1)
    expect(item.locator("dd")).to_have_text(membership.role)
    expect(card.get_by_text("You don't belong to any organization.")).to_have_count(0)


# --------------------------------------------------------------------------- remembered devices


def test_remembered_devices_on_a_production_build_say_so_in_a_sentence(
    page: Page, demo: str, e2e_user: E2EUser, logto_admin: LogtoClient
) -> None:
    # The lab is a production build: Logto keeps these routes behind its development features.
    with pytest.raises(LogtoNotFound) as answer:
        logto_admin._request("GET", f"/api/users/{e2e_user.id}/trusted-devices")
    assert not answer.value.code
    sign_in(page, demo, e2e_user, fill=sign_in_at_logto)
    response = page.goto(f"{demo}/account/remembered-devices/")
    assert response is not None and response.status == 200
    section = page.locator("#ac-trusted-devices")
    expect(
        section.get_by_text("Remembered devices are not available on this sign-in service")
    ).to_be_visible()
    expect(section.locator(".ac-list")).to_have_count(0)
    expect(section.get_by_text("No device is remembered")).to_have_count(0)
    expect(section.get_by_role("button", name="Forget all devices")).to_have_count(0)
