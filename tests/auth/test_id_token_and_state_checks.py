"""What sign-in trusts: an ID token's azp whenever present, the discovery issuer against
LOGTO_ENDPOINT, only algorithms that verify, sign-in state that expires by age, and the callback's
error logged without letting a visitor write log lines."""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest
import responses

from account_center.auth import oidc_settings

from .conftest import CLIENT_ID, ENDPOINT, discovery_document, sign_in, start
from .test_sign_in import assert_friendly

pytestmark = pytest.mark.django_db


def test_an_azp_naming_another_client_is_refused_even_with_one_audience(client, fake_logto):
    fake_logto.extra_claims = {"aud": CLIENT_ID, "azp": "another-app"}
    assert_friendly(sign_in(client, fake_logto), "token")


def test_an_azp_naming_this_client_is_accepted(client, fake_logto):
    fake_logto.extra_claims = {"aud": [CLIENT_ID, "api"], "azp": CLIENT_ID}
    assert sign_in(client, fake_logto).status_code == 302


def test_several_audiences_without_azp_are_refused(client, fake_logto):
    fake_logto.extra_claims = {"aud": [CLIENT_ID, "api"]}
    assert_friendly(sign_in(client, fake_logto), "token")


def test_a_discovery_document_naming_another_issuer_is_not_trusted(client, fake_logto):
    forged = {**discovery_document(), "issuer": "https://evil.example/oidc"}
    fake_logto.rsps.replace(
        responses.GET, f"{ENDPOINT}/oidc/.well-known/openid-configuration", json=forged
    )
    fake_logto.extra_claims = {"iss": "https://evil.example/oidc"}
    assert_friendly(sign_in(client, fake_logto), "token")


def test_only_algorithms_the_sign_in_verifies_are_accepted(fake_logto, settings):
    announced = {
        **discovery_document(),
        "id_token_signing_alg_values_supported": ["ES384", "PS256", "EdDSA", "RS256", "HS256"],
    }
    fake_logto.rsps.replace(
        responses.GET, f"{ENDPOINT}/oidc/.well-known/openid-configuration", json=announced
    )
    assert oidc_settings.allowed_signing_algorithms() == {"ES384", "RS256"}


def test_a_sign_in_left_open_longer_than_ten_minutes_is_refused(client, fake_logto):
    params = start(client, fake_logto)
    session = client.session
    session["oidc_states"][params["state"]]["added_on"] = time.time() - 11 * 60
    session.save()
    response = client.get("/account/oidc/callback/", {"code": "c", "state": params["state"]})
    assert_friendly(response, "state")
    assert params["state"] not in client.session.get("oidc_states", {})


def test_old_sign_in_states_are_pruned(client, fake_logto):
    old = start(client, fake_logto)
    session = client.session
    session["oidc_states"][old["state"]]["added_on"] = time.time() - 3600
    session.save()
    fresh = start(client, fake_logto)
    client.get("/account/oidc/callback/", {"code": "c", "state": fresh["state"]})
    assert old["state"] not in client.session.get("oidc_states", {})


def test_the_callbacks_error_cannot_forge_log_lines(client, fake_logto, caplog: Any):
    caplog.set_level(logging.INFO, logger="account_center")
    forged = "denied\n2026-11-22 ERROR admin signed in from 10.0.0.1"
    client.get("/account/oidc/callback/", {"error": forged, "state": "x"})
    lines = [r.getMessage() for r in caplog.records if "error=" in r.getMessage()]
    assert lines and all("\n" not in line for line in lines)
