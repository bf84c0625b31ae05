"""``account_center_check`` on passkeys: the site's origin among the tenant's
``webauthnRelatedOrigins`` (else it fails and says how to add it), and Logto reached by a host
name (an IP address cannot be a relying party)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import responses
from django.core.cache import cache

from account_center.flows import gateway_check
from account_center.logto.client import reset_client
from tests.helpers import ENDPOINT

pytestmark = pytest.mark.django_db

WELL_KNOWN = f"{ENDPOINT}/api/.well-known/account-center"
SITE = "https://account.example.com"


@pytest.fixture
def rsps(settings: Any) -> Iterator[responses.RequestsMock]:
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "auto"
    settings.ACCOUNT_CENTER_SITE_URL = f"{SITE}/"
    cache.clear()
    reset_client()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock
    cache.clear()
    reset_client()


def _tenant(related: list[str]) -> dict[str, Any]:
    return {"enabled": True, "fields": {"mfa": "Edit"}, "webauthnRelatedOrigins": related}


def _passkey_line(lines: list[tuple[bool | None, str, str]]) -> tuple[bool | None, str]:
    [found] = [(ok, reason) for ok, name, reason in lines if name == "passkeys"]
    return found


def test_the_sites_origin_missing_from_the_related_origins_fails_and_says_how(
    rsps: responses.RequestsMock,
) -> None:
    rsps.get(WELL_KNOWN, json=_tenant([]))
    ok, reason = _passkey_line(gateway_check.lines())
    assert ok is False
    assert SITE in reason and "webauthnRelatedOrigins" in reason and "PATCH /api/account-center" in reason


def test_the_sites_origin_among_them_passes(rsps: responses.RequestsMock) -> None:
    rsps.get(WELL_KNOWN, json=_tenant([SITE]))
    assert _passkey_line(gateway_check.lines())[0] is True


def test_logto_at_an_ip_address_cannot_register_passkeys(
    rsps: responses.RequestsMock, settings: Any
) -> None:
    settings.LOGTO_ENDPOINT = "http://127.0.0.1:3001"
    rsps.get("http://127.0.0.1:3001/api/.well-known/account-center", json=_tenant([SITE]))
    ok, reason = _passkey_line(gateway_check.lines())
    assert ok is False and "IP address" in reason


def test_no_passkey_line_with_the_management_api(
    rsps: responses.RequestsMock, settings: Any
) -> None:
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "management"
    settings.LOGTO_M2M_APP_ID = "m2m-app-id"
    assert not [name for _ok, name, _reason in gateway_check.lines() if name == "passkeys"]
