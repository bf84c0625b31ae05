"""Limits the browser is told as well as the server: lengths, dates in the past, web addresses;
and a value Logto itself refuses is marked on its field, not only said above the form."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from account_center import clock
from account_center.forms import profile as profile_forms
from account_center.forms.tokens import TOKEN_NAME_MAX

from tests.helpers import USER_URL, calls, logto_user

pytestmark = pytest.mark.django_db

PAT_URL = f"{USER_URL}/personal-access-tokens"
PROFILE_EDIT = reverse("account_center:profile_edit")
INPUT_RE = re.compile(r"<input\b[^>]*>")


def _inputs(html: str, name: str) -> list[str]:
    return [
        tag
        for tag in INPUT_RE.findall(html)
        if f'name="{name}"' in tag and 'type="hidden"' not in tag
    ]


def test_token_name_fields_tell_the_browser_the_servers_limit(stepped_up, logto_mock) -> None:
    logto_mock.get(PAT_URL, json=[{"name": "backup", "createdAt": 0, "expiresAt": None}])

    html = stepped_up.get(reverse("account_center:tokens")).content.decode()

    names = _inputs(html, "name")
    assert len(names) == 2  # the new token's, and the rename of "backup"
    assert all(f'maxlength="{TOKEN_NAME_MAX}"' in tag for tag in names), names


def test_a_longer_token_name_is_still_refused_by_the_server(stepped_up, logto_mock) -> None:
    logto_mock.get(PAT_URL, json=[])

    html = stepped_up.post(
        reverse("account_center:tokens"),
        {"action": "create", "name": "n" * (TOKEN_NAME_MAX + 1), "expiry": "never"},
    ).content.decode()

    assert f"Use at most {TOKEN_NAME_MAX} characters." in html
    assert calls(logto_mock, "POST", PAT_URL) == []


def test_every_text_field_of_the_profile_form_has_the_servers_length(stepped_up, logto_mock) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    form = profile_forms.ProfileForm()

    html = stepped_up.get(PROFILE_EDIT).content.decode()

    for name, field in form.fields.items():
        limit = getattr(field, "max_length", None)
        if limit is None:
            continue
        (tag,) = _inputs(html, name)
        assert f'maxlength="{limit}"' in tag, name


def test_the_birthdate_input_offers_no_future_day_and_the_server_refuses_one(
    stepped_up, logto_mock
) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    latest = (clock.utcnow() + timedelta(hours=14)).date()

    (tag,) = _inputs(stepped_up.get(PROFILE_EDIT).content.decode(), "birthdate")
    html = stepped_up.post(PROFILE_EDIT, {"name": "Alice", "birthdate": "2999-01-01"})

    assert f'max="{latest.isoformat()}"' in tag
    (refused,) = _inputs(html.content.decode(), "birthdate")
    assert 'aria-invalid="true"' in refused
    assert "A birthdate cannot be in the future." in html.content.decode()
    assert calls(logto_mock, "PATCH", USER_URL) == []


def test_todays_birthdate_is_accepted(stepped_up, logto_mock) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    logto_mock.patch(USER_URL, json=logto_user())
    today = clock.utcnow().date().isoformat()

    stepped_up.post(PROFILE_EDIT, {"name": "Alice", "birthdate": today})

    assert len(calls(logto_mock, "PATCH", USER_URL)) == 1


@pytest.mark.parametrize("url", ["ftp://pictures.example/me.png", "mailto:me@example.com"])
def test_a_picture_url_that_is_no_web_address_is_refused_at_its_field(
    url, stepped_up, logto_mock
) -> None:
    logto_mock.get(USER_URL, json=logto_user())

    html = stepped_up.post(PROFILE_EDIT, {"name": "Alice", "avatar": url}).content.decode()

    (tag,) = _inputs(html, "avatar")
    assert 'aria-invalid="true"' in tag
    assert "Enter a web address starting with http:// or https://." in html
    assert calls(logto_mock, "PATCH", USER_URL) == []


def test_a_value_logto_refuses_is_marked_on_its_field(stepped_up, logto_mock) -> None:
    """guard.invalid_input names the refused value in zod's path: the form marks that field."""
    logto_mock.get(USER_URL, json=logto_user())
    logto_mock.patch(
        USER_URL,
        status=400,
        json={
            "code": "guard.invalid_input",
            "message": "The request input is invalid.",
            "details": "profile.website: Invalid url",
            "data": {
                "issues": [{"code": "custom", "message": "Invalid url", "path": ["profile", "website"]}],
                "name": "ZodError",
            },
        },
    )

    html = stepped_up.post(
        PROFILE_EDIT, {"name": "Alice", "website": "https://example.com/"}
    ).content.decode()

    (tag,) = _inputs(html, "website")
    assert 'aria-invalid="true"' in tag
    assert "This value was not accepted." in html
    assert "Some of the values were not accepted." not in html
    (name,) = _inputs(html, "name")
    assert "aria-invalid" not in name
