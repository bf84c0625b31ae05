"""How pages show: landmarks (skip link, favicon, a way back to the site), one heading and the
current menu item, the avatar's initials, and values in people's words (phone numbers in
international format, profile fields)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from account_center.templatetags.account_center_tags import avatar_colour, initials, phone
from tests.helpers import USER_URL, logto_user

pytestmark = pytest.mark.django_db

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


def test_favicon_ico_is_served(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code in (200, 301, 302)


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
