from __future__ import annotations

import pytest
import requests
from django.test import Client
from django.urls import reverse

from account_center.models import AuditEvent

from tests.helpers import ENDPOINT, USER_URL, body, calls, logto_user, signed_in

pytestmark = pytest.mark.django_db
CONNECTORS = f"{ENDPOINT}/api/connectors"


def test_overview_needs_sign_in(client: Client) -> None:
    response = client.get(reverse("account_center:overview"))
    assert response.status_code == 302
    assert reverse("account_center:login") in response["Location"]


def test_overview_shows_account_from_side_by_side_reads(auth_client, logto_mock, settings) -> None:
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "management"  # the Management API's reads, counted
    logto_mock.get(USER_URL, json=logto_user(identities={"github": {"userId": "9", "details": {}}}))
    logto_mock.get(f"{USER_URL}/mfa-verifications", json=[{"id": "m1", "type": "Totp"}])
    logto_mock.get(f"{USER_URL}/logto-configs", json={})
    logto_mock.get(f"{USER_URL}/personal-access-tokens", json=[{"name": "a", "value": "pat_x"}])
    logto_mock.get(f"{USER_URL}/sessions", json={"sessions": []})
    logto_mock.get(f"{USER_URL}/organizations", json=[])
    logto_mock.get(CONNECTORS, json=[])
    response = auth_client.get(reverse("account_center:overview"))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Alice", "alice@example.com", "github", "Authenticator app", "hx-headers"):
        assert text in html
    assert "1 token" in html and "Signed in on 0 sessions" in html and "pat_x" not in html
    # One read each (user, factors, switch, tokens, sessions, organizations), made side by
    # side; the providers' names only because the user has a linked account.
    api_calls = [c for c in logto_mock.calls if "/api/" in c.request.url]
    assert len([c for c in api_calls if c.request.url != CONNECTORS]) == 6
    assert len(api_calls) == 7


def test_overview_when_logto_is_down_is_a_friendly_503(auth_client, logto_mock) -> None:
    logto_mock.get(USER_URL, body=requests.ConnectionError("down"))
    logto_mock.get(f"{USER_URL}/mfa-verifications", body=requests.ConnectionError("down"))
    response = auth_client.get(reverse("account_center:overview"))
    assert response.status_code == 503
    assert "Logto is unavailable" in response.content.decode()


def test_disabled_section_is_hidden_and_404(auth_client, logto_mock, settings) -> None:
    settings.ACCOUNT_CENTER_SECTIONS = ["profile", "security"]
    logto_mock.get(USER_URL, json=logto_user())
    logto_mock.get(f"{USER_URL}/mfa-verifications", json=[])
    html = auth_client.get(reverse("account_center:overview")).content.decode()
    assert reverse("account_center:tokens") not in html
    assert reverse("account_center:profile") in html
    assert auth_client.get(reverse("account_center:tokens")).status_code == 404


def test_profile_edit_partial_for_htmx_full_page_otherwise(
    auth_client, logto_mock, htmx_headers
) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    url = reverse("account_center:profile_edit")
    partial = auth_client.get(url, **htmx_headers).content.decode()
    full = auth_client.get(url).content.decode()
    assert partial.lstrip().startswith("<section")
    assert "<html" not in partial
    assert "<html" in full and 'id="ac-profile"' in full


def test_profile_save_sends_changes_in_one_request_keeping_other_profile_keys(
    auth_client, logto_mock, htmx_headers
) -> None:
    stored = {"nickname": "Ali", "address": {"country": "DE", "locality": "Berlin"}}
    logto_mock.get(USER_URL, json=logto_user(profile=stored))
    logto_mock.patch(USER_URL, json=logto_user(name="Alice B"))
    response = auth_client.post(
        reverse("account_center:profile_edit"),
        {
            "name": "Alice B",
            "given_name": "Al",
            "avatar": "",
            "nickname": "Ali",
            "address_country": "DE",
            "address_locality": "Hamburg",
        },
        **htmx_headers,
    )
    assert response.status_code == 200
    assert "Alice B" in response.content.decode()
    # One write: a failure cannot leave half the change saved.
    assert len(calls(logto_mock, "PATCH", USER_URL)) == 1
    assert not calls(logto_mock, "PATCH", f"{USER_URL}/profile")
    assert body(calls(logto_mock, "PATCH", USER_URL)[0]) == {
        "name": "Alice B",
        "profile": {
            "nickname": "Ali",
            "givenName": "Al",
            "address": {"country": "DE", "locality": "Hamburg", "formatted": "Hamburg, DE"},
        },
    }


def test_profile_clearing_a_field_removes_it_and_keeps_the_rest(
    auth_client, logto_mock, htmx_headers
) -> None:
    logto_mock.get(
        USER_URL, json=logto_user(profile={"nickname": "Ali", "website": "https://a.example"})
    )
    logto_mock.patch(USER_URL, json=logto_user())
    asked = auth_client.post(
        reverse("account_center:profile_edit"),
        {"name": "Alice", "nickname": "", "website": "https://a.example"},
        **htmx_headers,
    )
    # Emptying a field is said first ("Saving will clear: Nickname"), then confirmed.
    assert "Saving will clear:" in asked.content.decode() and "Nickname" in asked.content.decode()
    assert not calls(logto_mock, "PATCH", USER_URL)
    auth_client.post(
        reverse("account_center:profile_edit"),
        {
            "name": "Alice",
            "nickname": "",
            "website": "https://a.example",
            "confirm_clear": "nickname",
        },
        **htmx_headers,
    )
    assert body(calls(logto_mock, "PATCH", USER_URL)[0]) == {"profile": {"website": "https://a.example"}}
    event = AuditEvent.objects.get(action="profile_update")
    assert event.outcome == "success" and event.sub == "u1"


def test_profile_invalid_avatar_is_a_field_error_with_input_kept(
    auth_client, logto_mock, htmx_headers
) -> None:
    response = auth_client.post(
        reverse("account_center:profile_edit"),
        {"name": "Zed", "avatar": "not a url"},
        **htmx_headers,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-invalid="true"' in html and "id_avatar_error" in html
    assert 'value="Zed"' in html
    assert not calls(logto_mock, "PATCH", USER_URL)


def test_profile_save_when_logto_down_keeps_input_503(auth_client, logto_mock, htmx_headers) -> None:
    logto_mock.get(USER_URL, body=requests.ConnectionError("down"))
    response = auth_client.post(
        reverse("account_center:profile_edit"), {"name": "Kept Name"}, **htmx_headers
    )
    html = response.content.decode()
    assert response.status_code == 503
    assert "Logto is unavailable" in html and 'value="Kept Name"' in html


def test_profile_plain_post_redirects(auth_client, logto_mock) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    logto_mock.patch(USER_URL, json=logto_user(name="New"))
    response = auth_client.post(reverse("account_center:profile_edit"), {"name": "New"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_center:profile")


def test_csrf_is_enforced(user, logto_mock) -> None:
    client = Client(enforce_csrf_checks=True)
    signed_in(client, user)
    response = client.post(reverse("account_center:profile_edit"), {"name": "x"})
    assert response.status_code == 403
    assert not [c for c in logto_mock.calls if "/api/" in c.request.url]


def test_custom_data_writes_declared_keys_only(auth_client, logto_mock, htmx_headers, settings) -> None:
    settings.ACCOUNT_CENTER_CUSTOM_DATA_FIELDS = [
        {"key": "team", "label": "Team", "type": "text"},
        {"key": "newsletter", "label": "Newsletter", "type": "boolean"},
    ]
    logto_mock.patch(f"{USER_URL}/custom-data", json={"plan": "pro", "team": "blue", "newsletter": True})
    response = auth_client.post(
        reverse("account_center:custom_data"),
        {"cd_team": "blue", "cd_newsletter": "on"},
        **htmx_headers,
    )
    assert response.status_code == 200
    sent = body(calls(logto_mock, "PATCH", f"{USER_URL}/custom-data")[0])
    assert sent == {"customData": {"team": "blue", "newsletter": True}}
    assert "plan" not in sent["customData"]
    assert "blue" in response.content.decode()
