"""The adapter: the hooks a host project overrides, called where the account center decides."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from account_center.adapter import DefaultAccountCenterAdapter
from account_center.site_adapter import get_adapter

from tests.helpers import ENDPOINT, USER_URL, logto_user

CHECK = f"{ENDPOINT}/api/sign-in-exp/default/check-password"
CHANGES: list[tuple[str, str]] = []


class _RecordingAdapter(DefaultAccountCenterAdapter):
    def on_credentials_changed(self, request: Any, kind: str) -> None:
        CHANGES.append((request.path, kind))


@pytest.fixture
def password_logto(logto_mock: Any) -> Any:
    logto_mock.post(CHECK, json={"result": True})
    logto_mock.get(f"{USER_URL}/has-password", json={"hasPassword": True})
    logto_mock.patch(f"{USER_URL}/password", status=204)
    logto_mock.get(USER_URL, json=logto_user())
    return logto_mock


def _change_password(client: Any) -> Any:
    return client.post(
        reverse("account_center:password"),
        {"password": "G00d-passphrase", "confirm": "G00d-passphrase"},
        HTTP_HX_REQUEST="true",
    )


def test_password_change_calls_on_credentials_changed(stepped_up, password_logto, settings):
    CHANGES.clear()
    settings.ACCOUNT_CENTER_ADAPTER = f"{__name__}._RecordingAdapter"
    assert _change_password(stepped_up).status_code == 200
    assert CHANGES == [(reverse("account_center:password"), "password")]


def test_password_changed_mail_is_off_by_default(stepped_up, password_logto) -> None:
    _change_password(stepped_up)
    assert mail.outbox == []


def test_password_changed_mail_goes_to_the_current_email(stepped_up, password_logto, settings):
    settings.ACCOUNT_CENTER_NOTIFICATIONS = True
    _change_password(stepped_up)
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]
    assert "password" in mail.outbox[0].subject and "\n" not in mail.outbox[0].subject
    assert "G00d-passphrase" not in mail.outbox[0].body


def test_message_for_uses_the_one_table() -> None:
    field, message = get_adapter().message_for("user.email_already_in_use")
    assert field == "email" and "used by another account" in str(message)
