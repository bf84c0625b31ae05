from __future__ import annotations

import json

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from account_center.flows import stepup
from account_center.models import AuditEvent
from tests.helpers import ENDPOINT, SUB, USER_URL, body, calls, logto_user, signed_in

pytestmark = pytest.mark.django_db

PASSWORD_URL = f"{USER_URL}/password"
VERIFY_URL = f"{USER_URL}/password/verify"


def test_password_change_refused_without_step_up(auth_client, logto_mock) -> None:
    response = auth_client.post(
        reverse("account_center:password"),
        {"password": "N3w-passw0rd!", "confirm": "N3w-passw0rd!"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_center:step_up") + "?next=")
    assert not calls(logto_mock, "PATCH", PASSWORD_URL)
    assert AuditEvent.objects.filter(action="step_up_required", outcome="denied").exists()


def test_htmx_refusal_opens_dialog_beside_the_form_offering_only_methods_user_has(
    auth_client, logto_mock, htmx_headers
) -> None:
    logto_mock.get(USER_URL, json=logto_user(hasPassword=False, primaryEmail="a@example.com"))
    response = auth_client.post(
        reverse("account_center:username"),
        {"username": "bob"},
        HTTP_HX_TARGET="ac-username",
        HTTP_HX_TRIGGER="ac-username-form",
        **htmx_headers,
    )
    html = response.content.decode()
    assert response.status_code == 200
    # Into the layout's dialog, not over the refused form (which keeps what the user typed).
    assert response["HX-Retarget"] == "#ac-step-up-content"
    assert response["HX-Reswap"] == "innerHTML"
    assert 'id="ac-step-up-panel"' in html and "Confirm it" in html
    assert '<input type="hidden" name="form_id" value="ac-username-form">' in html
    assert 'value="send_email"' in html
    assert 'value="password"' not in html  # no password: not offered
    assert "/account/reauthenticate/?next=" in html
    assert not calls(logto_mock, "PATCH", USER_URL)


@pytest.mark.parametrize("trigger", ["", "1form", 'x" onmouseover="alert(1)', "a" * 80, "a b"])
def test_refused_form_id_must_be_a_plain_id(auth_client, logto_mock, htmx_headers, trigger) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    response = auth_client.post(
        reverse("account_center:username"),
        {"username": "bob"},
        HTTP_HX_TRIGGER=trigger,
        **htmx_headers,
    )
    assert response.status_code == 200
    assert 'name="form_id"' not in response.content.decode()


def test_htmx_step_up_names_the_refused_form_and_the_browser_resubmits_it(
    auth_client, logto_mock, htmx_headers, clock
) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    logto_mock.post(VERIFY_URL, status=204)
    logto_mock.patch(USER_URL, json=logto_user(username="bob"))
    url = reverse("account_center:username")
    form = {"username": "bob", "action": "save"}
    refused = auth_client.post(url, form, HTTP_HX_TRIGGER="ac-username-form", **htmx_headers)
    assert refused.context["form_id"] == "ac-username-form"
    verified = auth_client.post(
        reverse("account_center:step_up"),
        {
            "action": "password",
            "password": "Step-up-pw-82",
            "form_id": "ac-username-form",
            "next": "/account/security/",
        },
        HTTP_HX_TRIGGER="x",
        **htmx_headers,
    )
    assert verified.status_code == 200
    assert json.loads(verified["HX-Trigger"]) == {
        "accountCenterVerified": {"formId": "ac-username-form"}
    }
    assert "HX-Redirect" not in verified
    assert "secret" not in verified.content.decode()
    # account_center.js submits the untouched form again; the gate lets it through now.
    resumed = auth_client.post(
        url, form, HTTP_HX_TRIGGER="ac-username-form", HTTP_HX_TARGET="ac-username", **htmx_headers
    )
    assert resumed.status_code == 200 and "Saved." in resumed.content.decode()
    assert body(calls(logto_mock, "PATCH", USER_URL)[0]) == {"username": "bob"}
    event = AuditEvent.objects.get(action="step_up", outcome="success")
    assert event.detail == {"method": "password"}


def test_htmx_step_up_without_a_form_to_resume_goes_back_to_the_page(
    auth_client, logto_mock, htmx_headers, clock
) -> None:
    logto_mock.post(VERIFY_URL, status=204)
    verified = auth_client.post(
        reverse("account_center:step_up"),
        {"action": "password", "password": "Step-up-pw-111", "next": "/account/security/"},
        **htmx_headers,
    )
    assert verified["HX-Redirect"] == "/account/security/"
    assert "HX-Trigger" not in verified


def test_refused_new_password_is_never_kept_in_the_session_store(
    auth_client, logto_mock, htmx_headers, clock
) -> None:
    new_password = "N3w-Unique-passw0rd-7731"
    logto_mock.get(USER_URL, json=logto_user())
    logto_mock.post(VERIFY_URL, status=204)
    logto_mock.post(f"{ENDPOINT}/api/sign-in-exp/default/check-password", json={"result": True})
    logto_mock.get(f"{USER_URL}/has-password", json={"hasPassword": True})
    logto_mock.patch(PASSWORD_URL, status=204)
    url = reverse("account_center:password")
    form = {"password": new_password, "confirm": new_password}
    refused = auth_client.post(url, form, HTTP_HX_TRIGGER="ac-password-form", **htmx_headers)
    assert refused["HX-Retarget"] == "#ac-step-up-content"
    assert new_password not in refused.content.decode()

    def stored() -> str:
        return "".join(str(s.get_decoded()) + s.session_data for s in Session.objects.all())

    assert Session.objects.exists() and new_password not in stored()
    auth_client.post(
        reverse("account_center:step_up"),
        {"action": "password", "password": "Current-pass-7", "form_id": "ac-password-form"},
        **htmx_headers,
    )
    assert new_password not in stored()
    auth_client.post(url, form, HTTP_HX_TRIGGER="ac-password-form", **htmx_headers)
    assert body(calls(logto_mock, "PATCH", PASSWORD_URL)[0]) == {"password": new_password}
    assert new_password not in stored()


def test_sensitive_post_after_dialog_still_refused_without_verification(
    auth_client, logto_mock, htmx_headers
) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    url = reverse("account_center:username")
    for _ in range(2):  # re-submitting without verifying only opens the dialog again
        response = auth_client.post(
            url, {"username": "bob"}, HTTP_HX_TRIGGER="ac-username-form", **htmx_headers
        )
        assert response["HX-Retarget"] == "#ac-step-up-content"
    assert not calls(logto_mock, "PATCH", USER_URL)


def test_refusal_when_logto_down_says_so_in_the_dialog(
    auth_client, logto_mock, htmx_headers
) -> None:
    import requests

    logto_mock.get(USER_URL, body=requests.ConnectionError("down"))
    response = auth_client.post(
        reverse("account_center:username"), {"username": "bob"}, **htmx_headers
    )
    assert response.status_code == 503
    assert response["HX-Retarget"] == "#ac-step-up-content"
    assert "Logto is unavailable" in response.content.decode()


def test_wrong_password_is_refused_and_rate_limited(
    auth_client, logto_mock, clock, settings
) -> None:
    settings.ACCOUNT_CENTER_ATTEMPT_LIMIT = 3
    logto_mock.get(USER_URL, json=logto_user())
    logto_mock.post(
        VERIFY_URL, status=422, json={"code": "session.invalid_credentials", "message": "x"}
    )
    url = reverse("account_center:step_up")
    for _ in range(3):
        response = auth_client.post(url, {"action": "password", "password": "wrong"})
        assert "This password is not correct" in response.content.decode()
    response = auth_client.post(url, {"action": "password", "password": "wrong"})
    assert "Try again in 15 minutes" in response.content.decode()
    assert len(calls(logto_mock, "POST", VERIFY_URL)) == 3
    assert not stepup.is_verified(response.wsgi_request)
    assert all("wrong" not in str(e.detail) for e in AuditEvent.objects.all())
    clock[0] += 901
    auth_client.post(url, {"action": "password", "password": "wrong"})
    assert len(calls(logto_mock, "POST", VERIFY_URL)) == 4


def test_rate_limit_also_counts_per_ip(user, logto_mock, clock, settings) -> None:
    from django.contrib.auth import get_user_model

    from account_center.models import LogtoIdentity

    settings.ACCOUNT_CENTER_ATTEMPT_LIMIT = 2
    other = get_user_model().objects.create_user(username="mallory")
    LogtoIdentity.objects.create(user=other, sub="u2")
    logto_mock.get(USER_URL, json=logto_user())
    logto_mock.get(f"{ENDPOINT}/api/users/u2", json=logto_user(id="u2"))
    logto_mock.post(VERIFY_URL, status=422, json={"code": "session.invalid_credentials"})
    logto_mock.post(
        f"{ENDPOINT}/api/users/u2/password/verify",
        status=422,
        json={"code": "session.invalid_credentials"},
    )
    first, second = Client(), Client()
    signed_in(first, user)
    signed_in(second, other)
    url = reverse("account_center:step_up")
    first.post(url, {"action": "password", "password": "x"})
    first.post(url, {"action": "password", "password": "x"})
    response = second.post(url, {"action": "password", "password": "x"})
    assert "Try again in" in response.content.decode()


def test_code_step_up_verifies_current_email(auth_client, logto_mock, clock) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    logto_mock.post(f"{ENDPOINT}/api/verification-codes", status=204)
    logto_mock.post(f"{ENDPOINT}/api/verification-codes/verify", status=204)
    url = reverse("account_center:step_up")
    sent = auth_client.post(url, {"action": "send_email", "next": "/account/security/"})
    assert 'value="verify_email"' in sent.content.decode()
    assert body(calls(logto_mock, "POST", f"{ENDPOINT}/api/verification-codes")[0]) == {
        "email": "alice@example.com"
    }
    done = auth_client.post(
        url, {"action": "verify_email", "code": "123456", "next": "/account/security/"}
    )
    assert done.status_code == 302 and done["Location"] == "/account/security/"
    assert body(calls(logto_mock, "POST", f"{ENDPOINT}/api/verification-codes/verify")[0]) == {
        "email": "alice@example.com",
        "verificationCode": "123456",
    }
    assert stepup.is_verified(done.wsgi_request)


def test_step_up_window_expires(stepped_up, logto_mock, clock) -> None:
    url = reverse("account_center:password")
    clock[0] += 599
    logto_mock.post(f"{ENDPOINT}/api/sign-in-exp/default/check-password", json={"result": True})
    logto_mock.get(f"{USER_URL}/has-password", json={"hasPassword": True})
    logto_mock.patch(f"{USER_URL}/password", status=204)
    logto_mock.get(USER_URL, json=logto_user())
    ok = stepped_up.post(url, {"password": "N3w-passw0rd!", "confirm": "N3w-passw0rd!"})
    assert ok.status_code == 302 and ok["Location"] == reverse("account_center:security")
    clock[0] += 2
    refused = stepped_up.post(url, {"password": "N3w-passw0rd!", "confirm": "N3w-passw0rd!"})
    assert refused["Location"].startswith(reverse("account_center:step_up"))
    assert len(calls(logto_mock, "PATCH", f"{USER_URL}/password")) == 1


def test_step_up_is_bound_to_the_logto_user(stepped_up, user) -> None:
    session = stepped_up.session
    session[stepup.SESSION_KEY] = {**session[stepup.SESSION_KEY], "sub": "someone-else"}
    session.save()
    response = stepped_up.post(reverse("account_center:username"), {"username": "bob"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_center:step_up"))


@pytest.mark.parametrize(
    "target",
    ["//evil.com", "https://evil.com/x", "/\\evil.com", "\\\\evil.com", "javascript:alert(1)"],
)
def test_next_never_leaves_the_site(auth_client, logto_mock, clock, target) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    logto_mock.post(VERIFY_URL, status=204)
    response = auth_client.post(
        reverse("account_center:step_up") + "?next=" + target,
        {"action": "password", "password": "right", "next": target},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_center:overview")


def test_next_on_same_site_is_followed(auth_client, logto_mock, clock) -> None:
    logto_mock.post(VERIFY_URL, status=204)
    response = auth_client.post(
        reverse("account_center:step_up"),
        {"action": "password", "password": "right", "next": "/account/security/"},
    )
    assert response["Location"] == "/account/security/"


def test_step_up_page_when_logto_down(auth_client, logto_mock) -> None:
    import requests

    logto_mock.get(USER_URL, body=requests.ConnectionError("down"))
    response = auth_client.get(reverse("account_center:step_up"), HTTP_HX_REQUEST="true")
    assert response.status_code == 503
    assert "Logto is unavailable" in response.content.decode()


def test_record_verification_is_what_reauthentication_uses(auth_client, clock) -> None:
    response = auth_client.get("/")
    request = response.wsgi_request
    stepup.record_verification(request, "reauthentication")
    assert stepup.is_verified(request)
    assert request.session[stepup.SESSION_KEY]["sub"] == SUB


def test_code_step_up_without_connector_explains_and_offers_other_methods(
    auth_client, logto_mock
) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    logto_mock.post(
        f"{ENDPOINT}/api/verification-codes",
        status=501,
        json={"code": "connector.not_found", "message": "x"},
    )
    response = auth_client.post(
        reverse("account_center:step_up"), {"action": "send_email", "next": "/account/security/"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Sending codes is not set up on this site." in html
    assert 'value="password"' in html  # the password method is still offered
