"""The admin's settings page shows Logto's account-center settings beside the site's: each
feature's level in Logto (read through the gateway's cached reader), whether they are in force,
and words when Logto cannot be read."""

from __future__ import annotations

from typing import Any

import pytest
import responses
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from account_center.flows import gateway
from account_center.models import SiteSettings
from tests.helpers import ENDPOINT

PAGE = "admin:account_center_sitesettings_changelist"
WELL_KNOWN = f"{ENDPOINT}/api/.well-known/account-center"
M2M = f"{ENDPOINT}/api/account-center"

pytestmark = pytest.mark.django_db


def _page(superuser: bool = True) -> str:
    SiteSettings.objects.get_or_create(pk=1)
    person = get_user_model().objects.create_user(
        username="boss", is_staff=True, is_superuser=superuser
    )
    if not superuser:
        person.user_permissions.add(Permission.objects.get(codename="view_sitesettings"))
    client = Client()
    client.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
    return client.get(reverse(PAGE), follow=True).content.decode()


@pytest.fixture(autouse=True)
def _fresh() -> None:
    cache.delete(gateway.SETTINGS_CACHE_KEY)


def test_each_feature_shows_logtos_level_beside_the_sites(
    settings: Any, logto_mock: responses.RequestsMock
) -> None:
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "auto"
    logto_mock.get(
        WELL_KNOWN,
        json={"enabled": True, "fields": {"name": "Edit", "username": "ReadOnly"}},
    )

    html = _page()

    assert "Logto&#x27;s settings" in html or "Logto's settings" in html
    assert "Username: Read-only" in html and "Phone number: Off" in html
    assert "Logto: Read-only." in html and "Logto: Editable." in html


def test_words_when_logto_cannot_be_read(settings: Any, logto_mock: responses.RequestsMock) -> None:
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "auto"
    logto_mock.get(WELL_KNOWN, status=503)
    logto_mock.get(M2M, status=503)

    html = _page(superuser=False)

    assert "could not be read now" in html


def test_with_the_management_gateway_they_are_said_not_to_be_in_force(
    settings: Any, logto_mock: responses.RequestsMock
) -> None:
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "management"
    html = _page()
    assert "Not in force" in html
    assert not [c for c in logto_mock.calls if "account-center" in c.request.url]


def test_a_disabled_account_center_is_said(settings: Any, logto_mock: responses.RequestsMock) -> None:
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "auto"
    logto_mock.get(WELL_KNOWN, json={"enabled": False, "fields": {}})
    html = _page()
    assert "account center is disabled" in html and "Logto: account center disabled." in html
