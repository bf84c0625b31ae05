"""What a form answers: a saved notice without JavaScript, typed values kept across step-up (a
password never), the step-up form's states, a form's state after an error, the profile form's
groups, lists and checks."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.urls import reverse

from account_center.views.step_up import TYPED_KEY
from tests.helpers import ENDPOINT, USER_URL, logto_user

pytestmark = pytest.mark.django_db

CODES = f"{ENDPOINT}/api/verification-codes"
CODES_VERIFY = f"{ENDPOINT}/api/verification-codes/verify"


def test_saved_without_javascript_is_a_message_shown_once(stepped_up, logto_mock) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    logto_mock.patch(USER_URL, json=logto_user(username="alice_2"))
    response = stepped_up.post(reverse("account_center:username"), {"username": "alice_2"})
    assert response.status_code == 302
    page = stepped_up.get(response["Location"]).content.decode()
    region = page.split('class="ac-messages"')[1].split("</div>")[0]
    assert 'role="status"' in region and 'aria-live="polite"' in region and "Saved." in region
    again = stepped_up.get(response["Location"]).content.decode()
    assert "Saved." not in again.split('class="ac-messages"')[1].split("</div>")[0]


def test_profile_saved_without_javascript_says_so(auth_client, logto_mock) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    logto_mock.patch(USER_URL, json=logto_user(name="Alice B"))
    response = auth_client.post(reverse("account_center:profile_edit"), {"name": "Alice B"})
    assert response.status_code == 302
    assert "Saved." in auth_client.get(response["Location"]).content.decode()


def test_no_js_step_up_carries_the_typed_address_but_never_a_password(
    auth_client, logto_mock
) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    refused = auth_client.post(
        reverse("account_center:email"), {"action": "send", "email": "new@example.com"}
    )
    assert refused.status_code == 302
    # Kept for the form's page, never in a URL (browser history, server logs).
    assert "new" not in unquote(refused["Location"]) and "example" not in refused["Location"]
    next_url = parse_qs(urlsplit(refused["Location"]).query)["next"][0]
    assert next_url == "/account/security/email/"
    form = auth_client.get(next_url).content.decode()
    assert 'value="new@example.com"' in form
    # Shown once: the next visit starts empty.
    assert 'value="new@example.com"' not in auth_client.get(next_url).content.decode()

    refused = auth_client.post(
        reverse("account_center:password"),
        {"password": "S3cret-pass-phrase", "confirm": "S3cret-pass-phrase"},
    )
    assert "S3cret" not in unquote(refused["Location"])
    assert not any("S3cret" in str(v) for v in auth_client.session.values())


def test_password_heading_after_a_validation_error_knows_a_password_is_set(
    stepped_up, logto_mock, htmx_headers
) -> None:
    logto_mock.get(USER_URL, json=logto_user(hasPassword=True))
    html = stepped_up.post(
        reverse("account_center:password"), {"password": "abc", "confirm": "abd"}, **htmx_headers
    ).content.decode()
    assert "Change password</h2>" in html and "Set a password" not in html


def test_remove_button_stays_after_an_error(stepped_up, logto_mock, htmx_headers) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    html = stepped_up.post(
        reverse("account_center:email"), {"action": "send", "email": "nope"}, **htmx_headers
    ).content.decode()
    assert "Enter a valid email address" in html
    assert "Remove email address" in html


def test_current_email_within_the_resend_window_is_already_yours(
    stepped_up, logto_mock, htmx_headers, clock
) -> None:
    logto_mock.get(USER_URL, json=logto_user(primaryEmail="alice@example.com"))
    logto_mock.post(CODES, status=204)
    url = reverse("account_center:email")
    stepped_up.post(url, {"action": "send", "email": "alice2@example.com"}, **htmx_headers)
    # The code for alice2@ was just sent, and alice2@ became the address meanwhile.
    logto_mock.replace("GET", USER_URL, json=logto_user(primaryEmail="alice2@example.com"))
    html = stepped_up.post(
        url, {"action": "send", "email": "alice2@example.com"}, **htmx_headers
    ).content.decode()
    assert "This is already your email address." in html
    assert "A code was just sent" not in html


def test_step_up_with_a_code_sent_shows_only_the_code_field(auth_client, logto_mock) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    logto_mock.post(CODES, status=204)
    url = reverse("account_center:step_up")
    html = auth_client.post(url, {"action": "send_email", "next": "/account/"}).content.decode()
    assert 'id="id_step_up_code"' in html
    visible = html.split("<details")[0]
    assert 'id="id_step_up_password"' not in visible
    assert "Confirm another way" in html


def test_step_up_success_without_javascript_says_so(auth_client, logto_mock) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    logto_mock.post(f"{ENDPOINT}/api/users/u1/password/verify", status=204)
    response = auth_client.post(
        reverse("account_center:step_up"),
        {"action": "password", "password": "pw", "next": "/account/security/"},
    )
    assert response.status_code == 302
    assert "Confirmed." in auth_client.get("/account/security/").content.decode()


def test_an_empty_profile_form_says_the_name_will_be_cleared(
    auth_client, logto_mock, htmx_headers
) -> None:
    logto_mock.get(USER_URL, json=logto_user(name="Alice"))
    html = auth_client.post(
        reverse("account_center:profile_edit"), {}, **htmx_headers
    ).content.decode()
    assert "Saving will clear:" in html and "<strong>Name</strong>" in html
    assert not [c for c in logto_mock.calls if c.request.method == "PATCH"]


def test_profile_form_is_grouped_with_real_lists(auth_client, logto_mock, htmx_headers) -> None:
    logto_mock.get(USER_URL, json=logto_user(profile={"gender": "nonbinary", "locale": "en-US"}))
    html = auth_client.get(reverse("account_center:profile_edit"), **htmx_headers).content.decode()
    for legend in ("Name and picture", "Personal details", "Address", "Preferences"):
        assert f"<legend>{legend}</legend>" in html
    assert '<option value="Europe/Berlin">' in html and '<option value="de">' in html
    assert 'type="date"' in html and 'type="url"' in html
    assert '<option value="other" selected>' in html and 'value="nonbinary"' in html
    assert "id_address_formatted" not in html  # one address: its parts


def test_profile_refuses_an_unknown_time_zone_and_keeps_other_gender(
    auth_client, logto_mock, htmx_headers
) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    logto_mock.patch(USER_URL, json=logto_user())
    url = reverse("account_center:profile_edit")
    bad = auth_client.post(
        url, {"name": "Alice", "zoneinfo": "Mars/Olympus"}, **htmx_headers
    ).content.decode()
    assert "Choose a time zone from the list." in bad
    auth_client.post(
        url,
        {
            "name": "Alice",
            "zoneinfo": "Europe/Berlin",
            "locale": "de-de",
            "gender": "other",
            "gender_other": "nonbinary",
        },
        **htmx_headers,
    )
    patch = [c for c in logto_mock.calls if c.request.method == "PATCH"][0]
    import json

    assert json.loads(patch.request.body)["profile"] == {
        "zoneinfo": "Europe/Berlin",
        "locale": "de-DE",
        "gender": "nonbinary",
    }


def test_the_sign_in_again_link_carries_no_typed_value(auth_client, logto_mock) -> None:
    """The dialog's "Sign in again instead" comes back to the form's page, refilled from the
    session: the new address is in no URL."""
    logto_mock.get(USER_URL, json=logto_user())
    refused = auth_client.post(
        reverse("account_center:email"),
        {"action": "send", "email": "private.addr@example.com"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TRIGGER="ac-email-form",
        HTTP_HX_CURRENT_URL="http://testserver/account/security/",
    )
    html = refused.content.decode()
    link = re.search(r'href="([^"]*reauthenticate[^"]*)"', html)

    assert link is not None
    assert unquote(link.group(1)).endswith("?next=/account/security/email/")
    assert "private.addr" not in html.replace('value="private.addr@example.com"', "")
    form = auth_client.get(reverse("account_center:email")).content.decode()
    assert 'value="private.addr@example.com"' in form


def test_values_kept_for_the_round_trip_go_once_the_dialog_verified(
    auth_client, logto_mock, clock
) -> None:
    """Verified in the dialog, the browser submits the form it kept: the session's copy goes,
    so it never refills the form later."""
    logto_mock.get(USER_URL, json=logto_user())
    auth_client.post(
        reverse("account_center:username"),
        {"username": "typed_name"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TRIGGER="ac-username-form",
    )
    assert auth_client.session[TYPED_KEY]["values"] == {"username": "typed_name"}
    logto_mock.post(f"{USER_URL}/password/verify", status=204)

    auth_client.post(
        reverse("account_center:step_up"),
        {"action": "password", "password": "pw", "form_id": "ac-username-form"},
        HTTP_HX_REQUEST="true",
    )

    assert TYPED_KEY not in auth_client.session
