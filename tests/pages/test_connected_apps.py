from __future__ import annotations

import pytest
from django.urls import reverse

from account_center import signals
from account_center.models import AuditEvent
from tests.helpers import ENDPOINT, USER_URL, calls

pytestmark = pytest.mark.django_db

GRANTS_URL = f"{USER_URL}/grants"
APP = "photo-prints"


def grant(grant_id: str, app_id: str, name: str, scope: str, iat: int) -> dict:
    return {
        "id": grant_id,
        "payload": {
            "iat": iat,
            "openid": {"scope": scope},
            "resources": {"https://api.prints.test": "read:albums"},
        },
        "expiresAt": 1_790_000_000_000,
        "application": {"id": app_id, "name": name},
    }


@pytest.fixture
def grants(logto_mock):
    logto_mock.get(
        GRANTS_URL,
        json={"grants": [grant("g1", APP, "Photo Prints", "openid profile email offline_access", 1_763_000_000)]},
    )
    logto_mock.get(
        f"{ENDPOINT}/api/applications/{APP}/sign-in-experience",
        json={"displayName": "Photo Prints", "branding": {"logoUrl": "https://prints.test/logo.png"}},
    )
    return logto_mock


def test_lists_third_party_apps_with_what_they_may_do_in_words(auth_client, grants) -> None:
    html = auth_client.get(reverse("account_center:apps")).content.decode()
    assert "Photo Prints" in html and 'src="https://prints.test/logo.png"' in html
    assert "See your email address" in html and "Keep access while you are not using it" in html
    assert "Act for you on https://api.prints.test: read:albums" in html
    assert "Remove access of Photo Prints" in html
    # Logto is asked for third-party apps only: this site's own grants are never offered.
    assert "appType=thirdParty" in calls(grants, "GET", GRANTS_URL)[0].request.url


def test_this_site_is_never_offered_even_if_logto_lists_it(auth_client, logto_mock, settings) -> None:
    logto_mock.get(GRANTS_URL, json={"grants": [grant("g0", settings.LOGTO_APP_ID, "This site", "openid", 1)]})
    html = auth_client.get(reverse("account_center:apps")).content.decode()
    assert "Remove access" not in html and "No app of another company" in html


def test_a_logo_that_is_not_https_is_not_shown(auth_client, logto_mock) -> None:
    logto_mock.get(GRANTS_URL, json={"grants": [grant("g1", APP, "Photo Prints", "openid", 1)]})
    logto_mock.get(
        f"{ENDPOINT}/api/applications/{APP}/sign-in-experience",
        json={"branding": {"logoUrl": "javascript:alert(1)"}},
    )
    html = auth_client.get(reverse("account_center:apps")).content.decode()
    assert "javascript:" not in html and "Photo Prints" in html


def test_remove_access_asks_in_place_first(auth_client, grants, htmx_headers) -> None:
    html = auth_client.get(
        reverse("account_center:apps") + "?confirm=g1", **htmx_headers
    ).content.decode()
    assert "Remove the access of “Photo Prints”?" in html and "Yes, remove access" in html
    assert not calls(grants, "DELETE", f"{GRANTS_URL}/g1")


def test_remove_access_needs_step_up(auth_client, grants, htmx_headers) -> None:
    response = auth_client.post(reverse("account_center:apps"), {"grant": "g1"}, **htmx_headers)
    assert response.headers["HX-Retarget"] == "#ac-step-up-content"
    assert AuditEvent.objects.filter(action="step_up_required").exists()
    assert not calls(grants, "DELETE", f"{GRANTS_URL}/g1")


def test_remove_access_revokes_audits_and_signals(stepped_up, grants, htmx_headers) -> None:
    told = []
    signals.app_access_removed.connect(
        lambda **kw: told.append(kw["application_name"]), weak=False, dispatch_uid="t-apps"
    )
    grants.delete(f"{GRANTS_URL}/g1", status=204)
    try:
        response = stepped_up.post(reverse("account_center:apps"), {"grant": "g1"}, **htmx_headers)
    finally:
        signals.app_access_removed.disconnect(dispatch_uid="t-apps")
    assert "“Photo Prints” no longer has access to your account." in response.content.decode()
    assert len(calls(grants, "DELETE", f"{GRANTS_URL}/g1")) == 1
    assert told == ["Photo Prints"]
    event = AuditEvent.objects.get(action="app_access_remove")
    assert event.detail["application"] == "Photo Prints"


def test_removing_an_app_no_longer_listed_says_so(stepped_up, logto_mock, htmx_headers) -> None:
    logto_mock.get(GRANTS_URL, json={"grants": []})
    response = stepped_up.post(reverse("account_center:apps"), {"grant": "gone"}, **htmx_headers)
    assert "This app no longer has access to your account." in response.content.decode()
    assert not calls(logto_mock, "DELETE", f"{GRANTS_URL}/gone")


def test_without_javascript_removal_redirects_with_words(stepped_up, grants) -> None:
    grants.delete(f"{GRANTS_URL}/g1", status=204)
    response = stepped_up.post(reverse("account_center:apps"), {"grant": "g1"}, follow=True)
    assert "“Photo Prints” no longer has access to your account." in response.content.decode()


def test_read_only_lists_without_remove(auth_client, grants, settings) -> None:
    settings.ACCOUNT_CENTER_FEATURES = {"apps": "readonly"}
    html = auth_client.get(reverse("account_center:apps")).content.decode()
    assert "Photo Prints" in html and "Remove access" not in html
