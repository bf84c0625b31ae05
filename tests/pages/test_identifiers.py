from __future__ import annotations

import pytest
import requests
from django.urls import reverse

from account_center import signals
from account_center.validators import normalise_phone
from account_center.models import AuditEvent
from tests.helpers import ENDPOINT, USER_URL, body, calls, logto_user

pytestmark = pytest.mark.django_db

CODES = f"{ENDPOINT}/api/verification-codes"
CODES_VERIFY = f"{ENDPOINT}/api/verification-codes/verify"
CHECK = f"{ENDPOINT}/api/sign-in-exp/default/check-password"


def test_email_changes_only_after_code_verifies(stepped_up, logto_mock, htmx_headers) -> None:
    received = []
    signals.email_changed.connect(
        lambda **kw: received.append(kw["email"]), weak=False, dispatch_uid="test-email"
    )
    logto_mock.get(USER_URL, json=logto_user())
    logto_mock.post(CODES, status=204)
    url = reverse("account_center:email")
    sent = stepped_up.post(url, {"action": "send", "email": "New@Example.com"}, **htmx_headers)
    assert "Enter the code we sent to new@example.com" in sent.content.decode()
    assert body(calls(logto_mock, "POST", CODES)[0]) == {"email": "new@example.com"}

    logto_mock.post(
        CODES_VERIFY, status=400, json={"code": "verification_code.code_mismatch", "message": "x"}
    )
    wrong = stepped_up.post(url, {"action": "verify", "code": "000000"}, **htmx_headers)
    assert "This code is not correct" in wrong.content.decode()
    assert not calls(logto_mock, "PATCH", USER_URL)

    logto_mock.replace(responses_post(), CODES_VERIFY, status=204)
    logto_mock.patch(USER_URL, json=logto_user(primaryEmail="new@example.com"))
    ok = stepped_up.post(url, {"action": "verify", "code": "123456"}, **htmx_headers)
    assert ok.status_code == 200 and "new@example.com" in ok.content.decode()
    assert body(calls(logto_mock, "POST", CODES_VERIFY)[-1]) == {
        "email": "new@example.com",
        "verificationCode": "123456",
    }
    assert body(calls(logto_mock, "PATCH", USER_URL)[0]) == {"primaryEmail": "new@example.com"}
    assert received == ["new@example.com"]
    events = AuditEvent.objects.filter(action="email_change")
    assert {e.outcome for e in events} == {"success", "failure"}
    assert all("123456" not in str(e.detail) and "000000" not in str(e.detail) for e in events)
    signals.email_changed.disconnect(dispatch_uid="test-email")


def responses_post() -> str:
    return "POST"


def test_email_taken_at_save_is_a_field_error(stepped_up, logto_mock, htmx_headers) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    logto_mock.post(CODES, status=204)
    logto_mock.post(CODES_VERIFY, status=204)
    logto_mock.patch(
        USER_URL, status=422, json={"code": "user.email_already_in_use", "message": "x"}
    )
    url = reverse("account_center:email")
    stepped_up.post(url, {"action": "send", "email": "taken@example.com"}, **htmx_headers)
    response = stepped_up.post(url, {"action": "verify", "code": "123456"}, **htmx_headers)
    html = response.content.decode()
    assert response.status_code == 200
    assert "used by another account" in html and 'value="taken@example.com"' in html


def test_resend_has_a_cooldown(stepped_up, logto_mock, htmx_headers, clock) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    logto_mock.post(CODES, status=204)
    url = reverse("account_center:email")
    sent = stepped_up.post(url, {"action": "send", "email": "new@example.com"}, **htmx_headers)
    assert "new code in 60 seconds" in sent.content.decode()
    again = stepped_up.post(url, {"action": "resend"}, **htmx_headers)
    assert "You can ask for another in 60 seconds" in again.content.decode()
    assert len(calls(logto_mock, "POST", CODES)) == 1
    clock[0] += 61
    stepped_up.post(url, {"action": "resend"}, **htmx_headers)
    assert len(calls(logto_mock, "POST", CODES)) == 2


def test_code_sends_are_rate_limited(stepped_up, logto_mock, htmx_headers, clock, settings) -> None:
    settings.ACCOUNT_CENTER_ATTEMPT_LIMIT = 2
    logto_mock.get(USER_URL, json=logto_user())
    logto_mock.post(CODES, status=204)
    url = reverse("account_center:email")
    for n in range(2):
        stepped_up.post(url, {"action": "send", "email": f"n{n}@example.com"}, **htmx_headers)
    response = stepped_up.post(url, {"action": "send", "email": "n9@example.com"}, **htmx_headers)
    assert "Try again in" in response.content.decode()
    assert len(calls(logto_mock, "POST", CODES)) == 2


def test_send_code_when_logto_down_is_503_with_input_kept(
    stepped_up, logto_mock, htmx_headers
) -> None:
    logto_mock.get(USER_URL, body=requests.ConnectionError("down"))
    response = stepped_up.post(
        reverse("account_center:email"),
        {"action": "send", "email": "kept@example.com"},
        **htmx_headers,
    )
    html = response.content.decode()
    assert response.status_code == 503
    assert "Logto is unavailable" in html and 'value="kept@example.com"' in html


def test_send_code_without_connector_says_so_next_to_the_field(
    stepped_up, logto_mock, htmx_headers
) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    logto_mock.get(f"{ENDPOINT}/api/users", json=[])
    logto_mock.post(CODES, status=501, json={"code": "connector.not_found", "message": "x"})
    response = stepped_up.post(
        reverse("account_center:email"),
        {"action": "send", "email": "kept@example.com"},
        **htmx_headers,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Sending codes is not set up on this site." in html
    assert "Logto is unavailable" not in html and 'value="kept@example.com"' in html


def test_removing_last_identifier_is_refused(stepped_up, logto_mock, htmx_headers) -> None:
    logto_mock.get(USER_URL, json=logto_user(username=None, primaryEmail="a@example.com"))
    response = stepped_up.post(
        reverse("account_center:email"), {"action": "remove"}, **htmx_headers
    )
    assert "at least one other way to sign in" in response.content.decode()
    assert not calls(logto_mock, "PATCH", USER_URL)


def test_removing_email_allowed_when_username_remains(stepped_up, logto_mock, htmx_headers) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    logto_mock.patch(USER_URL, json=logto_user(primaryEmail=None))
    response = stepped_up.post(
        reverse("account_center:email"), {"action": "remove"}, **htmx_headers
    )
    assert response.status_code == 200
    assert body(calls(logto_mock, "PATCH", USER_URL)[0]) == {"primaryEmail": None}


def test_username_taken_is_a_field_error(stepped_up, logto_mock, htmx_headers) -> None:
    logto_mock.patch(
        USER_URL, status=422, json={"code": "user.username_already_in_use", "message": "x"}
    )
    response = stepped_up.post(
        reverse("account_center:username"), {"username": "bob"}, **htmx_headers
    )
    html = response.content.decode()
    assert "This username is already taken" in html and "id_username_error" in html
    assert 'value="bob"' in html


@pytest.mark.parametrize("bad", ["1abc", "a-b", "ab c", "é"])
def test_username_rules_checked_before_logto(stepped_up, logto_mock, htmx_headers, bad) -> None:
    response = stepped_up.post(
        reverse("account_center:username"), {"username": bad}, **htmx_headers
    )
    assert "Use letters, digits and underscores" in response.content.decode()
    assert not calls(logto_mock, "PATCH", USER_URL)


def test_phone_is_normalised_for_logto(stepped_up, logto_mock, htmx_headers) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    logto_mock.post(CODES, status=204)
    stepped_up.post(
        reverse("account_center:phone"),
        {"action": "send", "phone": "+44 7911 123456"},
        **htmx_headers,
    )
    assert body(calls(logto_mock, "POST", CODES)[0]) == {"phone": "447911123456"}


def test_invalid_phone_is_a_clear_error(stepped_up, logto_mock, htmx_headers) -> None:
    response = stepped_up.post(
        reverse("account_center:phone"), {"action": "send", "phone": "12"}, **htmx_headers
    )
    assert "not a valid phone number" in response.content.decode()
    assert not calls(logto_mock, "POST", CODES)


def test_normalise_phone() -> None:
    assert normalise_phone("0044 7911 123456") == "447911123456"
    assert normalise_phone("+1 (415) 555-2671") == "14155552671"
    with pytest.raises(ValueError):
        normalise_phone("hello")


def test_password_policy_rejections_are_field_errors(stepped_up, logto_mock, htmx_headers) -> None:
    logto_mock.post(
        CHECK,
        status=400,
        json={
            "code": "password.rejected",
            "message": "x",
            "data": {
                "result": False,
                "issues": [
                    {"code": "password_rejected.too_short", "interpolation": {"min": 10}},
                    {"code": "password_rejected.pwned"},
                ],
            },
            "issues": [
                {"code": "password_rejected.too_short", "interpolation": {"min": 10}},
                {"code": "password_rejected.pwned"},
            ],
        },
    )
    response = stepped_up.post(
        reverse("account_center:password"),
        {"password": "Zq9tiny", "confirm": "Zq9tiny"},
        **htmx_headers,
    )
    html = response.content.decode()
    assert "Use at least 10 characters." in html
    assert "appeared in a data breach" in html
    assert not calls(logto_mock, "PATCH", f"{USER_URL}/password")
    assert "Zq9tiny" not in str(AuditEvent.objects.get(action="password_change").detail)


def test_password_set_when_none_exists(stepped_up, logto_mock, htmx_headers, settings) -> None:
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "management"  # its calls are counted below
    received = []
    signals.password_changed.connect(
        lambda **kw: received.append(kw["created"]), weak=False, dispatch_uid="test-pw"
    )
    logto_mock.post(CHECK, json={"result": True})
    logto_mock.patch(f"{USER_URL}/password", status=204)
    logto_mock.get(USER_URL, json=logto_user(hasPassword=False))
    response = stepped_up.post(
        reverse("account_center:password"),
        {"password": "G00d-passphrase", "confirm": "G00d-passphrase"},
        **htmx_headers,
    )
    assert response.status_code == 200 and "A password is set" in response.content.decode()
    assert body(calls(logto_mock, "PATCH", f"{USER_URL}/password")[0]) == {
        "password": "G00d-passphrase"
    }
    assert received == [True]
    # Three calls, not five: the policy, one read of the account, the change.
    assert [c.request.method for c in logto_mock.calls if "/api/" in c.request.url] == [
        "POST",
        "GET",
        "PATCH",
    ]
    signals.password_changed.disconnect(dispatch_uid="test-pw")


def test_password_mismatch(stepped_up, logto_mock, htmx_headers) -> None:
    response = stepped_up.post(
        reverse("account_center:password"),
        {"password": "aaaaaaaaaa1", "confirm": "bbbbbbbbbb1"},
        **htmx_headers,
    )
    assert "not the same" in response.content.decode()
    assert not calls(logto_mock, "POST", CHECK)
