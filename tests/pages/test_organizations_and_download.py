"""The overview's read-only organizations card, and "Download my data" holding connected apps,
remembered devices and organizations by name only."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.urls import reverse

from account_center.logto import unsupported
from tests.helpers import USER_URL, logto_user

pytestmark = pytest.mark.django_db

ORGS = [
    {
        "id": "org1",
        "name": "Demo Organization",
        "description": "The demo's organization",
        "branding": {},
        "organizationRoles": [{"id": "r1", "name": "editor"}, {"id": "r2", "name": "viewer"}],
    }
]


@pytest.fixture(autouse=True)
def _fresh_memory():
    cache.delete(unsupported.cache_key(unsupported.TRUSTED_DEVICES))


@pytest.fixture
def account(logto_mock):
    logto_mock.get(USER_URL, json=logto_user())
    logto_mock.get(f"{USER_URL}/mfa-verifications", json=[])
    logto_mock.get(f"{USER_URL}/logto-configs", json={"mfa": {"skipped": False}})
    logto_mock.get(f"{USER_URL}/personal-access-tokens", json=[])
    logto_mock.get(f"{USER_URL}/sessions", json={"sessions": []})
    return logto_mock


def test_overview_lists_organizations_and_role_names_read_only(auth_client, account) -> None:
    account.get(f"{USER_URL}/organizations", json=ORGS)
    html = auth_client.get(reverse("account_center:overview")).content.decode()
    card = html[html.index('id="ac-ov-organizations"') :]
    assert "Demo Organization" in card and "editor, viewer" in card
    assert "<form" not in card.split("</section>")[0]  # nothing to change here


def test_organizations_off_is_not_read(auth_client, account, settings) -> None:
    settings.ACCOUNT_CENTER_FEATURES = {"organizations": "off"}
    html = auth_client.get(reverse("account_center:overview")).content.decode()
    assert "ac-ov-organizations" not in html
    assert not [c for c in account.calls if c.request.url.endswith("/organizations")]


def test_organizations_unreadable_is_said_on_the_card(auth_client, account) -> None:
    account.get(f"{USER_URL}/organizations", status=500)
    html = auth_client.get(reverse("account_center:overview")).content.decode()
    assert "Could not be read just now." in html


def test_download_has_apps_devices_and_organizations_by_name_only(stepped_up, account) -> None:
    account.get(f"{USER_URL}/organizations", json=ORGS)
    account.get(
        f"{USER_URL}/grants",
        json={
            "grants": [
                {
                    "id": "grant-secret-id",
                    "payload": {"iat": 1_763_000_000, "openid": {"scope": "openid email"}},
                    "expiresAt": 1_790_000_000_000,
                    "application": {"id": "app-id", "name": "Photo Prints"},
                }
            ]
        },
    )
    account.get(
        f"{USER_URL}/trusted-devices",
        json=[
            {
                "id": "device-secret-id",
                "userAgent": "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
                "country": "TW",
                "city": "Taipei",
                "createdAt": 1_763_000_000_000,
                "lastUsedAt": 1_763_000_000_000,
                "expiresAt": 1_765_000_000_000,
            }
        ],
    )
    response = stepped_up.post(reverse("account_center:deletion"), {"action": "download"})
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    data = json.loads(raw)
    assert data["connected_apps"][0]["name"] == "Photo Prints"
    assert "See your email address" in data["connected_apps"][0]["may"]
    assert data["remembered_devices"] == [
        {
            "device": "Firefox on Linux",
            "where": "Taipei, TW",
            "remembered_at": data["remembered_devices"][0]["remembered_at"],
            "last_used_at": data["remembered_devices"][0]["last_used_at"],
        }
    ]
    assert data["organizations"] == [{"name": "Demo Organization", "roles": ["editor", "viewer"]}]
    assert b"grant-secret-id" not in raw and b"device-secret-id" not in raw


def test_download_without_remembered_devices_on_this_logto_still_works(
    stepped_up, account
) -> None:
    account.get(f"{USER_URL}/organizations", json=[])
    account.get(f"{USER_URL}/grants", json={"grants": []})
    account.get(f"{USER_URL}/trusted-devices", status=404, body="Not Found")
    response = stepped_up.post(reverse("account_center:deletion"), {"action": "download"})
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    data = json.loads(raw)
    assert data["remembered_devices"] is None and data["connected_apps"] == []
