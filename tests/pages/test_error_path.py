"""One error path: deleted or suspended accounts, Logto's refusals in words, validation before
step-up, and the headers every account page carries."""

from __future__ import annotations

import threading

import pytest
import requests
from django.urls import reverse

from account_center import parallel_reads
from account_center.logto.errors import LogtoAPIError, LogtoOutcomeUnknown
from account_center.models import AuditEvent
from tests.helpers import ENDPOINT, USER_URL, USERS_URL, calls, logto_user

GONE = {"code": "entity.not_found", "message": "The resource does not exist."}


def test_deleted_user_is_signed_out_and_told_the_account_no_longer_exists(
    auth_client, logto_mock
) -> None:
    logto_mock.get(USER_URL, status=404, json=GONE)
    response = auth_client.get(reverse("account_center:profile"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Your account no longer exists." in html and "unavailable" not in html
    assert "_auth_user_id" not in auth_client.session
    assert AuditEvent.objects.filter(action="session_ended", detail__reason="deleted").exists()
    again = auth_client.get(reverse("account_center:profile"))
    assert again.status_code == 302 and "login" in again["Location"]


def test_deleted_user_with_htmx_goes_to_the_ended_page(
    auth_client, logto_mock, htmx_headers
) -> None:
    logto_mock.get(USER_URL, status=404, json=GONE)
    response = auth_client.get(reverse("account_center:profile_edit"), **htmx_headers)
    assert response["HX-Redirect"] == reverse("account_center:account_ended") + "?reason=deleted"
    page = auth_client.get(response["HX-Redirect"])
    assert "Your account no longer exists." in page.content.decode()


def test_a_404_for_something_else_is_not_a_deleted_account(auth_client, logto_mock, monkeypatch):
    """Only the user's own record answering 404 ends the session."""
    logto_mock.get(USER_URL, json=logto_user())

    def missing(self, *args, **kwargs):
        from account_center.logto.errors import LogtoNotFound

        raise LogtoNotFound(404, "entity.not_found", "gone")

    from account_center.views.profile import ProfileView

    monkeypatch.setattr(ProfileView, "get", missing)
    response = auth_client.get(reverse("account_center:profile"))
    assert "_auth_user_id" in auth_client.session
    assert "no longer exists" not in response.content.decode()


def test_suspended_user_is_signed_out_at_the_next_check(clock, auth_client, logto_mock) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    assert auth_client.get(reverse("account_center:profile")).status_code == 200
    logto_mock.replace(responses_get(), USER_URL, json=logto_user(isSuspended=True))
    clock[0] += 61
    response = auth_client.get(reverse("account_center:profile"))
    assert "Your account is suspended." in response.content.decode()
    assert "_auth_user_id" not in auth_client.session


def responses_get():
    import responses

    return responses.GET


def test_account_check_is_not_repeated_within_the_interval(auth_client, logto_mock) -> None:
    """Signing in counts as a check: pages do not add a Logto read of their own for it."""
    logto_mock.get(USER_URL, json=logto_user())
    auth_client.get(reverse("account_center:profile"))
    assert len(calls(logto_mock, "GET", USER_URL)) == 1


def test_logto_down_during_the_check_is_not_a_sign_out(clock, auth_client, logto_mock) -> None:
    clock[0] += 3600
    logto_mock.get(USER_URL, body=requests.ConnectionError("down"))
    response = auth_client.get(reverse("account_center:profile"))
    assert response.status_code == 503
    assert "_auth_user_id" in auth_client.session


@pytest.mark.parametrize(
    ("error", "status", "words"),
    [
        (LogtoAPIError(422, "user.email_already_in_use", "x"), 200, "used by another account"),
        (LogtoOutcomeUnknown("read timeout"), 503, "could not confirm that your change was saved"),
    ],
)
def test_what_escapes_a_view_is_answered_in_words(
    auth_client, logto_mock, monkeypatch, error, status, words
):
    def fail(self, request):
        raise error

    from account_center.views.profile import ProfileView

    monkeypatch.setattr(ProfileView, "get", fail)
    response = auth_client.get(reverse("account_center:profile"))
    html = response.content.decode()
    assert response.status_code == status and words in html
    assert "Logto is unavailable" not in html and "Saved" not in html
    if isinstance(error, LogtoOutcomeUnknown):
        assert AuditEvent.objects.filter(outcome="unknown").exists()


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("account_center:email", {"action": "send", "email": ""}),
        ("account_center:email", {"action": "send", "email": "not-an-address"}),
        ("account_center:phone", {"action": "send", "phone": "12"}),
        ("account_center:username", {"username": ""}),
        ("account_center:username", {"username": "1-not a username"}),
        ("account_center:password", {"password": "", "confirm": ""}),
        ("account_center:password", {"password": "G00d-passphrase", "confirm": "other"}),
    ],
)
def test_invalid_input_gets_field_errors_before_any_step_up(
    auth_client, logto_mock, htmx_headers, url, data
) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    response = auth_client.post(reverse(url), data, **htmx_headers)
    html = response.content.decode()
    assert response.status_code == 200
    assert "HX-Retarget" not in response and "Confirm it" not in html
    assert 'aria-invalid="true"' in html or "ac-field-error" in html or "errorlist" in html
    assert not AuditEvent.objects.filter(action="step_up_required").exists()


def test_valid_input_without_step_up_asks_for_it_and_changes_nothing(
    auth_client, logto_mock, htmx_headers
) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    response = auth_client.post(
        reverse("account_center:email"),
        {"action": "send", "email": "new@example.com"},
        **htmx_headers,
    )
    assert response["HX-Retarget"] == "#ac-step-up-content"
    assert not calls(logto_mock, "POST", f"{ENDPOINT}/api/verification-codes")
    assert not calls(logto_mock, "GET", USERS_URL)
    assert AuditEvent.objects.filter(action="step_up_required").exists()


def test_plain_post_without_step_up_goes_to_the_step_up_page(auth_client, logto_mock) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    response = auth_client.post(reverse("account_center:username"), {"username": "bob"})
    assert response.status_code == 302 and reverse("account_center:step_up") in response["Location"]
    assert not calls(logto_mock, "PATCH", USER_URL)


def test_account_pages_are_private_and_vary_is_patched(
    auth_client, logto_mock, htmx_headers
) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    for response in (
        auth_client.get(reverse("account_center:profile")),
        auth_client.get(reverse("account_center:profile_edit"), **htmx_headers),
    ):
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= cache_control
    edit = auth_client.get(reverse("account_center:profile_edit"), **htmx_headers)
    vary = {part.strip().lower() for part in edit["Vary"].split(",")}
    assert {"hx-request", "cookie"} <= vary


def test_concurrently_closes_the_pool_threads_database_connections(monkeypatch) -> None:
    closed: list[str] = []
    monkeypatch.setattr(
        parallel_reads.connections, "close_all", lambda: closed.append(threading.current_thread().name)
    )
    assert parallel_reads.concurrently((lambda: 1,), (lambda: 2,), (lambda: 3,)) == [1, 2, 3]
    assert len(closed) == 2 and all(name.startswith("account-center") for name in closed)


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("account_center:username", {"username": "bob"}),
        ("account_center:email", {"action": "verify", "code": "123456"}),
    ],
)
def test_a_change_whose_outcome_is_unknown_is_never_saved(
    stepped_up, logto_mock, htmx_headers, url, data
) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    logto_mock.post(f"{ENDPOINT}/api/verification-codes", status=204)
    logto_mock.post(f"{ENDPOINT}/api/verification-codes/verify", status=204)
    logto_mock.patch(USER_URL, body=requests.ReadTimeout("no answer"))
    if data.get("action") == "verify":
        stepped_up.post(
            reverse(url), {"action": "send", "email": "new@example.com"}, **htmx_headers
        )
    response = stepped_up.post(reverse(url), data, **htmx_headers)
    html = response.content.decode()
    assert "could not confirm that your change was saved" in html
    assert "Saved" not in html and "Logto is unavailable" not in html
    assert AuditEvent.objects.filter(outcome="unknown").exists()
