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
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pyotp
import pytest
from playwright.sync_api import Browser, Page, Route, expect

from account_center.logto.client import LogtoClient
from account_center.logto.errors import LogtoNotFound
from tests.helpers import confirm_with_password, sign_in

from .conftest import DemoServer, DemoServers, E2EUser
from .helpers import E2E_ENDPOINT, OVERVIEW, STEP_UP_DIALOG, sign_in_at_logto

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
    try:
        logto_admin._request("GET", f"/api/users/{e2e_user.id}/trusted-devices")
    except LogtoNotFound as error:
        assert not error.code
    else:
        pytest.skip("this Logto has its development features on: devices are remembered")
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


# --------------------------------------------------------------------------- support's view as

# Run by the demo's own manage.py (its database): a support member as docs/admin.md has one (the
# users' admin pages to read, and the view-as permission), and the pk of the user's link (made by
# the user's first sign-in).
ADD_SUPPORT = """
import os
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
staff = get_user_model().objects.create_user(
    os.environ["E2E_STAFF"], password=os.environ["E2E_STAFF_PASSWORD"], is_staff=True
)
staff.user_permissions.add(
    *Permission.objects.filter(codename__in=["view_as_logto_user", "view_logtoidentity"])
)
"""
LINK_OF = """
import os
from account_center.models import LogtoIdentity
print(LogtoIdentity.objects.get(sub=os.environ["E2E_SUB"]).pk)
"""
REFUSED = "nothing can be changed while viewing as someone"


@pytest.fixture
def tokens_demo(demo_servers: DemoServers) -> DemoServer:
    """The demo on the gateway "auto" keeping the user's own tokens, started afresh (a running
    one keeps the tenant's account-center settings it read before): with the tenant's account
    center disabled, the lab's default, its pages read as with the Management API."""
    demo_servers.close()
    return demo_servers.serve("tests.real_logto.demo_settings_user_tokens")


@pytest.fixture
def token_exchange_on(logto_admin: LogtoClient) -> Iterator[None]:
    """The web app's "token exchange" switch on (the console's app page; Logto adds the
    token-exchange grant type to the client only then); the lab's setting back afterwards."""
    path = f"/api/applications/{APP_ID}"
    before = logto_admin._request("GET", path)["customClientMetadata"]
    logto_admin._request(
        "PATCH", path, json={"customClientMetadata": {**before, "allowTokenExchange": True}}
    )
    try:
        yield
    finally:
        logto_admin._request("PATCH", path, json={"customClientMetadata": before})


def web_app_grants(client: LogtoClient, user_id: str) -> set[str]:
    return {g["id"] for g in grants_of(client, user_id) if g["application"]["id"] == APP_ID}


def start_view_as(browser: Browser, server: DemoServer, user: E2EUser) -> Page:
    """Support signs in to the admin (another browser) and views ``user``'s account, with a
    reason; answers the support's page, on the user's overview."""
    staff, staff_password = f"support_{secrets.token_hex(3)}", secrets.token_urlsafe(16)
    server.manage(
        "shell", "-v0", "-c", ADD_SUPPORT, env={"E2E_STAFF": staff, "E2E_STAFF_PASSWORD": staff_password}
    )
    # The last line: Django's shell may say first what it imported.
    link = server.manage("shell", "-v0", "-c", LINK_OF, env={"E2E_SUB": user.id}).split()[-1]
    admin = browser.new_context().new_page()
    admin.goto(f"{server.url}/admin/account_center/logtoidentity/{link}/change/")
    admin.get_by_label("Username").fill(staff)
    admin.get_by_label("Password").fill(staff_password)
    admin.get_by_role("button", name="Log in").click()
    admin.get_by_role("link", name="View as this user").click()
    admin.get_by_label("Why do you need to view this account?").fill("Ticket 21: MFA help")
    admin.get_by_role("button", name="View as this user").click()
    admin.wait_for_url(f"{server.url}/account/")
    return admin


def refused_and_ended(admin: Page, server: DemoServer, user: E2EUser, logto: LogtoClient) -> None:
    """The viewed overview, a change refused in words (nothing reaches Logto), and the way back."""
    banner = admin.get_by_role("region", name="Viewing as this user")
    expect(banner.get_by_text("You are viewing this account as support")).to_be_visible()
    expect(admin.get_by_role("heading", level=1, name="E2E Person")).to_be_visible()

    admin.goto(f"{server.url}/account/profile/")
    admin.get_by_role("link", name="Edit profile").click()
    admin.get_by_label("Name", exact=True).fill("Changed By Support")
    admin.get_by_role("button", name="Save").click()
    expect(admin.get_by_role("alert").filter(has_text=REFUSED)).to_be_visible()
    assert logto.get_user(user.id).name == "E2E Person"

    banner.get_by_role("button", name="Stop viewing and go back").click()
    admin.wait_for_url(re.compile(r".*/admin/login/\?next=.*"))
    expect(admin.get_by_text("You stopped viewing the account.")).to_be_visible()
    admin.context.close()


def test_view_as_where_the_tenant_allows_no_token_exchange_is_django_only_and_says_so(
    page: Page,
    browser: Browser,
    fresh_tokens_demo: DemoServer,
    e2e_user: E2EUser,
    logto_admin: LogtoClient,
) -> None:
    tokens_demo = fresh_tokens_demo  # the pages read with the user's token: Logto is asked
    app = logto_admin._request("GET", f"/api/applications/{APP_ID}")
    assert not app["customClientMetadata"].get("allowTokenExchange")  # the lab's default
    sign_in(page, tokens_demo.url, e2e_user, fill=sign_in_at_logto)  # links the user
    before = web_app_grants(logto_admin, e2e_user.id)

    admin = start_view_as(browser, tokens_demo, e2e_user)

    expect(admin.get_by_text("the console's token exchange switch is off")).to_be_visible()
    assert web_app_grants(logto_admin, e2e_user.id) == before
    refused_and_ended(admin, tokens_demo, e2e_user, logto_admin)
    page.goto(f"{tokens_demo.url}/account/activity/")
    expect(page.get_by_text("Support viewed your account").first).to_be_visible()


def test_view_as_with_logtos_impersonation_leaves_no_grant_behind(
    page: Page,
    browser: Browser,
    fresh_tokens_demo: DemoServer,
    e2e_user: E2EUser,
    logto_admin: LogtoClient,
    token_exchange_on: None,
) -> None:
    tokens_demo = fresh_tokens_demo
    sign_in(page, tokens_demo.url, e2e_user, fill=sign_in_at_logto)
    before = web_app_grants(logto_admin, e2e_user.id)

    admin = start_view_as(browser, tokens_demo, e2e_user)

    # The subject token was exchanged: the web app holds one more grant of the user's, and the
    # page says nothing of a Django-only view.
    during = web_app_grants(logto_admin, e2e_user.id)
    assert len(during - before) == 1
    expect(admin.get_by_text("Django-only view")).to_have_count(0)
    refused_and_ended(admin, tokens_demo, e2e_user, logto_admin)
    assert web_app_grants(logto_admin, e2e_user.id) == before


def test_view_as_on_a_tenant_whose_account_center_is_disabled_asks_logto_for_no_token(
    page: Page,
    browser: Browser,
    tokens_demo: DemoServer,
    e2e_user: E2EUser,
    logto_admin: LogtoClient,
    token_exchange_on: None,
) -> None:
    """Even with the exchange allowed: the pages read through the Management API, so no subject
    token is made, and no grant is left for a token nothing would use."""
    sign_in(page, tokens_demo.url, e2e_user, fill=sign_in_at_logto)
    before = web_app_grants(logto_admin, e2e_user.id)

    admin = start_view_as(browser, tokens_demo, e2e_user)

    expect(admin.get_by_text("This site reads accounts with the Management API")).to_be_visible()
    assert web_app_grants(logto_admin, e2e_user.id) == before
    refused_and_ended(admin, tokens_demo, e2e_user, logto_admin)


ACCOUNT_FIELDS = ("name", "avatar", "profile", "customData", "username", "email", "phone",
                  "password", "social", "mfa", "session")


@pytest.fixture
def account_api_on(logto_admin: LogtoClient) -> Iterator[None]:
    """Logto's account center (the Account API) on, every field editable (docs/logto-console.md,
    section 6); the lab's settings back afterwards (PATCH replaces ``fields`` whole)."""
    before = logto_admin._request("GET", "/api/account-center")
    logto_admin._request(
        "PATCH",
        "/api/account-center",
        json={"enabled": True, "fields": dict.fromkeys(ACCOUNT_FIELDS, "Edit")},
    )
    try:
        yield
    finally:
        logto_admin._request(
            "PATCH",
            "/api/account-center",
            json={"enabled": before["enabled"], "fields": before["fields"]},
        )


def account_api_reads(log: Path, start: int) -> set[tuple[str, str]]:
    """The Account API reads the demo made after ``start`` in its log, and Logto's answers."""
    with log.open() as server_log:
        server_log.seek(start)
        return set(re.findall(r"Logto GET (/api/my-account\S*) -> (\d+)", server_log.read()))


@pytest.fixture
def fresh_tokens_demo(demo_servers: DemoServers, account_api_on: None) -> DemoServer:
    """The tokens demo started after the Account API was turned on: a running one keeps the
    tenant's account-center settings it read before (the tenant-wide read cache)."""
    demo_servers.close()
    return demo_servers.serve("tests.real_logto.demo_settings_user_tokens")


def test_view_as_reads_the_account_with_the_users_exchanged_token(
    page: Page,
    browser: Browser,
    fresh_tokens_demo: DemoServer,
    e2e_user: E2EUser,
    logto_admin: LogtoClient,
    token_exchange_on: None,
) -> None:
    tokens_demo = fresh_tokens_demo
    log = tokens_demo.workdir / "runserver.log"
    before_sign_in = log.stat().st_size
    sign_in(page, tokens_demo.url, e2e_user, fill=sign_in_at_logto)
    own = account_api_reads(log, before_sign_in)
    before_view = log.stat().st_size

    admin = start_view_as(browser, tokens_demo, e2e_user)

    # The overview as the user's own session reads it: through the Account API (which answers
    # only the user's own token), call for call and answer for answer, the token the exchange
    # gave standing for the user's. (Sessions are asked of neither: Logto lists them only after
    # the user confirmed it's them, which support never can.)
    expect(admin.get_by_role("heading", level=1, name="E2E Person")).to_be_visible()
    viewed = account_api_reads(log, before_view)
    assert ("/api/my-account", "200") in own
    assert viewed == own
    refused_and_ended(admin, tokens_demo, e2e_user, logto_admin)


# A 32-character base32 secret (whole groups of 8, as Logto wants; pyotp wants 112 bits or more).
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture
def remembering_devices(logto_admin: LogtoClient, e2e_user: E2EUser) -> Iterator[None]:
    """A Logto with its development features (else skipped): the user has an authenticator app,
    the sign-in experience asks for it and offers to remember the device; the lab's settings
    back afterwards."""
    try:
        logto_admin._request("GET", f"/api/users/{e2e_user.id}/trusted-devices")
    except LogtoNotFound as error:
        if error.code:
            raise
        pytest.skip("this Logto is a production build: no remembered devices")
    before = logto_admin._request("GET", "/api/sign-in-exp")
    logto_admin._request(
        "POST",
        f"/api/users/{e2e_user.id}/mfa-verifications",
        json={"type": "Totp", "secret": TOTP_SECRET},
    )
    logto_admin._request(
        "PATCH",
        "/api/sign-in-exp",
        json={
            "mfa": {**before["mfa"], "factors": ["Totp"], "policy": "PromptAtSignInAndSignUp"},
            "trustedDevice": {"enabled": True, "durationDays": 14},
        },
    )
    try:
        yield
    finally:
        # Logto sets adaptiveMfa to {"enabled": false} on any change of mfa: it comes back too.
        restore = {"mfa": before["mfa"], "adaptiveMfa": before.get("adaptiveMfa", {})}
        if "trustedDevice" in before:
            restore["trustedDevice"] = before["trustedDevice"]
        logto_admin._request("PATCH", "/api/sign-in-exp", json=restore)


def test_a_device_remembered_at_logto_is_listed_and_forgotten(
    page: Page, demo: str, e2e_user: E2EUser, logto_admin: LogtoClient, remembering_devices: None
) -> None:
    page.goto(f"{demo}/account/login/")
    sign_in_at_logto(page, e2e_user.username, e2e_user.password)
    page.wait_for_url(re.compile(re.escape(E2E_ENDPOINT) + r"/mfa-verification.*"))

    # Logto's sign-in app shows "Trust this device for 14 days" only when it was itself built
    # with the development features (a build-time switch; the lab's is a production bundle).
    # Ticked, it asks Logto to remember the device just before the sign-in is submitted: the
    # same call, made here from the browser's own session.
    def remember_this_device(route: Route) -> None:
        # With the submit's own headers: Logto finds the interaction by the app it names.
        headers = {
            name: value
            for name, value in route.request.headers.items()
            if name.lower() not in ("content-length", "content-type")
        }
        asked = page.context.request.post(
            f"{E2E_ENDPOINT}/api/experience/profile/mfa/trusted-device", headers=headers
        )
        remember_answers.append(asked.status)
        route.continue_()

    remember_answers: list[int] = []

    page.route(f"{E2E_ENDPOINT}/api/experience/submit", remember_this_device)
    first_box = page.locator("input[inputmode='numeric']").first
    first_box.click()
    page.keyboard.type(pyotp.TOTP(TOTP_SECRET).now())
    page.wait_for_url(OVERVIEW)
    assert remember_answers and remember_answers[0] < 300, remember_answers
    (remembered,) = logto_admin._request("GET", f"/api/users/{e2e_user.id}/trusted-devices")

    page.goto(f"{demo}/account/remembered-devices/")
    section = page.locator("#ac-trusted-devices")
    row = section.locator(".ac-list > li")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Chrome")
    row.get_by_role("button", name=re.compile(r"^Forget ")).click()
    section.get_by_role("button", name="Yes, forget it").click()
    confirm_with_password(page.locator(STEP_UP_DIALOG), e2e_user.password)
    expect(section.get_by_text("No device is remembered")).to_be_visible()
    assert logto_admin._request("GET", f"/api/users/{e2e_user.id}/trusted-devices") == []
    assert remembered["id"]
