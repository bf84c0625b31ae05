"""A session ended from elsewhere lands, before any trip to Logto's sign-in, on a page that says
why in words of its own: revoked from the Sessions page, signed out by an administrator, the
user's sign-in details changed, or the account suspended; with a way to sign in again and come
back to the page."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from account_center.flows import sessions, sign_out_elsewhere
from account_center.flows.local_user import sign_out_here
from account_center.models import LogtoIdentity

from tests.helpers import USER_URL, logto_user, signed_in
from .test_sessions import with_sid

pytestmark = pytest.mark.django_db

ENDED = reverse("account_center:account_ended")


def _ended_by(reason: str, user) -> Client:
    """A second browser of ``user``, on a site page, whose session is then ended for ``reason``."""
    browser = with_sid(signed_in(Client(), user), "sid-other")
    assert browser.get("/_baseline/").status_code == 200
    identity = LogtoIdentity.objects.get(user=user)
    if reason == "revoked":
        cache.set(sessions._REVOKED_KEY.format(sid="sid-other"), True)  # as the Sessions page
    elif reason == "admin":
        sign_out_here(identity)  # the admin's "Sign out of all Logto sessions", a webhook
    else:
        sign_out_elsewhere.end_sessions(identity, sign_out_elsewhere.CREDENTIALS)
    return browser


WORDS = {
    "revoked": "This browser was signed out from the Sessions page of your account",
    "admin": "An administrator signed you out of all your sessions.",
    "credentials": "Your password, email or phone was changed in another session",
}
WRONG = "Your sign-in details were changed"


@pytest.mark.parametrize("reason", sorted(WORDS))
def test_the_page_the_user_lands_on_says_why(reason, user, logto_mock):
    logto_mock.get(USER_URL, json=logto_user())  # the account itself is fine
    browser = _ended_by(reason, user)

    answer = browser.get("/_baseline/?tab=2")

    # Not straight to Logto's sign-in page: to words on this site first.
    assert answer.status_code == 302 and answer["Location"].startswith(f"{ENDED}?reason={reason}")
    page = browser.get(answer["Location"]).content.decode()
    assert WORDS[reason] in page
    assert all(words not in page for other, words in WORDS.items() if other != reason)
    assert WRONG not in page
    assert "/account/login/?next=/_baseline/%3Ftab%3D2" in page.replace("&amp;", "&")
    assert "_auth_user_id" not in browser.session


def test_after_the_admin_signed_them_out_no_word_of_changed_details_waits_for_later(user, logto_mock):
    logto_mock.get(USER_URL, json=logto_user())
    browser = _ended_by("admin", user)
    landing = browser.get("/_baseline/", follow=True).content.decode()
    assert WORDS["admin"] in landing
    # Signed in again: no stale notice saying their details were changed.
    signed_in(browser, user)
    assert WRONG not in browser.get(reverse("account_center:overview")).content.decode()


def test_a_suspension_still_says_suspended(user, logto_mock):
    logto_mock.get(USER_URL, json=logto_user(isSuspended=True))
    browser = _ended_by("admin", user)
    answer = browser.get("/_baseline/", follow=True)
    assert "Your account is suspended." in answer.content.decode()
    assert "Sign in again" not in answer.content.decode()


def test_an_htmx_request_goes_to_the_words_too(user, logto_mock, htmx_headers):
    browser = _ended_by("revoked", user)
    answer = browser.get(
        reverse("account_center:profile"),
        HTTP_HX_CURRENT_URL="http://testserver/account/",
        **htmx_headers,
    )
    assert answer["HX-Redirect"] == f"{ENDED}?reason=revoked&next=%2Faccount%2F"


def test_a_change_sent_from_an_ended_session_is_refused_in_words(user, logto_mock):
    logto_mock.get(USER_URL, json=logto_user())
    browser = _ended_by("credentials", user)
    answer = browser.post(
        reverse("account_center:profile_edit"),
        {"name": "x"},
        HTTP_REFERER="http://testserver/account/profile/",
    )
    page = answer.content.decode()
    assert answer.status_code == 401
    assert WORDS["credentials"] in page and "Nothing was changed." in page
    assert "/account/login/?next=/account/profile/" in page
    assert not [c for c in logto_mock.calls if c.request.method == "PATCH"]


def test_the_ended_page_never_sends_anyone_off_the_site(client):
    page = client.get(f"{ENDED}?reason=revoked&next=https://evil.example/").content.decode()
    assert "evil.example" not in page


def test_an_unknown_reason_reads_as_an_ended_session(client):
    assert "Your session has ended." in client.get(f"{ENDED}?reason=whatever").content.decode()
