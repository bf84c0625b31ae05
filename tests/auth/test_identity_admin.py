"""A Logto link cannot be made or changed in the admin: whoever could link a ``sub`` to a user
could sign in as that user."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from account_center.models import AuditEvent, LogtoIdentity

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff() -> Client:
    """A staff member with every permission Django offers on Logto links."""
    member = get_user_model().objects.create_user("staff", password="x", is_staff=True)
    member.user_permissions.set(Permission.objects.filter(codename__endswith="logtoidentity"))
    client = Client()
    client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def link() -> LogtoIdentity:
    owner = get_user_model().objects.create_user("owner")
    return LogtoIdentity.objects.create(user=owner, sub="sub-owner")


def test_staff_cannot_link_a_logto_account_to_a_superuser(staff):
    boss = get_user_model().objects.create_superuser("boss", password="x")
    answer = staff.post(
        reverse("admin:account_center_logtoidentity_add"), {"user": boss.pk, "sub": "attacker"}
    )
    assert answer.status_code == 403
    assert not LogtoIdentity.objects.filter(sub="attacker").exists()


def test_staff_cannot_move_a_link_to_another_user_or_sub(staff, link):
    boss = get_user_model().objects.create_superuser("boss", password="x")
    url = reverse("admin:account_center_logtoidentity_change", args=[link.pk])
    staff.post(url, {"user": boss.pk, "sub": "attacker"})
    link.refresh_from_db()
    assert (link.user.username, link.sub) == ("owner", "sub-owner")


def test_only_superusers_remove_a_link_and_it_is_audited(staff, link):
    url = reverse("admin:account_center_logtoidentity_delete", args=[link.pk])
    assert staff.post(url, {"post": "yes"}).status_code == 403
    assert LogtoIdentity.objects.filter(pk=link.pk).exists()

    boss = get_user_model().objects.create_superuser("boss", password="x")
    admin_client = Client()
    admin_client.force_login(boss, backend="django.contrib.auth.backends.ModelBackend")
    admin_client.post(url, {"post": "yes"})
    assert not LogtoIdentity.objects.filter(pk=link.pk).exists()
    event = AuditEvent.objects.get(action="identity_link_deleted")
    assert event.sub == "sub-owner" and event.detail == {"by": "boss"}
