"""The top bar names the user as the account pages' heading does (Logto's profile name), from
sign-in on and right after a change of it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from account_center.flows.identity import DISPLAY_NAME_KEY

from tests.helpers import USER_URL, logto_user

pytestmark = pytest.mark.django_db

TOP_BAR_RE = re.compile(r'<span id="ac-topbar-user"[^>]*>([^<]*)</span>')
PAT_URL = f"{USER_URL}/personal-access-tokens"


def _top_bar(html: str) -> list[str]:
    return TOP_BAR_RE.findall(html)


@pytest.fixture
def given_and_family(user):
    user.first_name, user.last_name = "Augusta", "King"
    user.save()
    return user


def test_the_top_bar_shows_the_profile_name_not_the_local_given_and_family_names(
    given_and_family, auth_client, logto_mock
) -> None:
    logto_mock.get(USER_URL, json=logto_user(name="Ada Profile"))

    html = auth_client.get(reverse("account_center:profile")).content.decode()

    assert _top_bar(html) == ["Ada Profile"]


def test_the_name_kept_from_sign_in_is_shown_on_pages_that_do_not_read_the_account(
    given_and_family, auth_client, logto_mock
) -> None:
    session = auth_client.session
    session[DISPLAY_NAME_KEY] = "Ada Profile"
    session.save()
    logto_mock.get(PAT_URL, json=[])

    html = auth_client.get(reverse("account_center:tokens")).content.decode()

    assert _top_bar(html) == ["Ada Profile"]


def test_without_a_kept_name_the_local_names_are_shown(given_and_family, auth_client, logto_mock):
    logto_mock.get(PAT_URL, json=[])

    html = auth_client.get(reverse("account_center:tokens")).content.decode()

    assert _top_bar(html) == ["Augusta King"]


def test_a_profile_change_brings_the_new_name_to_the_top_bar_at_once(
    given_and_family, stepped_up, logto_mock, htmx_headers
) -> None:
    logto_mock.get(USER_URL, json=logto_user(name="Ada Profile"))
    logto_mock.patch(USER_URL, json=logto_user(name="Ada Renamed"))
    logto_mock.get(PAT_URL, json=[])
    stepped_up.get(reverse("account_center:profile"))

    swapped = stepped_up.post(
        reverse("account_center:profile_edit"), {"name": "Ada Renamed"}, **htmx_headers
    ).content.decode()

    # The section, and the top bar's name out of band (htmx swaps it by its id).
    assert swapped.startswith('<section id="ac-profile"')
    assert 'hx-swap-oob="true">Ada Renamed</span>' in swapped
    page = stepped_up.get(reverse("account_center:tokens")).content.decode()
    assert _top_bar(page) == ["Ada Renamed"]


def test_an_unchanged_name_sends_no_out_of_band_swap(stepped_up, logto_mock, htmx_headers) -> None:
    logto_mock.get(USER_URL, json=logto_user(name="Alice"))
    logto_mock.patch(USER_URL, json=logto_user(name="Alice", profile={"nickname": "Al"}))
    stepped_up.get(reverse("account_center:profile"))

    swapped = stepped_up.post(
        reverse("account_center:profile_edit"), {"name": "Alice", "nickname": "Al"}, **htmx_headers
    ).content.decode()

    assert "hx-swap-oob" not in swapped
