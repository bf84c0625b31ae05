"""Danger zone: delete my account (typed phrase, step-up, then signal -> Logto -> local ->
session) and download my data."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from account_center import signals
from account_center.models import AuditEvent, LogtoIdentity
from tests.helpers import USER_URL, calls, logto_user, signed_in

URL = reverse("account_center:deletion")


@pytest.fixture
def account(logto_mock):
    logto_mock.get(USER_URL, json=logto_user())
    return logto_mock


def test_the_page_says_what_is_deleted_and_what_to_type(auth_client, account):
    html = auth_client.get(URL).content.decode()
    assert "every linked social account" in html and "cannot be undone" in html
    assert '<strong class="ac-phrase">alice</strong>' in html


def test_a_wrong_phrase_is_refused_before_step_up(user, account):
    client = signed_in(Client(), user)
    answer = client.post(URL, {"action": "delete", "confirmation": "bob"})
    assert answer.status_code == 200
    assert "Type the words shown above exactly" in answer.content.decode()
    assert not calls(account, "DELETE", USER_URL)


def test_deleting_needs_step_up(user, account):
    client = signed_in(Client(), user)
    answer = client.post(URL, {"action": "delete", "confirmation": "alice"})
    assert answer.status_code == 302 and "/verify/" in answer["Location"]
    assert not calls(account, "DELETE", USER_URL)
    assert get_user_model().objects.filter(pk=user.pk).exists()


def test_deletion_runs_signal_then_logto_then_local_then_session(stepped_up, user, account):
    order: list[str] = []

    def deleting(**kwargs):
        order.append("signal")
        assert not calls(account, "DELETE", USER_URL)

    def deleted(**kwargs):
        order.append("deleted")
        assert not get_user_model().objects.filter(pk=user.pk).exists()

    account.add_callback(
        "DELETE", USER_URL, callback=lambda r: order.append("logto") or (204, {}, "")
    )
    signals.account_deleting.connect(deleting, dispatch_uid="t-deleting")
    signals.account_deleted.connect(deleted, dispatch_uid="t-deleted")
    try:
        answer = stepped_up.post(URL, {"action": "delete", "confirmation": "alice"})
    finally:
        signals.account_deleting.disconnect(dispatch_uid="t-deleting")
        signals.account_deleted.disconnect(dispatch_uid="t-deleted")

    assert order == ["signal", "logto", "deleted"]
    assert answer.status_code == 302 and answer["Location"].endswith("?reason=closed")
    assert "_auth_user_id" not in stepped_up.session
    page = stepped_up.get(answer["Location"])
    assert page.status_code == 200 and "Your account was deleted" in page.content.decode()
    assert AuditEvent.objects.filter(action="account_delete", outcome="success").exists()


def test_a_receiver_refusing_stops_everything(stepped_up, user, account):
    def refuse(**kwargs):
        raise RuntimeError("the shop still has an open order")

    signals.account_deleting.connect(refuse, dispatch_uid="t-refuse")
    try:
        answer = stepped_up.post(URL, {"action": "delete", "confirmation": "alice"})
    finally:
        signals.account_deleting.disconnect(dispatch_uid="t-refuse")
    assert "nothing was deleted" in answer.content.decode()
    assert not calls(account, "DELETE", USER_URL)
    assert get_user_model().objects.filter(pk=user.pk).exists()


def test_a_user_already_gone_at_logto_counts_as_deleted(stepped_up, user, account):
    account.delete(USER_URL, status=404, json={"code": "entity.not_found"})
    answer = stepped_up.post(URL, {"action": "delete", "confirmation": "alice"})
    assert answer.status_code == 302
    assert not get_user_model().objects.filter(pk=user.pk).exists()


def test_a_site_can_keep_the_local_user_deactivated(stepped_up, user, account, settings):
    settings.ACCOUNT_CENTER_DELETED_USER_ACTION = "deactivate"
    account.delete(USER_URL, status=204)
    stepped_up.post(URL, {"action": "delete", "confirmation": "alice"})
    user.refresh_from_db()
    assert not user.is_active
    assert not LogtoIdentity.objects.filter(user=user).exists()


def test_deletion_switched_off_is_refused_on_the_server(stepped_up, account, settings):
    settings.ACCOUNT_CENTER_SECTIONS = ("profile", "security")
    assert stepped_up.post(URL, {"action": "delete", "confirmation": "alice"}).status_code == 404
    assert not calls(account, "DELETE", USER_URL)


def test_cleanup_asks_logto_and_removes_only_users_it_no_longer_has(user, account, db):
    other = get_user_model().objects.create_user("bob")
    LogtoIdentity.objects.create(user=other, sub="gone-sub")
    account.get(
        f"{USER_URL.rsplit('/', 1)[0]}/gone-sub", status=404, json={"code": "entity.not_found"}
    )
    call_command("account_center_cleanup")
    assert get_user_model().objects.filter(pk=user.pk).exists()
    assert not get_user_model().objects.filter(pk=other.pk).exists()


def test_download_needs_step_up_and_holds_no_secret(stepped_up, user, account):
    fresh = signed_in(Client(), user)
    assert "/verify/" in fresh.post(URL, {"action": "download"})["Location"]
    account.get(f"{USER_URL}/mfa-verifications", json=[{"id": "f1", "type": "Totp"}])
    account.get(
        f"{USER_URL}/personal-access-tokens",
        json=[{"name": "ci", "value": "pat_secret_value", "createdAt": 0, "expiresAt": None}],
    )
    answer = stepped_up.post(URL, {"action": "download"})
    assert answer["Content-Disposition"].startswith("attachment")
    data = json.loads(answer.content)
    assert data["account"]["username"] == "alice"
    assert data["second_factors"][0]["type"] == "Totp"
    assert data["developer_tokens"] == [
        {"name": "ci", "created_at": data["developer_tokens"][0]["created_at"], "expires_at": None}
    ]
    assert "pat_secret_value" not in answer.content.decode()
    assert AuditEvent.objects.filter(action="data_download").exists()
