"""The anonymous sign-in experience (``GET /api/.well-known/sign-in-exp``): no token, a typed
result, and answers that are not Logto's refused as an outage."""

from __future__ import annotations

import pytest

from account_center.logto.errors import LogtoUnavailable
from account_center.logto.sign_in_experience import TrustedDevicePolicy

from .conftest import ENDPOINT, tokens_fetched

URL = f"{ENDPOINT}/api/.well-known/sign-in-exp"
# A GitHub connector on the sign-in page as Logto sends it (``ExperienceSocialConnector``: the
# connector's metadata with the tenant's connector id), and an OIDC one (a standard connector).
GITHUB = {
    "id": "gh0connector",
    "target": "github",
    "name": {"en": "GitHub", "zh-TW": "GitHub 帳號"},
    "logo": "https://logos.test/github.svg",
    "logoDark": None,
    "platform": "Universal",
    "isTokenStorageSupported": True,
}
OIDC = {**GITHUB, "id": "oidc0connect", "target": "acme", "name": {"en": "Acme"}}
OIDC["isStandard"] = True


def lab_answer() -> dict:
    """Part of the lab's Logto's answer (1.43 candidate, production build), with connectors."""
    return {
        "tenantId": "default",
        "id": "default",
        "signInMode": "SignInAndRegister",
        "socialSignInConnectorTargets": ["github", "acme"],
        "socialConnectors": [GITHUB, OIDC],
        "ssoConnectors": [],
        "forgotPassword": {"phone": False, "email": False},
        "isDevelopmentTenant": False,
        "customProfileFields": [],
    }


def test_read_without_a_token_as_typed_connectors(logto_client, rsps) -> None:
    rsps.add("GET", URL, json=lab_answer())
    found = logto_client.get_public_sign_in_experience()
    assert "Authorization" not in rsps.calls[0].request.headers
    assert tokens_fetched(rsps) == 0
    github, acme = found.social_connectors
    assert (github.id, github.target, github.type, github.logo) == (
        "gh0connector",
        "github",
        "Social",
        "https://logos.test/github.svg",
    )
    assert github.name_for("zh-TW") == "GitHub 帳號" and not github.is_standard
    assert acme.is_standard
    assert found.trusted_device is None  # a production build leaves the policy out


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ({"enabled": True, "durationDays": 30}, TrustedDevicePolicy(True, 30)),
        ({"enabled": False}, TrustedDevicePolicy(False)),
        # Logto's column default: Logto reads a missing "enabled" as off.
        ({}, TrustedDevicePolicy(False)),
    ],
)
def test_the_remembered_devices_policy_where_logto_sends_it(
    logto_client, rsps, policy, expected
) -> None:
    rsps.add("GET", URL, json={**lab_answer(), "trustedDevice": policy})
    assert logto_client.get_public_sign_in_experience().trusted_device == expected


@pytest.mark.parametrize(
    "odd",
    [
        {"socialConnectors": "github"},
        {"socialConnectors": [{"id": "x", "target": "y", "name": "GitHub"}]},
        {"socialConnectors": [{"target": "y", "name": {"en": "Y"}}]},
        {"trustedDevice": True},
        {"socialConnectors": None},
    ],
)
def test_an_answer_that_is_not_logtos_is_an_outage(logto_client, rsps, odd) -> None:
    rsps.add("GET", URL, json={**lab_answer(), **odd})
    with pytest.raises(LogtoUnavailable):
        logto_client.get_public_sign_in_experience()


def test_a_failing_logto_is_an_outage(logto_client, rsps) -> None:
    rsps.add("GET", URL, status=502, body="Bad Gateway")
    with pytest.raises(LogtoUnavailable):
        logto_client.get_public_sign_in_experience()
