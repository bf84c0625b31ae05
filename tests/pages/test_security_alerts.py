"""Security alerts by email: one mail per credential change, from the one change path, with when,
where and "this wasn't me", in text and HTML, never a secret; switched by the setting and the
admin's settings page; a sign-in from a new device and browser."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from account_center.adapter import DefaultAccountCenterAdapter
from account_center.flows import actions, activity, alerts, changes, devices
from account_center.logto.client import get_client
from account_center.models import AuditEvent, KnownDevice, SiteSettings
from tests.helpers import SUB, USER_URL, logto_user

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
CHROME_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0 Safari/537.36"
)
SECRET = "pat_S3cretNobodyMayMail"


class _NoStepUpAdapter(DefaultAccountCenterAdapter):
    """The change path alone: no step-up asked, no other sessions signed out."""

    def is_step_up_required(self, request: Any, action: str) -> bool:
        return False

    def on_credentials_changed(self, request: Any, kind: str) -> None:
        pass


@pytest.fixture
def alerts_on(settings: Any) -> Any:
    settings.ACCOUNT_CENTER_SECURITY_ALERTS = True
    settings.ACCOUNT_CENTER_ADAPTER = f"{__name__}._NoStepUpAdapter"
    return settings


@pytest.fixture
def request_(user: Any) -> Any:
    request = RequestFactory().post(
        "/account/x/", REMOTE_ADDR="192.0.2.7", HTTP_USER_AGENT=FIREFOX
    )
    request.user = user
    request.session = SimpleNamespace()
    return request


# Each action with an alert, what it is done with, and words its mail must say.
CASES = [
    (actions.PASSWORD_CHANGE, {"created": False}, "Your password was changed", "password"),
    (actions.PASSWORD_CHANGE, {"created": True}, "A password was set", "can now sign in"),
    (actions.EMAIL_CHANGE, {"to": "n…@example.com"}, "email address", "n…@example.com"),
    (actions.PHONE_CHANGE, {"to": "…0958"}, "phone number", "…0958"),
    (actions.TOTP_ADD, {"replaced": False}, "was added", "An authenticator app was added"),
    (actions.MFA_REMOVE, {"factor": "WebAuthn"}, "was removed", "A passkey was removed"),
    (actions.BACKUP_CODES_GENERATE, {}, "New backup codes", "old ones no longer work"),
    (actions.SESSION_REVOKE, {"device": "Chrome"}, "signed out elsewhere", "other devices"),
    (actions.SOCIAL_LINK, {"target": "github"}, "was linked", "Your github account was linked"),
    (actions.SOCIAL_UNLINK, {"target": "google"}, "was unlinked", "Your google account"),
]


def _done(request: Any, action: actions.Action, **detail: Any) -> None:
    with changes.change(request, action, sender="tests") as ch:
        ch.done(**detail)


def _parts(message: Any) -> tuple[str, str]:
    html = [body for body, kind in message.alternatives if kind == "text/html"]
    assert len(html) == 1, "a mail has an HTML part"
    return message.body, html[0]


@pytest.mark.parametrize(("action", "detail", "subject", "words"), CASES)
def test_each_change_mails_its_alert_once_with_when_where_and_this_wasnt_me(
    alerts_on, logto_mock, request_, action, detail, subject, words
) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    # A secret a flow records by mistake never reaches a mail (nor the audit table).
    _done(request_, action, code="123456", value=SECRET, **detail)
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]
    message = mail.outbox[0]
    text, html = _parts(message)
    assert subject in message.subject and "\n" not in message.subject
    assert words in text and words in html
    sessions = "http://testserver" + reverse("account_center:sessions")
    for part in (text, html):
        assert "Firefox on Linux" in part and "192.0.2.7" in part
        assert sessions in part
        assert SECRET not in part and "123456" not in part
    assert "This wasn't me" in html and f'href="{sessions}"' in html
    assert SECRET not in message.subject


def test_a_token_created_is_named_and_its_value_never_mailed(alerts_on, logto_mock, request_):
    logto_mock.get(USER_URL, json=logto_user())
    with changes.change(request_, actions.TOKEN_CREATE, sender="tests", name="ci script") as ch:
        ch.done(value=SECRET)
    (message,) = mail.outbox
    text, html = _parts(message)
    assert "“ci script”" in text and "ci script" in html
    assert SECRET not in text + html + message.subject


def test_the_mail_is_in_the_users_language(alerts_on, logto_mock, request_) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    with translation.override("zh-hant"):
        _done(request_, actions.PASSWORD_CHANGE, created=False)
    text, html = _parts(mail.outbox[0])
    assert "Your password was changed" not in mail.outbox[0].subject
    assert "If this was you" not in text and "If this was you" not in html


def test_a_change_not_done_mails_nothing(alerts_on, logto_mock, request_) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    with pytest.raises(RuntimeError):
        with changes.change(request_, actions.PASSWORD_CHANGE, sender="tests") as ch:
            ch.failed("wrong")
            raise RuntimeError
    with changes.change(request_, actions.MFA_SETTINGS, sender="tests") as ch:
        ch.done()  # an action without an alert
    assert mail.outbox == []


def test_a_change_of_several_parts_mails_once(alerts_on, logto_mock, request_) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    with changes.change(request_, actions.MFA_REMOVE, sender="tests") as ch:
        ch.note(factor="Totp")
        ch.done()
        ch.note(factor="BackupCode")
        ch.done()
    (message,) = mail.outbox
    assert "An authenticator app was removed" in message.body


def _stateful_user(logto_mock: Any) -> dict[str, Any]:
    state: dict[str, Any] = {"primaryEmail": "alice@example.com"}

    def patch(request: Any) -> tuple[int, dict[str, str], str]:
        state.update(json.loads(request.body))
        return 200, {}, json.dumps(logto_user(**state))

    logto_mock.add_callback(
        "GET", USER_URL, callback=lambda _r: (200, {}, json.dumps(logto_user(**state)))
    )
    logto_mock.add_callback("PATCH", USER_URL, callback=patch)
    return state


def test_an_email_change_is_mailed_to_the_old_address_too(alerts_on, logto_mock, request_):
    _stateful_user(logto_mock)
    with changes.change(request_, actions.EMAIL_CHANGE, sender="tests") as ch:
        get_client().update_user(ch.sub, primary_email="new@example.com")
        ch.done(to="n…@example.com")
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.com", "new@example.com"]
    assert all("n…@example.com" in m.body for m in mail.outbox)


def test_a_removed_email_is_mailed_to_the_address_removed(alerts_on, logto_mock, request_):
    _stateful_user(logto_mock)
    with changes.change(request_, actions.EMAIL_CHANGE, sender="tests") as ch:
        get_client().update_user(ch.sub, primary_email=None)
        ch.done(removed=True)
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]
    assert "removed" in mail.outbox[0].body


# --- which alerts are sent ---------------------------------------------------------------------


def test_alerts_are_off_by_default(settings, logto_mock, request_) -> None:
    settings.ACCOUNT_CENTER_ADAPTER = f"{__name__}._NoStepUpAdapter"
    logto_mock.get(USER_URL, json=logto_user())
    _done(request_, actions.PASSWORD_CHANGE)
    assert mail.outbox == []


def test_the_older_notifications_switch_turns_every_alert_on(settings, logto_mock, request_):
    settings.ACCOUNT_CENTER_NOTIFICATIONS = True
    settings.ACCOUNT_CENTER_ADAPTER = f"{__name__}._NoStepUpAdapter"
    logto_mock.get(USER_URL, json=logto_user())
    _done(request_, actions.SOCIAL_LINK, target="github")
    assert len(mail.outbox) == 1


def test_the_setting_names_the_kinds_sent(alerts_on, logto_mock, request_) -> None:
    alerts_on.ACCOUNT_CENTER_SECURITY_ALERTS = ["token_created"]
    alerts_on.ACCOUNT_CENTER_NOTIFICATIONS = True  # the newer setting wins
    logto_mock.get(USER_URL, json=logto_user())
    _done(request_, actions.PASSWORD_CHANGE)
    assert mail.outbox == []
    with changes.change(request_, actions.TOKEN_CREATE, sender="tests", name="ci") as ch:
        ch.done()
    assert len(mail.outbox) == 1


def test_the_admins_choice_overrides_the_setting(alerts_on, logto_mock, request_) -> None:
    SiteSettings(security_alerts={"password_changed": False, "phone_changed": True}).save()
    alerts_on.ACCOUNT_CENTER_SECURITY_ALERTS = []
    logto_mock.get(USER_URL, json=logto_user())
    _done(request_, actions.PASSWORD_CHANGE)
    assert mail.outbox == []
    _done(request_, actions.PHONE_CHANGE, to="…0958")
    assert len(mail.outbox) == 1


def test_the_site_settings_page_switches_an_alert_off(client, settings) -> None:
    settings.ACCOUNT_CENTER_SECURITY_ALERTS = True
    boss = get_user_model().objects.create_superuser("boss", password="x-long-passw0rd")
    client.force_login(boss, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("admin:account_center_sitesettings_add"))
    assert "Security alerts mailed to users" in page.content.decode()
    assert "Sign-in from a new device or browser" in page.content.decode()
    data = {
        field: (value if value is not None else "")
        for field, value in page.context["adminform"].form.initial.items()
        if not isinstance(value, list | dict)
    }
    data.update({"alert__new_device": "off", "alert__token_created": "on"})
    answer = client.post(reverse("admin:account_center_sitesettings_add"), data)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    row = SiteSettings.objects.get()
    assert row.security_alerts == {"new_device": False, "token_created": True}
    assert not alerts.enabled("new_device") and alerts.enabled("password_changed")


def test_a_mail_that_cannot_be_sent_leaves_the_change_done(
    alerts_on, logto_mock, request_, monkeypatch
):
    # The test mail backend breaks (not a setting: Django 6.1 deprecates EMAIL_BACKEND for MAILERS).
    monkeypatch.setattr(
        "django.core.mail.backends.locmem.EmailBackend.send_messages", _no_mail_server
    )
    logto_mock.get(USER_URL, json=logto_user())
    _done(request_, actions.PASSWORD_CHANGE)
    assert AuditEvent.objects.filter(action="password_change", outcome="success").exists()


def _no_mail_server(self: Any, messages: Any) -> int:
    raise OSError("no mail server")


def test_support_viewing_can_be_mailed_without_where_from(alerts_on, logto_mock, request_):
    # The support "view as" feature sends it; the device and address would be staff's.
    logto_mock.get(USER_URL, json=logto_user())
    alerts.send(request_, "support_viewed", SUB)
    (message,) = mail.outbox
    text, html = _parts(message)
    assert "support" in message.subject
    assert "192.0.2.7" not in text + html and "Firefox" not in text + html


# --- a sign-in from a new device -----------------------------------------------------------------


def _sign_in(user: Any, agent: str) -> None:
    request = RequestFactory().get("/account/oidc/callback/", HTTP_USER_AGENT=agent)
    user_logged_in.send(sender=type(user), request=request, user=user)


def test_a_sign_in_from_a_new_device_is_mailed_once(alerts_on, logto_mock, user) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    KnownDevice.objects.all().delete()
    _sign_in(user, FIREFOX)  # the first sign-in ever: every device is new, nothing to tell
    _sign_in(user, FIREFOX.replace("133.0", "134.0"))  # a newer Firefox is the same device
    assert mail.outbox == []
    _sign_in(user, CHROME_MAC)
    (message,) = mail.outbox
    assert message.to == ["alice@example.com"]
    assert "Chrome on macOS" in message.subject and "Chrome on macOS" in message.body
    _sign_in(user, CHROME_MAC)
    assert len(mail.outbox) == 1
    stored = list(KnownDevice.objects.filter(sub=SUB).values_list("browser", "system"))
    assert sorted(stored) == [("Chrome", "macOS"), ("Firefox", "Linux")]
    words = [a.what for a in activity.recent(SUB)]
    assert words.count("Signed in on a device or browser not seen before") == 1


def test_known_devices_are_in_the_download_as_names_only(user) -> None:
    KnownDevice.objects.all().delete()
    devices.note_sign_in(SUB, FIREFOX)
    (row,) = devices.for_download(SUB)
    assert row["device"] == "Firefox on Linux"
    assert "Mozilla" not in str(row)
    assert set(row) == {"device", "browser", "system", "first_seen", "last_seen"}
