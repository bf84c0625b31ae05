"""After a password change (and, by a setting, an email or phone change) the user's other
sessions end: other Django sessions at their next request (whatever the session backend), and
the other Logto sessions at Logto; this one stays signed in and the page says so."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from account_center.models import AuditEvent, LogtoIdentity
from tests.helpers import USER_URL, calls, logto_user, signed_in

from .test_sessions import OTHER, SESSIONS_URL, THIS, with_sid

PASSWORD = {"password": "A-new-passw0rd-2024", "confirm": "A-new-passw0rd-2024"}


def _password_change_answers(logto_mock) -> None:
    logto_mock.post(
        "https://logto.test/api/sign-in-exp/default/check-password", json={"result": True}
    )
    logto_mock.get(f"{USER_URL}/has-password", json={"hasPassword": True})
    logto_mock.patch(f"{USER_URL}/password", json=logto_user())
    logto_mock.get(USER_URL, json=logto_user())
    logto_mock.get(SESSIONS_URL, json={"sessions": [THIS, OTHER]})
    logto_mock.delete(f"{SESSIONS_URL}/uid-other", status=204)


def test_a_password_change_signs_out_every_other_session(
    stepped_up, user, logto_mock, htmx_headers
):
    _password_change_answers(logto_mock)
    elsewhere = signed_in(Client(), user)
    assert elsewhere.get(reverse("account_center:mfa")).status_code != 302

    answer = with_sid(stepped_up).post(reverse("account_center:password"), PASSWORD, **htmx_headers)

    assert "You were signed out everywhere else" in answer.content.decode()
    # The other Django session ends at its next request; this one goes on.
    later = elsewhere.get(reverse("account_center:overview"))
    assert later.status_code == 302 and "reason=credentials" in later["Location"]
    assert "_auth_user_id" not in elsewhere.session
    assert "_auth_user_id" in stepped_up.session
    # The other Logto session ended at Logto, this one did not.
    assert calls(logto_mock, "DELETE", f"{SESSIONS_URL}/uid-other")
    assert not calls(logto_mock, "DELETE", f"{SESSIONS_URL}/uid-this")
    assert LogtoIdentity.objects.get(user=user).session_epoch == 1
    assert AuditEvent.objects.filter(action="signed_out_elsewhere", outcome="success").exists()


def test_without_javascript_the_page_says_it_too(stepped_up, logto_mock):
    _password_change_answers(logto_mock)
    answer = with_sid(stepped_up).post(reverse("account_center:password"), PASSWORD, follow=True)
    assert "You were signed out everywhere else" in answer.content.decode()


def test_a_logto_without_the_sessions_api_still_ends_the_other_django_sessions(
    stepped_up, user, logto_mock, htmx_headers
):
    _password_change_answers(logto_mock)
    logto_mock.replace("GET", SESSIONS_URL, status=404, body="Not Found")
    elsewhere = signed_in(Client(), user)

    answer = with_sid(stepped_up).post(reverse("account_center:password"), PASSWORD, **htmx_headers)

    assert "You were signed out everywhere else" in answer.content.decode()
    assert elsewhere.get(reverse("account_center:overview")).status_code == 302
    assert not [c for c in logto_mock.calls if c.request.method == "DELETE"]


def test_an_email_change_keeps_other_sessions_unless_the_site_asks(stepped_up, user, settings):
    from account_center.flows.sign_out_elsewhere import sign_out_elsewhere

    request = type("Request", (), {})()
    request.user, request.session = user, stepped_up.session
    assert sign_out_elsewhere(request, "email") is False
    assert LogtoIdentity.objects.get(user=user).session_epoch == 0

    settings.ACCOUNT_CENTER_SIGN_OUT_ELSEWHERE_ON = ("password", "email")
    settings.ACCOUNT_CENTER_REVOKE_LOGTO_SESSIONS = False
    request.META = {"REMOTE_ADDR": "127.0.0.1"}
    assert sign_out_elsewhere(request, "email") is True
    assert LogtoIdentity.objects.get(user=user).session_epoch == 1
