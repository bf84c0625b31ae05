"""The sign-in experience as the emulator answers it: the anonymous copy Logto's sign-in page
reads (``/api/.well-known/sign-in-exp``) and the development features' ``trustedDevice``."""

from __future__ import annotations

import requests

from logto_emulator.connectors import CONNECTOR_IDS
from logto_emulator.server import EmulatorServer

from .conftest import Api

WELL_KNOWN = "/api/.well-known/sign-in-exp"


def _public(emu: EmulatorServer) -> dict:
    answer = requests.get(emu.url + WELL_KNOWN, timeout=5)
    assert answer.status_code == 200
    return dict(answer.json())


def test_the_sign_in_pages_social_connectors_are_its_targets_only(
    logto_emulator: EmulatorServer, api: Api
) -> None:
    assert _public(logto_emulator)["socialConnectors"] == []
    targets = {"socialSignInConnectorTargets": ["github", "mock-social"]}
    patched = api("PATCH", "/api/sign-in-exp", json=targets)
    # Logto keeps only the targets of the tenant's social connectors.
    assert patched.json()["socialSignInConnectorTargets"] == ["mock-social"]
    (social,) = _public(logto_emulator)["socialConnectors"]
    assert social["id"] == CONNECTOR_IDS["social"] and social["target"] == "mock-social"
    assert social["name"]["en"] == "Mock Social"
    assert "readme" not in social and "description" not in social and "type" not in social
    logto_emulator.state.set_connectors(False, "social")
    assert _public(logto_emulator)["socialConnectors"] == []


def test_trusted_device_only_with_the_development_features(
    logto_emulator: EmulatorServer, api: Api
) -> None:
    policy = {"trustedDevice": {"enabled": True, "durationDays": 14}}
    # A production build's guards drop the key: nothing kept, nothing answered.
    assert "trustedDevice" not in api("PATCH", "/api/sign-in-exp", json=policy).json()
    assert "trustedDevice" not in _public(logto_emulator)
    assert "trustedDevice" not in api("GET", "/api/sign-in-exp").json()
    logto_emulator.state.configure_dev_features()
    # Logto's column default until set.
    assert _public(logto_emulator)["trustedDevice"] == {}
    assert api("PATCH", "/api/sign-in-exp", json=policy).json()["trustedDevice"] == {
        "enabled": True,
        "durationDays": 14,
    }
    assert _public(logto_emulator)["trustedDevice"] == {"enabled": True, "durationDays": 14}
    refused = api("PATCH", "/api/sign-in-exp", json={"trustedDevice": {"enabled": "yes"}})
    assert refused.status_code == 400 and refused.json()["code"] == "guard.invalid_input"
