"""Linking and unlinking a social account through the Account API, end to end on the emulator:
``ACCOUNT_CENTER_LOGTO_GATEWAY = "auto"`` with the tenant's ``social`` field Edit sends the link
as a social verification record (``/api/verifications/social`` and its verify) bound with
``POST /api/my-account/identities``, the unlink as ``DELETE /api/my-account/identities/...``,
each with Logto's verification record of the step-up; never the Management API's identities."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from django.test import Client

pytest.importorskip("logto_emulator.server", reason="the Logto emulator is not available")

from account_center.flows import gateway_check  # noqa: E402
from logto_emulator.connectors import CONNECTOR_IDS  # noqa: E402
from logto_emulator.seed import DEMO_USER  # noqa: E402
from logto_emulator.server import EmulatorServer  # noqa: E402

from .test_emulator_gateway import EDIT_ALL, _demo, _signed_in, calls  # noqa: E402, F401
from .test_emulator_sign_in import emulator  # noqa: E402, F401

pytestmark = pytest.mark.django_db

# Off: what only the Management API has (developer tokens, deletion, remembered devices,
# organizations), so the pages need no M2M token at all.
ONLY_THE_ACCOUNT_APIS = {
    feature: "off" for feature in ("tokens", "deletion", "trusted_devices", "organizations")
}


def _writes(seen: list[tuple[str, str, bool]]) -> list[tuple[str, str]]:
    return [(m, p) for m, p, _ in seen if m != "GET" and p.startswith("/api/")]


def _link(client: Client, social_id: str) -> Any:
    minted = client.post(
        "/account/connections/", {"action": "link", "connector": CONNECTOR_IDS["social"]}
    )
    assert minted.status_code == 302, minted.content[:300]
    provider = requests.post(
        minted["Location"], data={"userId": social_id, "action": "allow"}, allow_redirects=False
    )
    back = provider.headers["Location"]
    return client.get(back[back.index("/account/") :])


def test_auto_links_and_unlinks_through_my_account_identities(
    emulator: EmulatorServer,  # noqa: F811 - the fixture imported above
    settings: Any,
    calls: list[tuple[str, str, bool]],  # noqa: F811
) -> None:
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "auto"
    emulator.state.configure_account_center(enabled=True, fields={**EDIT_ALL, "social": "Edit"})
    emulator.state.sign_in_experience_changes["socialSignInConnectorTargets"] = ["mock-social"]
    client = _signed_in(emulator)
    assert client.post(
        "/account/verify/", {"action": "password", "password": DEMO_USER.password}
    ).status_code in (200, 302)
    calls.clear()

    linked = _link(client, "gw-social-1")

    assert linked.status_code == 302, linked.content[:300]
    assert _demo(emulator)["identities"]["mock-social"]["userId"] == "gw-social-1"
    assert _writes(calls) == [
        ("POST", "/api/verifications/social"),
        ("POST", "/api/verifications/social/verify"),
        ("POST", "/api/my-account/identities"),
    ]
    calls.clear()

    unlinked = client.post("/account/connections/", {"action": "unlink", "target": "mock-social"})

    assert unlinked.status_code in (200, 302), unlinked.content[:300]
    assert "mock-social" not in _demo(emulator)["identities"]
    assert _writes(calls) == [("DELETE", "/api/my-account/identities/mock-social")]


def test_a_callback_whose_record_is_not_this_sessions_links_nothing(
    emulator: EmulatorServer,  # noqa: F811
    settings: Any,
) -> None:
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "auto"
    emulator.state.configure_account_center(enabled=True, fields={**EDIT_ALL, "social": "Edit"})
    emulator.state.sign_in_experience_changes["socialSignInConnectorTargets"] = ["mock-social"]
    client = _signed_in(emulator)
    client.post("/account/verify/", {"action": "password", "password": DEMO_USER.password})
    minted = client.post(
        "/account/connections/", {"action": "link", "connector": CONNECTOR_IDS["social"]}
    )
    provider = requests.post(minted["Location"], data={"userId": "x"}, allow_redirects=False)
    back = provider.headers["Location"]
    session = client.session
    session.pop("account_center_social_record")
    session.save()

    refused = client.get(back[back.index("/account/") :])

    assert refused.status_code == 400
    assert "mock-social" not in _demo(emulator)["identities"]


def test_without_m2m_credentials_the_sign_in_pages_providers_are_offered_and_linked(
    emulator: EmulatorServer,  # noqa: F811
    settings: Any,
    calls: list[tuple[str, str, bool]],  # noqa: F811
) -> None:
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "account"
    settings.LOGTO_M2M_APP_ID = ""
    settings.LOGTO_M2M_APP_SECRET = ""
    emulator.state.configure_account_center(enabled=True, fields={**EDIT_ALL, "social": "Edit"})
    # Logto's anonymous sign-in experience lists the connectors of the sign-in page.
    emulator.state.sign_in_experience_changes["socialSignInConnectorTargets"] = ["mock-social"]
    checked = {name: ok for ok, name, _reason in gateway_check.lines()}
    assert checked["gateway social"] is True
    client = _signed_in(emulator)
    client.post("/account/verify/", {"action": "password", "password": DEMO_USER.password})

    page = client.get("/account/connections/")

    assert page.status_code == 200
    assert "Mock Social" in page.content.decode()
    assert f'value="{CONNECTOR_IDS["social"]}"' in page.content.decode()
    linked = _link(client, "no-m2m-social")
    assert linked.status_code == 302, linked.content[:300]
    assert _demo(emulator)["identities"]["mock-social"]["userId"] == "no-m2m-social"
    assert ("GET", "/api/.well-known/sign-in-exp", False) in calls
    assert not [call for call in calls if call[2]] and emulator.state.m2m_tokens_issued == 0
    # The linked account is named and can be unlinked.
    named = client.get("/account/connections/").content.decode()
    assert "Mock Social" in named and 'value="mock-social"' in named


def test_auto_offers_the_sign_in_pages_providers_without_fetching_the_m2m_token(
    emulator: EmulatorServer,  # noqa: F811
    settings: Any,
    calls: list[tuple[str, str, bool]],  # noqa: F811
) -> None:
    # The site has M2M credentials, but the connections page is the user's own: as Logto's own
    # account center, it offers the providers of Logto's sign-in page, read anonymously.
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "auto"
    settings.ACCOUNT_CENTER_FEATURES = ONLY_THE_ACCOUNT_APIS
    emulator.state.configure_account_center(enabled=True, fields={**EDIT_ALL, "social": "Edit"})
    emulator.state.sign_in_experience_changes["socialSignInConnectorTargets"] = ["mock-social"]
    client = _signed_in(emulator)
    client.post("/account/verify/", {"action": "password", "password": DEMO_USER.password})

    page = client.get("/account/connections/").content.decode()
    linked = _link(client, "auto-social")

    assert "Mock Social" in page and f'value="{CONNECTOR_IDS["social"]}"' in page
    assert linked.status_code == 302, linked.content[:300]
    assert _demo(emulator)["identities"]["mock-social"]["userId"] == "auto-social"
    assert ("GET", "/api/.well-known/sign-in-exp", False) in calls
    assert not [call for call in calls if call[2]], calls
    assert emulator.state.m2m_tokens_issued == 0
