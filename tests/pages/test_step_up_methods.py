"""Which ways to confirm it's you the site offers (ACCOUNT_CENTER_STEP_UP_METHODS, or the
admin's settings page): the dialog shows only those, and the server refuses the others."""

from __future__ import annotations

from django.urls import reverse

from account_center.flows import stepup
from tests.helpers import USER_URL, logto_user


def test_the_dialog_offers_only_the_methods_the_site_allows(auth_client, logto_mock, settings):
    settings.ACCOUNT_CENTER_STEP_UP_METHODS = ["email"]
    logto_mock.get(USER_URL, json=logto_user())

    html = auth_client.get(reverse("account_center:step_up")).content.decode()

    assert 'value="send_email"' in html
    assert 'value="password"' not in html
    assert "Sign in again instead" not in html


def test_a_password_is_refused_when_the_site_does_not_offer_it(auth_client, logto_mock, settings):
    settings.ACCOUNT_CENTER_STEP_UP_METHODS = ["email"]
    logto_mock.get(USER_URL, json=logto_user())
    checked = logto_mock.post(f"{USER_URL}/password/verify", status=204)

    answer = auth_client.post(
        reverse("account_center:step_up"), {"action": "password", "password": "right"}
    )

    assert "not offered on this site" in answer.content.decode()
    assert checked.call_count == 0
    assert not stepup.is_verified(answer.wsgi_request)


def test_signing_in_again_is_kept_when_nothing_else_is_left(auth_client, logto_mock, settings):
    """Only phone codes offered and the user has no phone: a way to confirm must remain."""
    settings.ACCOUNT_CENTER_STEP_UP_METHODS = ["phone"]
    logto_mock.get(USER_URL, json=logto_user(primaryPhone=None))

    html = auth_client.get(reverse("account_center:step_up")).content.decode()

    assert "Sign in again instead" in html
