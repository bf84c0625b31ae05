from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from account_center import signals
from account_center.logto import unsupported
from account_center.models import AuditEvent
from tests.helpers import ENDPOINT, USER_URL, calls

pytestmark = pytest.mark.django_db

DEVICES_URL = f"{USER_URL}/trusted-devices"
SIGN_IN_EXP_URL = f"{ENDPOINT}/api/.well-known/sign-in-exp"
SETTINGS_OFF = "its sign-in settings don't remember devices"
VERSION_WITHOUT = "its version does not remember devices"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0"
CHROME_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)


def device(device_id: str, agent: str, last_used: int, city: str | None = "Taipei") -> dict:
    return {
        "id": device_id,
        "userAgent": agent,
        "country": "TW",
        "city": city,
        "createdAt": 1_763_000_000_000,
        "lastUsedAt": last_used,
        "expiresAt": 1_765_000_000_000,
    }


@pytest.fixture(autouse=True)
def _fresh_memory():
    cache.delete(unsupported.cache_key(unsupported.TRUSTED_DEVICES))


@pytest.fixture
def devices(logto_mock):
    logto_mock.get(
        DEVICES_URL,
        json=[
            device("d1", FIREFOX, 1_763_100_000_000),
            device("d2", CHROME_MAC, 1_763_200_000_000, city=None),
        ],
    )
    return logto_mock


def test_lists_devices_in_words_most_recent_first(auth_client, devices) -> None:
    html = auth_client.get(reverse("account_center:trusted_devices")).content.decode()
    assert html.index("Chrome on macOS") < html.index("Firefox on Linux")
    assert "Taipei, TW" in html and "Forget all devices" in html


def test_a_production_logto_is_said_in_a_sentence_asked_once_and_hidden_from_the_menu(
    auth_client, logto_mock
) -> None:
    logto_mock.get(DEVICES_URL, status=404, body="Not Found")  # koa's plain 404: no route
    html = auth_client.get(reverse("account_center:trusted_devices")).content.decode()
    assert "Remembered devices are not available on this sign-in service" in html
    again = auth_client.get(reverse("account_center:trusted_devices")).content.decode()
    assert "not available" in again
    assert len(calls(logto_mock, "GET", DEVICES_URL)) == 1
    overview = auth_client.get(reverse("account_center:overview")).content.decode()
    assert reverse("account_center:trusted_devices") not in overview


def _sign_in_experience(logto_mock, **policy) -> None:
    """Logto's anonymous sign-in experience; ``trustedDevice`` only where given (a build with
    Logto's development features on)."""
    body = {"socialConnectors": [], "signInMode": "SignInAndRegister", **policy}
    logto_mock.get(SIGN_IN_EXP_URL, json=body)


@pytest.mark.parametrize("policy", [{"enabled": False, "durationDays": 30}, {}])
def test_sign_in_settings_that_remember_no_device_are_said_in_their_own_words(
    auth_client, devices, policy
) -> None:
    _sign_in_experience(devices, trustedDevice=policy)
    html = auth_client.get(reverse("account_center:trusted_devices")).content.decode()
    assert SETTINGS_OFF in html and VERSION_WITHOUT not in html
    assert "Firefox on Linux" not in html and "Forget all devices" not in html
    assert "Authorization" not in calls(devices, "GET", SIGN_IN_EXP_URL)[0].request.headers


def test_the_settings_sentence_in_traditional_chinese(auth_client, devices) -> None:
    _sign_in_experience(devices, trustedDevice={})
    html = auth_client.get(
        reverse("account_center:trusted_devices"), HTTP_ACCEPT_LANGUAGE="zh-TW"
    ).content.decode()
    assert "它的登入設定不會為第二步驟記住裝置" in html and SETTINGS_OFF not in html


def test_settings_that_remember_devices_list_them(auth_client, devices) -> None:
    _sign_in_experience(devices, trustedDevice={"enabled": True, "durationDays": 30})
    html = auth_client.get(reverse("account_center:trusted_devices")).content.decode()
    assert "Firefox on Linux" in html and SETTINGS_OFF not in html


def test_a_sign_in_experience_without_the_policy_lists_as_before(auth_client, devices) -> None:
    _sign_in_experience(devices)
    html = auth_client.get(reverse("account_center:trusted_devices")).content.decode()
    assert "Firefox on Linux" in html and SETTINGS_OFF not in html


def test_forget_needs_step_up(auth_client, devices, htmx_headers) -> None:
    for data in ({"action": "forget", "device": "d1"}, {"action": "forget_all"}):
        response = auth_client.post(
            reverse("account_center:trusted_devices"), data, **htmx_headers
        )
        assert response.headers["HX-Retarget"] == "#ac-step-up-content"
    assert not [c for c in devices.calls if c.request.method == "DELETE"]


def test_forget_one_asks_in_place_then_forgets(stepped_up, devices, htmx_headers) -> None:
    asked = stepped_up.get(
        reverse("account_center:trusted_devices") + "?confirm=d1", **htmx_headers
    ).content.decode()
    assert "Forget Firefox on Linux?" in asked and "Yes, forget it" in asked
    told = []
    signals.trusted_device_forgotten.connect(
        lambda **kw: told.append(kw["device"]), weak=False, dispatch_uid="t-td"
    )
    devices.delete(f"{DEVICES_URL}/d1", status=204)
    try:
        response = stepped_up.post(
            reverse("account_center:trusted_devices"),
            {"action": "forget", "device": "d1"},
            **htmx_headers,
        )
    finally:
        signals.trusted_device_forgotten.disconnect(dispatch_uid="t-td")
    assert "Firefox on Linux forgotten" in response.content.decode()
    assert told == ["Firefox on Linux"]
    assert AuditEvent.objects.get(action="trusted_device_forget").detail["device"] == (
        "Firefox on Linux"
    )


def test_forget_all_forgets_each(stepped_up, devices, htmx_headers) -> None:
    devices.delete(f"{DEVICES_URL}/d1", status=204)
    devices.delete(f"{DEVICES_URL}/d2", status=204)
    response = stepped_up.post(
        reverse("account_center:trusted_devices"), {"action": "forget_all"}, **htmx_headers
    )
    assert "2 devices forgotten" in response.content.decode()
    assert AuditEvent.objects.filter(action="trusted_device_forget").count() == 2


def test_forgetting_a_device_no_longer_remembered_says_so(
    stepped_up, logto_mock, htmx_headers
) -> None:
    logto_mock.get(DEVICES_URL, json=[])
    response = stepped_up.post(
        reverse("account_center:trusted_devices"),
        {"action": "forget", "device": "gone"},
        **htmx_headers,
    )
    assert "This device is no longer remembered." in response.content.decode()


def test_read_only_lists_without_forgetting(auth_client, devices, settings) -> None:
    settings.ACCOUNT_CENTER_FEATURES = {"trusted_devices": "readonly"}
    html = auth_client.get(reverse("account_center:trusted_devices")).content.decode()
    assert "Firefox on Linux" in html and "Forget all" not in html and "Forget Firefox" not in html
