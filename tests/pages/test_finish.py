"""The issue 8 finish, as views answer it: words, states, no-JS messages, typed values kept
across step-up, headings, layout landmarks, phone numbers in international format."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from account_center.templatetags.account_center_tags import avatar_colour, initials, phone
from tests.helpers import ENDPOINT, USER_URL, logto_user

pytestmark = pytest.mark.django_db

CODES = f"{ENDPOINT}/api/verification-codes"
CODES_VERIFY = f"{ENDPOINT}/api/verification-codes/verify"
MFA_URL = f"{USER_URL}/mfa-verifications"


def test_phone_numbers_are_shown_in_international_format() -> None:
    assert phone("442079460958") == "+44 20 7946 0958"
    assert phone("+14155550123") == "+1 415-555-0123"
    assert phone("12") == "+12"  # not a possible number: digits kept, never dropped
    assert phone(None) == ""


def test_security_page_formats_the_phone_and_never_calls_it_an_address(
    auth_client, logto_mock
) -> None:
    logto_mock.get(USER_URL, json=logto_user(primaryPhone="442079460958"))
    html = auth_client.get(reverse("account_center:security")).content.decode()
    assert "+44 20 7946 0958" in html and "442079460958<" not in html
    form = auth_client.get(reverse("account_center:phone")).content.decode()
    assert "address" not in re.sub(r"<[^>]+>", " ", form.split('id="ac-phone"')[1]).lower()


def test_initials_avatar_is_stable_per_user() -> None:
    assert initials("Ada Lovelace") == "AL" and initials("demo") == "D" and initials("") == "?"
    assert avatar_colour("u1") == avatar_colour("u1")
    assert len({avatar_colour(f"user-{i}") for i in range(40)}) > 3


def test_overview_shows_avatar_initials_and_name_on_top(auth_client, logto_mock) -> None:
    logto_mock.get(USER_URL, json=logto_user(name="Ada Lovelace"))
    logto_mock.get(MFA_URL, json=[])
    html = auth_client.get(reverse("account_center:overview")).content.decode()
    assert "ac-avatar--initials" in html and ">AL</span>" in html
    assert re.search(r"<h1[^>]*>Ada Lovelace</h1>", html)
    assert html.count('aria-current="page"') == 1
    assert re.search(r'href="/account/"\s+aria-current="page"', html)


def test_every_page_has_a_skip_link_a_favicon_and_a_way_back_to_the_site(
    auth_client, logto_mock
) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    logto_mock.get(MFA_URL, json=[])
    html = auth_client.get(reverse("account_center:overview")).content.decode()
    assert '<a class="ac-skip" href="#ac-main">Skip to content</a>' in html
    assert 'rel="icon"' in html and "favicon.svg" in html
    assert 'class="ac-topbar-back" href="/"' in html


def test_site_link_follows_the_setting(auth_client, logto_mock, settings) -> None:
    settings.ACCOUNT_CENTER_SITE_URL = "https://shop.example/"
    settings.ACCOUNT_CENTER_SITE_NAME = "Example Shop"
    logto_mock.get(USER_URL, json=logto_user())
    logto_mock.get(MFA_URL, json=[])
    html = auth_client.get(reverse("account_center:overview")).content.decode()
    assert 'href="https://shop.example/"' in html and "Back to Example Shop" in html


def test_verify_page_marks_no_menu_item_and_says_its_title_once(auth_client, logto_mock) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    html = auth_client.get(reverse("account_center:step_up") + "?next=/account/").content.decode()
    assert 'aria-current="page"' not in html
    assert len(re.findall(r"Confirm it(&#x27;|')s you</h", html)) == 1
    assert re.search(r"<h1[^>]*>Confirm it(&#x27;|')s you</h1>", html)


def test_section_page_without_javascript_has_one_heading_and_no_back_link(
    stepped_up, logto_mock
) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    html = stepped_up.get(reverse("account_center:email")).content.decode()
    assert len(re.findall(r">Email address</h[12]>", html)) == 1
    assert ">Back<" not in html and ">Cancel<" in html


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
    next_url = parse_qs(urlsplit(refused["Location"]).query)["next"][0]
    assert next_url == "/account/security/email/?email=new%40example.com"
    form = auth_client.get(next_url).content.decode()
    assert 'value="new@example.com"' in form

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


def test_favicon_ico_is_served(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code in (200, 301, 302)


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


def test_profile_is_shown_in_peoples_words(auth_client, logto_mock) -> None:
    profile = {
        "givenName": "Ada",
        "gender": "female",
        "locale": "en-US",
        "zoneinfo": "America/New_York",
        "address": {"streetAddress": "1 Main St", "locality": "Springfield", "country": "US"},
    }
    logto_mock.get(USER_URL, json=logto_user(profile=profile))
    html = auth_client.get(reverse("account_center:profile")).content.decode()
    assert "<dt>Given name</dt><dd>Ada</dd>" in html
    assert "<dt>Gender</dt><dd>Female</dd>" in html
    assert "<dt>Language</dt><dd>English (en-US)</dd>" in html
    assert "<dt>Time zone</dt><dd>America/New York</dd>" in html
    assert "<dt>Address</dt><dd>1 Main St, Springfield, US</dd>" in html
    assert "givenName" not in html
