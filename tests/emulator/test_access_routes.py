"""The emulator's grants, applications, trusted devices, organizations and impersonation beyond
what the differential sequence compares with the lab's Logto: the development-features switch,
the demo's seed, and an exchanged token used as the user's."""

from __future__ import annotations

import requests

from logto_emulator.seed import (
    DEMO_CLIENTS,
    DEMO_ORGANIZATION,
    DEMO_ORGANIZATION_ROLE,
    DEMO_THIRD_PARTY_APP_ID,
    DEMO_USER,
)
from logto_emulator.server import EmulatorServer
from tests.contract.differential.targets import (
    ACCOUNT_SCOPES,
    EmulatorTarget,
    _exchange,
)
from tests.emulator.conftest import Api

TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token"


def _demo_id(emu: EmulatorServer) -> str:
    user = emu.state.find_user_by("username", DEMO_USER.username)
    assert user is not None
    return str(user["id"])


def test_the_demo_user_authorised_a_third_party_app(logto_emulator, api: Api):
    demo = _demo_id(logto_emulator)
    (grant,) = api("GET", f"/api/users/{demo}/grants?appType=thirdParty").json()["grants"]
    assert grant["application"] == {"id": DEMO_THIRD_PARTY_APP_ID, "name": "Photo Prints"}
    assert grant["payload"]["openid"]["scope"] == "openid profile email"
    assert api("GET", f"/api/users/{demo}/grants?appType=firstParty").json() == {"grants": []}
    app = api("GET", f"/api/applications/{DEMO_THIRD_PARTY_APP_ID}").json()
    assert app["isThirdParty"] is True and "secret" not in app
    branding = api("GET", f"/api/applications/{DEMO_THIRD_PARTY_APP_ID}/sign-in-experience")
    assert branding.json()["displayName"] == "Photo Prints (demo)"
    no_branding = api("GET", f"/api/applications/{DEMO_CLIENTS.web_app_id}/sign-in-experience")
    assert (no_branding.status_code, no_branding.json()["code"]) == (
        404,
        "entity.not_exists_with_id",
    )


def test_revoking_the_third_party_grant(logto_emulator, api: Api):
    demo = _demo_id(logto_emulator)
    grant_id = api("GET", f"/api/users/{demo}/grants").json()["grants"][0]["id"]
    other = logto_emulator.state.find_user_by("username", "demo2")["id"]
    assert api("DELETE", f"/api/users/{other}/grants/{grant_id}").status_code == 404
    assert api("DELETE", f"/api/users/{demo}/grants/{grant_id}").status_code == 204
    assert api("GET", f"/api/users/{demo}/grants").json() == {"grants": []}
    again = api("DELETE", f"/api/users/{demo}/grants/{grant_id}")
    assert (again.status_code, again.json()["code"]) == (404, "oidc.invalid_grant")


def test_a_grant_of_a_deleted_application_is_not_listed(logto_emulator, api: Api):
    demo = _demo_id(logto_emulator)
    del logto_emulator.state.applications[DEMO_THIRD_PARTY_APP_ID]
    assert api("GET", f"/api/users/{demo}/grants").json() == {"grants": []}


def test_the_demo_user_belongs_to_an_organization(logto_emulator, api: Api):
    demo = _demo_id(logto_emulator)
    (organization,) = api("GET", f"/api/users/{demo}/organizations").json()
    assert (organization["name"], organization["description"]) == DEMO_ORGANIZATION
    assert [r["name"] for r in organization["organizationRoles"]] == [DEMO_ORGANIZATION_ROLE[0]]
    assert "isTrustedDeviceAllowed" not in organization  # a production build hides it
    (role,) = api("GET", f"/api/organizations/{organization['id']}/users/{demo}/roles").json()
    assert (role["name"], role["description"], role["type"]) == (*DEMO_ORGANIZATION_ROLE, "User")
    paged = api("GET", f"/api/organizations/{organization['id']}/users/{demo}/roles?page=1")
    assert paged.headers["Total-Number"] == "1"


def test_trusted_devices_are_a_missing_route_on_a_production_build(logto_emulator, api: Api):
    demo = _demo_id(logto_emulator)
    logto_emulator.state.add_trusted_device(demo, user_agent="Firefox")
    for method, path in (
        ("GET", f"/api/users/{demo}/trusted-devices"),
        ("DELETE", f"/api/users/{demo}/trusted-devices/x"),
    ):
        answer = api(method, path)
        assert (answer.status_code, answer.text) == (404, "Not Found")
        assert answer.headers["Content-Type"].startswith("text/plain")
    # Before any token check, as koa-router finds no route.
    own = requests.get(f"{logto_emulator.url}/api/my-account/trusted-devices", timeout=5)
    assert (own.status_code, own.text) == (404, "Not Found")


def test_trusted_devices_with_the_development_features(logto_emulator, api: Api):
    state = logto_emulator.state
    state.configure_dev_features()
    demo = _demo_id(logto_emulator)
    device = state.add_trusted_device(demo, user_agent="Firefox", country="TW", city="Taipei")
    listed = api("GET", f"/api/users/{demo}/trusted-devices")
    assert listed.headers["Total-Number"] == "1"
    assert listed.json() == [
        {k: device[k] for k in ("id", "userAgent", "country", "city", "createdAt",
                                "lastUsedAt", "expiresAt")}
    ]
    assert api("GET", "/api/users/nobody/trusted-devices").json()["code"] == "entity.not_found"
    assert api("DELETE", f"/api/users/{demo}/trusted-devices/{device['id']}").status_code == 204
    gone = api("DELETE", f"/api/users/{demo}/trusted-devices/{device['id']}")
    assert (gone.status_code, gone.json()["code"]) == (404, "entity.not_found")
    (organization,) = api("GET", f"/api/users/{demo}/organizations").json()
    assert organization["isTrustedDeviceAllowed"] is True


def test_own_trusted_devices_with_the_development_features(logto_emulator, api: Api):
    state = logto_emulator.state
    state.configure_dev_features()
    answer = api(
        "PATCH",
        "/api/account-center",
        json={"enabled": True, "fields": {"trustedDevice": "Edit"}},
    )
    assert answer.json()["fields"] == {"trustedDevice": "Edit"}
    demo = _demo_id(logto_emulator)
    device = state.add_trusted_device(demo, user_agent="Firefox")
    target = EmulatorTarget(logto_emulator)
    callback, verifier = target.sign_in(
        DEMO_USER.username, DEMO_USER.password, f"{ACCOUNT_SCOPES} urn:logto:scope:trusted_devices"
    )
    token = _exchange(
        logto_emulator.url, DEMO_CLIENTS.web_app_id, DEMO_CLIENTS.web_app_secret, callback, verifier
    )
    me = {"Authorization": f"Bearer {token}"}
    url = f"{logto_emulator.url}/api/my-account/trusted-devices"
    unproven = requests.get(url, headers=me, timeout=5)
    assert unproven.json()["code"] == "verification_record.permission_denied"
    record = requests.post(
        f"{logto_emulator.url}/api/verifications/password",
        json={"password": DEMO_USER.password},
        headers=me,
        timeout=5,
    ).json()["verificationRecordId"]
    me["logto-verification-id"] = record
    (listed,) = requests.get(url, headers=me, timeout=5).json()
    assert (listed["id"], listed["isCurrent"]) == (device["id"], False)
    assert requests.delete(f"{url}/{device['id']}", headers=me, timeout=5).status_code == 204


def test_an_exchanged_token_is_the_users_and_leaves_a_grant(logto_emulator, api: Api):
    state = logto_emulator.state
    demo = _demo_id(logto_emulator)
    web = state.applications[DEMO_CLIENTS.web_app_id]
    subject = api("POST", "/api/subject-tokens", json={"userId": demo, "context": {"why": "x"}})
    assert subject.status_code == 201
    token = subject.json()["subjectToken"]
    assert token.startswith("sub_") and subject.json()["expiresIn"] == 600

    def exchange(value: str) -> requests.Response:
        return requests.post(
            f"{logto_emulator.url}/oidc/token",
            data={
                "grant_type": TOKEN_EXCHANGE,
                "subject_token": value,
                "subject_token_type": ACCESS_TOKEN,
                "scope": "openid profile offline_access nonsense",
            },
            auth=(web.id, web.secret),
            timeout=5,
        )

    refused = exchange(token)
    assert refused.json()["error_description"] == (
        "requested grant type is not allowed for this client"
    )
    web.allow_token_exchange = True
    answer = exchange(token)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert sorted(body) == ["access_token", "expires_in", "scope", "token_type"]
    assert body["scope"] == "openid profile offline_access"
    me = requests.get(
        f"{logto_emulator.url}/oidc/me",
        headers={"Authorization": f"Bearer {body['access_token']}"},
        timeout=5,
    )
    assert me.json()["sub"] == demo
    assert exchange(token).json()["error"] == "invalid_grant"  # spent
    first_party = api("GET", f"/api/users/{demo}/grants?appType=firstParty").json()["grants"]
    assert [g["application"]["id"] for g in first_party] == [web.id]
    assert len(first_party[0]["id"]) == 21  # a nanoid, as Logto's exchange grants
