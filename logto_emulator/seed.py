"""Fixed demo data: the demo's applications and a demo user, so a fresh emulator is usable at once."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

from logto_emulator.state import Application, EmulatorState


@dataclass(frozen=True)
class DemoClients:
    web_app_id: str
    web_app_secret: str
    m2m_app_id: str
    m2m_app_secret: str


# Fixed, public, demo-only values: they protect nothing.
DEMO_CLIENTS = DemoClients(
    web_app_id="demo-web-app",
    web_app_secret="demo-web-app-secret-not-for-production",
    m2m_app_id="demo-m2m-app",
    m2m_app_secret="demo-m2m-app-secret-not-for-production",
)
# A third-party application the demo user has authorised (the "connected apps" to remove).
DEMO_THIRD_PARTY_APP_ID = "demo-third-party-app"
DEMO_THIRD_PARTY_SCOPE = "openid profile email"
# The demo user's organization and role there (read-only in the account center).
DEMO_ORGANIZATION = ("Demo Organization", "The organization the demo user belongs to.")
DEMO_ORGANIZATION_ROLE = ("editor", "Can edit the organization's documents.")


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    primary_email: str
    name: str


DEMO_USER = DemoUser(
    username="demo",
    password="demo-password-2024",
    primary_email="demo@example.com",
    name="Demo User",
)
# A second account, so that "already used by another account" can be tried from the UI.
DEMO_USER_2 = DemoUser(
    username="demo2",
    password="demo2-password-2024",
    primary_email="demo2@example.com",
    name="Second Demo",
)


def seed(state: EmulatorState, *, port: int | None = None) -> EmulatorState:
    """Add the demo apps (redirect URIs for the demo on ``port``) and the demo users to ``state``."""
    if port is None:
        port = int(os.environ.get("DEMO_PORT", "8000"))
    hosts = ("127.0.0.1", "localhost")
    state.add_application(
        Application(
            id=DEMO_CLIENTS.web_app_id,
            secret=DEMO_CLIENTS.web_app_secret,
            type="Traditional",
            name="Account center demo",
            redirect_uris=[f"http://{h}:{port}/account/oidc/callback/" for h in hosts],
            post_logout_redirect_uris=[f"http://{h}:{port}/" for h in hosts],
        )
    )
    state.add_application(
        Application(
            id=DEMO_CLIENTS.m2m_app_id,
            secret=DEMO_CLIENTS.m2m_app_secret,
            type="MachineToMachine",
            name="Account center Management API access",
        )
    )
    state.add_application(
        Application(
            id=DEMO_THIRD_PARTY_APP_ID,
            secret="demo-third-party-secret-not-for-production",
            type="Traditional",
            name="Photo Prints",
            is_third_party=True,
            sign_in_experience={"displayName": "Photo Prints (demo)", "branding": {}},
        )
    )
    if state.find_user_by("username", DEMO_USER.username) is None:
        user = state.create_user(
            username=DEMO_USER.username,
            password=DEMO_USER.password,
            primary_email=DEMO_USER.primary_email,
            name=DEMO_USER.name,
        )
        _give_access(state, user["id"])
    if state.find_user_by("username", DEMO_USER_2.username) is None:
        state.create_user(
            username=DEMO_USER_2.username,
            password=DEMO_USER_2.password,
            primary_email=DEMO_USER_2.primary_email,
            name=DEMO_USER_2.name,
        )
    return state


def _give_access(state: EmulatorState, user_id: str) -> None:
    """The demo user's consent to the third-party app and membership of an organization."""
    state.add_grant(user_id, DEMO_THIRD_PARTY_APP_ID, DEMO_THIRD_PARTY_SCOPE)
    organization = state.add_organization(*DEMO_ORGANIZATION)
    role = state.add_organization_role(*DEMO_ORGANIZATION_ROLE)
    state.add_organization_member(organization["id"], user_id, [role["id"]])


# An enterprise SSO identity, for tests of the read-only "Organisation sign-in" section. Not
# seeded on the demo users: the emulator's sign-in cannot honour it, yet Logto's "keep a way to
# sign in" rule counts it (packages/core/src/utils/user.ts, getUserIdentifierCount), so a demo
# user holding it could remove every identifier it can actually sign in with.
DEMO_SSO_IDENTITY = {
    "tenantId": "default",
    "id": "demossoidentity1",
    "userId": "",
    "issuer": "https://sso.example.com",
    "identityId": "demo-sso-subject",
    "detail": {"email": DEMO_USER.primary_email, "name": DEMO_USER.name},
    "createdAt": 0,
    "updatedAt": 0,
    "ssoConnectorId": "demossoconnector",
}


def give_sso_identity(state: EmulatorState, username: str) -> None:
    """Give ``username`` the enterprise SSO identity above (tests of the read-only section)."""
    user = state.find_user_by("username", username)
    assert user is not None
    with state.lock:
        user["_sso"] = [{**DEMO_SSO_IDENTITY, "userId": user["id"]}]


def demo_state(port: int | None = None) -> EmulatorState:
    """A new state seeded with the demo apps and user."""
    return seed(EmulatorState(), port=port)


_announced = False


def announce_demo_user() -> None:
    """Tell a person on stderr how to sign in to the demo (once per process)."""
    global _announced
    if _announced:
        return
    _announced = True
    print(
        f"Logto emulator: sign in as '{DEMO_USER.username}' (or {DEMO_USER.primary_email}) "
        f"with password '{DEMO_USER.password}', or as '{DEMO_USER_2.username}' with password "
        f"'{DEMO_USER_2.password}'. Sent codes appear in the log and at /logto/outbox.",
        file=sys.stderr,
    )


def demo_management_token(url: str) -> str:
    """A Management API token for the demo M2M app from the emulator at ``url``: for tests and
    benchmarks that call the API directly (the app itself uses its own client)."""
    import base64
    import json
    import urllib.parse
    import urllib.request

    credentials = f"{DEMO_CLIENTS.m2m_app_id}:{DEMO_CLIENTS.m2m_app_secret}".encode()
    request = urllib.request.Request(
        f"{url}/oidc/token",
        data=urllib.parse.urlencode(
            {
                "grant_type": "client_credentials",
                "resource": "https://default.logto.app/api",
                "scope": "all",
            }
        ).encode(),
        headers={"Authorization": "Basic " + base64.b64encode(credentials).decode()},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 - a loopback URL
        return str(json.load(answer)["access_token"])
