"""The gateway's choice, capability by capability, from the setting and the tenant's
account-center settings (answered by ``responses``); Logto's fields capping Off / ReadOnly /
Edit; the Management-only features Off without M2M credentials; the check's lines."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import responses
from django.core.cache import cache

from account_center.conf import features
from account_center.flows import gateway, gateway_check
from account_center.logto.client import reset_client
from tests.helpers import ENDPOINT

pytestmark = pytest.mark.django_db  # the site settings page may override features

WELL_KNOWN = f"{ENDPOINT}/api/.well-known/account-center"
TOKEN_URL = f"{ENDPOINT}/oidc/token"


def _settings(enabled: bool = True, **fields: str) -> dict[str, Any]:
    return {"enabled": enabled, "fields": fields, "webauthnRelatedOrigins": []}


@pytest.fixture
def rsps(settings: Any) -> Iterator[responses.RequestsMock]:
    settings.LOGTO_M2M_APP_ID = "m2m-app-id"
    cache.clear()
    reset_client()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock
    cache.clear()
    reset_client()


def test_auto_is_the_default_and_a_disabled_account_center_means_the_management_api(
    rsps: responses.RequestsMock,
) -> None:
    rsps.get(WELL_KNOWN, json=_settings(enabled=False))

    assert gateway.route("email") == gateway.MANAGEMENT
    assert gateway.route("name") == gateway.MANAGEMENT
    assert features.level("email") == features.EDIT
    assert not gateway.verifies_with_logto()
    # Logto's one anonymous read, kept: no M2M token is fetched for it.
    assert [call.request.url for call in rsps.calls] == [WELL_KNOWN]


def test_management_asks_logto_nothing(rsps: responses.RequestsMock, settings: Any) -> None:
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "management"
    assert gateway.route("email") == gateway.MANAGEMENT
    assert features.level("email") == features.EDIT
    assert not rsps.calls


def test_auto_follows_each_field_and_reads_the_settings_anonymously_once(
    rsps: responses.RequestsMock, settings: Any
) -> None:
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "auto"
    rsps.get(WELL_KNOWN, json=_settings(name="Edit", email="ReadOnly", password="Off"))

    assert gateway.route("name") == gateway.ACCOUNT
    assert gateway.route("email") == gateway.ACCOUNT
    assert gateway.route("password") == gateway.MANAGEMENT  # Off at Logto
    assert gateway.route("phone") == gateway.MANAGEMENT  # not set: Off
    assert gateway.route("tokens") == gateway.MANAGEMENT  # only the Management API has it
    # Never more open than Logto: Edit stays, ReadOnly caps, Off closes.
    assert features.level("name") == features.EDIT
    assert features.level("email") == features.READ_ONLY
    assert features.level("password") == features.OFF
    assert len(rsps.calls) == 1  # kept in the cache
    assert not any(call.request.url.startswith(TOKEN_URL) for call in rsps.calls)


def test_auto_with_the_account_center_disabled_is_the_management_api_as_before(
    rsps: responses.RequestsMock, settings: Any
) -> None:
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "auto"
    rsps.get(WELL_KNOWN, json=_settings(enabled=False))

    assert gateway.route("email") == gateway.MANAGEMENT
    assert features.level("email") == features.EDIT  # Logto's settings do not bind it then


def test_account_with_the_account_center_disabled_closes_and_fails_the_check(
    rsps: responses.RequestsMock, settings: Any
) -> None:
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "account"
    rsps.get(WELL_KNOWN, json=_settings(enabled=False))

    assert gateway.route("email") == gateway.ACCOUNT
    assert features.level("email") == features.OFF
    lines = gateway_check.lines()
    assert (False, "account center", "the tenant's account center is disabled") in lines


def test_logto_down_leaves_auto_on_the_management_api(
    rsps: responses.RequestsMock, settings: Any
) -> None:
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "auto"
    rsps.get(WELL_KNOWN, status=503)
    rsps.get(f"{ENDPOINT}/api/account-center", status=503)
    rsps.post(TOKEN_URL, json={"access_token": "t", "expires_in": 3600, "token_type": "Bearer"})

    assert gateway.route("email") == gateway.MANAGEMENT
    assert features.level("email") == features.EDIT


def test_without_m2m_credentials_the_management_only_features_are_off_with_words(
    rsps: responses.RequestsMock, settings: Any
) -> None:
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "account"
    settings.LOGTO_M2M_APP_ID = ""
    rsps.get(WELL_KNOWN, json=_settings(name="Edit", session="Edit", mfa="Edit"))

    assert features.level("tokens") == features.OFF
    assert features.level("deletion") == features.OFF
    # Two-step and passkeys (Logto's passkey field falls back to mfa) go through the Account API.
    assert features.level("mfa") == features.EDIT
    assert features.level("passkeys") == features.EDIT
    assert features.level("name") == features.EDIT
    assert features.level("sessions") == features.EDIT
    lines = {name: (ok, reason) for ok, name, reason in gateway_check.lines()}
    assert lines["gateway tokens"][0] is None
    assert "no M2M credentials" in lines["gateway tokens"][1]
    assert lines["gateway name"][0] is True


def test_the_check_notes_a_field_the_site_offers_and_logto_closes(
    rsps: responses.RequestsMock, settings: Any
) -> None:
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "auto"
    rsps.get(WELL_KNOWN, json=_settings(name="Edit", email="ReadOnly"))

    notes = [reason for ok, name, reason in gateway_check.lines() if name == "gateway email"]
    assert any("Logto's settings allow readonly" in note for note in notes), notes
