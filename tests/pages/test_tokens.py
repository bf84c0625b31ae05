from __future__ import annotations

import logging
from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from account_center import signals
from account_center.forms import tokens as token_forms
from account_center.flows import changes
from account_center.models import AuditEvent
from tests.helpers import USER_URL, body, calls

pytestmark = pytest.mark.django_db

PAT_URL = f"{USER_URL}/personal-access-tokens"
VALUE = "pat_S3cretValueNobodyMaySeeTwice"
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch: pytest.MonkeyPatch, clock: list[float]) -> None:
    clock[0] = NOW.timestamp()  # before any step-up is stamped with it
    monkeypatch.setattr(token_forms, "today", lambda: NOW.date())


@pytest.fixture
def pats(logto_mock):
    logto_mock.get(
        PAT_URL,
        json=[
            {
                "name": "old",
                "createdAt": ms(datetime(2025, 1, 1, tzinfo=UTC)),
                "expiresAt": ms(datetime(2025, 6, 1, tzinfo=UTC)),
                "value": "pat_listedOld",
            },
            {
                "name": "ci",
                "createdAt": ms(datetime(2026, 10, 1, tzinfo=UTC)),
                "expiresAt": None,
                "value": VALUE,
            },
        ],
    )
    return logto_mock


def test_list_hides_values_and_words_expiry(auth_client, pats) -> None:
    html = auth_client.get(reverse("account_center:tokens")).content.decode()
    assert "pat_" not in html
    assert html.index("Delete ci") < html.index("Delete old")  # working first
    assert "it no longer works" in html and "Expired" in html
    assert "Placeholder" not in html and "coming soon" not in html.lower()


def test_token_value_is_in_exactly_one_response(stepped_up, pats, htmx_headers, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    pats.post(
        PAT_URL,
        status=201,
        json={"name": "ci", "createdAt": ms(NOW), "expiresAt": None, "value": VALUE},
    )
    answers = [stepped_up.get(reverse("account_center:tokens"))]
    created = stepped_up.post(
        reverse("account_center:tokens"), {"name": "ci", "expiry": "never"}, **htmx_headers
    )
    answers += [created]
    answers += [stepped_up.get(reverse("account_center:tokens"))]
    answers += [stepped_up.get(reverse("account_center:tokens"), **htmx_headers)]
    answers += [stepped_up.get(reverse("account_center:overview"))]
    assert [VALUE in a.content.decode() for a in answers] == [False, True, False, False, False]
    assert "shown only this once" in created.content.decode()
    assert "no-store" in created.headers["Cache-Control"]
    assert VALUE not in str(dict(stepped_up.session))
    assert VALUE not in caplog.text
    assert not any(VALUE in str(e.detail) for e in AuditEvent.objects.all())


def test_create_sends_name_and_preset_expiry(stepped_up, pats, htmx_headers) -> None:
    received = []
    signals.personal_access_token_created.connect(
        lambda **kw: received.append(kw), weak=False, dispatch_uid="t-pat"
    )
    pats.post(PAT_URL, status=201, json={"name": "backup", "value": "pat_x"})
    stepped_up.post(
        reverse("account_center:tokens"), {"name": "  backup  ", "expiry": "30"}, **htmx_headers
    )
    sent = body(calls(pats, "POST", PAT_URL)[0])
    assert sent["name"] == "backup"
    assert sent["expiresAt"] == ms(datetime(2026, 12, 23, tzinfo=UTC))
    assert received[0]["name"] == "backup" and "value" not in received[0]
    assert AuditEvent.objects.filter(action="token_create", outcome="success").exists()
    signals.personal_access_token_created.disconnect(dispatch_uid="t-pat")


def test_create_with_a_date(stepped_up, pats, htmx_headers) -> None:
    pats.post(PAT_URL, status=201, json={"name": "d", "value": "pat_x"})
    stepped_up.post(
        reverse("account_center:tokens"),
        {"name": "d", "expiry": "date", "expires_on": "2027-01-15"},
        **htmx_headers,
    )
    assert body(calls(pats, "POST", PAT_URL)[0])["expiresAt"] == ms(
        datetime(2027, 1, 15, tzinfo=UTC)
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "expiry": "never"}, "Give the token a name."),
        ({"name": "x" * 65, "expiry": "never"}, "at most 64 characters"),
        ({"name": "d", "expiry": "date", "expires_on": ""}, "Choose the date"),
        ({"name": "d", "expiry": "date", "expires_on": str(date(2026, 11, 22))}, "after today"),
    ],
)
def test_bad_input_is_refused_before_logto_and_step_up(
    auth_client, pats, htmx_headers, data, message
) -> None:
    response = auth_client.post(reverse("account_center:tokens"), data, **htmx_headers)
    assert response.status_code == 200 and message in response.content.decode()
    assert "HX-Retarget" not in response.headers
    assert not calls(pats, "POST", PAT_URL)


def test_duplicate_name_in_words(stepped_up, pats, htmx_headers) -> None:
    pats.post(
        PAT_URL,
        status=422,
        json={"code": "user.personal_access_token_name_exists", "message": "x"},
    )
    response = stepped_up.post(
        reverse("account_center:tokens"), {"name": "ci", "expiry": "never"}, **htmx_headers
    )
    html = response.content.decode()
    assert "already have a token with this name" in html and 'value="ci"' in html


def test_create_needs_step_up(auth_client, pats, htmx_headers, clock) -> None:
    response = auth_client.post(
        reverse("account_center:tokens"), {"name": "ci", "expiry": "never"}, **htmx_headers
    )
    assert response.headers["HX-Retarget"] == "#ac-step-up-content"
    assert not calls(pats, "POST", PAT_URL)


def test_rename(stepped_up, pats, htmx_headers) -> None:
    pats.patch(PAT_URL, status=204)
    response = stepped_up.post(
        reverse("account_center:tokens_rename"),
        {"current_name": "ci", "name": "deploy"},
        **htmx_headers,
    )
    assert "Renamed to “deploy”" in response.content.decode()
    assert body(calls(pats, "PATCH", PAT_URL)[0]) == {"currentName": "ci", "name": "deploy"}
    assert AuditEvent.objects.filter(action="token_rename", outcome="success").exists()


def test_rename_to_taken_name_in_words(stepped_up, pats, htmx_headers) -> None:
    pats.patch(
        PAT_URL,
        status=422,
        json={"code": "user.personal_access_token_name_exists", "message": "x"},
    )
    response = stepped_up.post(
        reverse("account_center:tokens_rename"),
        {"current_name": "ci", "name": "old"},
        **htmx_headers,
    )
    html = response.content.decode()
    assert "already have a token with this name" in html and "<details open>" in html


def test_rename_and_delete_need_step_up(auth_client, pats, htmx_headers, clock) -> None:
    for url, data in [
        (reverse("account_center:tokens_rename"), {"current_name": "ci", "name": "x"}),
        (reverse("account_center:tokens_delete"), {"name": "ci"}),
    ]:
        response = auth_client.post(url, data, **htmx_headers)
        assert response.headers["HX-Retarget"] == "#ac-step-up-content"
    assert not [c for c in pats.calls if c.request.method in ("PATCH", "DELETE")]
    assert not calls(pats, "POST", f"{PAT_URL}/delete")


def test_delete(stepped_up, pats) -> None:
    pats.post(f"{PAT_URL}/delete", status=204)
    response = stepped_up.post(reverse("account_center:tokens_delete"), {"name": "ci"})
    assert response.status_code == 302 and response.url == reverse("account_center:tokens")
    assert body(calls(pats, "POST", f"{PAT_URL}/delete")[0]) == {"name": "ci"}
    assert AuditEvent.objects.filter(action="token_delete", outcome="success").exists()


def test_create_without_javascript_shows_value_in_the_page(stepped_up, pats) -> None:
    pats.post(PAT_URL, status=201, json={"name": "ci", "value": VALUE})
    response = stepped_up.post(reverse("account_center:tokens"), {"name": "ci", "expiry": "7"})
    html = response.content.decode()
    assert response.status_code == 200 and "<h1" in html and VALUE in html


def test_logto_down_is_words(auth_client, logto_mock) -> None:
    logto_mock.get(PAT_URL, status=503)
    response = auth_client.get(reverse("account_center:tokens"))
    assert response.status_code == 503 and "Logto is unavailable" in response.content.decode()


def test_create_whose_answer_is_lost_says_so(stepped_up, pats, htmx_headers) -> None:
    import requests

    pats.post(PAT_URL, body=requests.ReadTimeout("slow"))
    response = stepped_up.post(
        reverse("account_center:tokens"), {"name": "ci", "expiry": "never"}, **htmx_headers
    )
    html = response.content.decode()
    assert response.status_code == 503
    assert "could not confirm that your change was saved" in html
    assert 'value="ci"' in html  # input kept


def test_adapter_hears_of_a_new_token(stepped_up, pats, htmx_headers, monkeypatch) -> None:
    from account_center.adapter import DefaultAccountCenterAdapter

    heard: list[str] = []

    class Recording(DefaultAccountCenterAdapter):
        def on_credentials_changed(self, request, kind: str) -> None:
            heard.append(kind)

    monkeypatch.setattr(changes, "get_adapter", Recording)  # the change path calls the hook
    pats.post(PAT_URL, status=201, json={"name": "ci", "value": VALUE})
    stepped_up.post(
        reverse("account_center:tokens"), {"name": "ci", "expiry": "never"}, **htmx_headers
    )
    assert heard == ["personal_access_token"]
