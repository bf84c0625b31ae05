"""What connected apps and remembered devices share (views/removable_rows.py): a POST that names
no removal changes nothing, a removal without JavaScript redirects with its words, and a Logto
without remembered devices is said in place of a removal."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.helpers import USER_URL

pytestmark = pytest.mark.django_db

DEVICES_URL = f"{USER_URL}/trusted-devices"
GRANTS_URL = f"{USER_URL}/grants"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0"


@pytest.fixture
def devices(logto_mock):
    logto_mock.get(
        DEVICES_URL,
        json=[
            {
                "id": "d1",
                "userAgent": FIREFOX,
                "country": "TW",
                "city": "Taipei",
                "createdAt": 1_763_000_000_000,
                "lastUsedAt": 1_763_100_000_000,
                "expiresAt": 1_765_000_000_000,
            }
        ],
    )
    logto_mock.get(GRANTS_URL, json={"grants": []})
    return logto_mock


@pytest.mark.parametrize(
    ("page", "data"),
    [
        ("apps", {}),
        ("apps", {"grant": ""}),
        ("apps", {"grant": "g" * 129}),
        ("trusted_devices", {}),
        ("trusted_devices", {"device": "d1"}),  # no action: a forget names itself
        ("trusted_devices", {"action": "rename", "device": "d1"}),
        ("trusted_devices", {"action": "forget"}),
        ("trusted_devices", {"action": "forget", "device": "d" * 129}),
    ],
)
def test_a_post_naming_no_removal_shows_the_section_and_changes_nothing(
    stepped_up, devices, htmx_headers, page, data
) -> None:
    response = stepped_up.post(reverse(f"account_center:{page}"), data, **htmx_headers)
    assert response.status_code == 200
    assert "forgotten" not in response.content.decode()
    assert not [c for c in devices.calls if c.request.method == "DELETE"]


def test_forgetting_without_javascript_redirects_with_words(stepped_up, devices) -> None:
    devices.delete(f"{DEVICES_URL}/d1", status=204)
    response = stepped_up.post(
        reverse("account_center:trusted_devices"), {"action": "forget", "device": "d1"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("account_center:trusted_devices")
    assert "Firefox on Linux forgotten" in response.content.decode()


@pytest.mark.parametrize("data", [{"action": "forget_all"}, {"action": "forget", "device": "d1"}])
def test_forgetting_where_this_logto_has_no_remembered_devices_says_so(
    stepped_up, logto_mock, htmx_headers, data
) -> None:
    logto_mock.get(DEVICES_URL, status=404, body="Not Found")  # koa's plain 404: no route
    response = stepped_up.post(reverse("account_center:trusted_devices"), data, **htmx_headers)
    assert response.status_code == 200
    assert "Remembered devices are not available" in response.content.decode()
    assert not [c for c in logto_mock.calls if c.request.method == "DELETE"]
