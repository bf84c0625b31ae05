"""The admin actions against the Logto emulator's Management API (real paths and payloads)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

pytest.importorskip("logto_emulator.server", reason="the Logto emulator is not available")

from account_center.models import AuditEvent, LogtoIdentity  # noqa: E402
from logto_emulator.seed import DEMO_USER  # noqa: E402
from logto_emulator.server import EmulatorServer  # noqa: E402

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:account_center_logtoidentity_changelist")


@pytest.fixture
def demo_link(emulator: EmulatorServer) -> LogtoIdentity:
    stored = emulator.state.find_user_by("username", DEMO_USER.username)
    local = get_user_model().objects.create_user("local-demo")
    return LogtoIdentity.objects.create(user=local, sub=stored["id"])


@pytest.fixture
def boss() -> Client:
    client = Client()
    client.force_login(
        get_user_model().objects.create_superuser("boss", password="x"),
        backend="django.contrib.auth.backends.ModelBackend",
    )
    return client


def act(client: Client, action: str, link: LogtoIdentity, **extra: Any) -> Any:
    data = {"action": action, "_selected_action": [link.pk], **extra}
    return client.post(CHANGELIST, data, follow=True)


def test_the_list_shows_logtos_details(boss, demo_link) -> None:
    html = boss.get(CHANGELIST).content.decode()
    assert DEMO_USER.username in html and DEMO_USER.primary_email in html


def test_suspend_then_restore(boss, demo_link, emulator) -> None:
    stored = emulator.state.users[demo_link.sub]
    act(boss, "suspend", demo_link)
    assert stored["isSuspended"] is True
    act(boss, "restore", demo_link)
    assert stored["isSuspended"] is False
    outcomes = list(AuditEvent.objects.values_list("action", "outcome").order_by("pk"))
    assert outcomes == [("admin_suspend", "success"), ("admin_restore", "success")]


def test_reset_mfa_removes_every_factor(boss, demo_link, emulator) -> None:
    from account_center.logto.client import get_client

    client = get_client()
    client.create_totp(demo_link.sub)
    client.create_backup_codes(demo_link.sub)
    assert len(client.list_mfa_verifications(demo_link.sub)) == 2
    act(boss, "reset_mfa", demo_link, confirmed="yes")
    assert emulator.state.users[demo_link.sub]["_mfa"] == []


def test_refresh_copies_the_email(boss, demo_link, emulator) -> None:
    emulator.state.users[demo_link.sub]["primaryEmail"] = "changed@example.com"
    act(boss, "refresh_details", demo_link)
    demo_link.user.refresh_from_db()
    assert demo_link.user.email == "changed@example.com"


def test_reset_mfa_decides_on_logtos_current_factors_not_the_kept_reads(
    boss, demo_link, emulator
) -> None:
    """The list kept the user's reads ("off"); an authenticator app added at Logto since (the
    user's own Logto account center: nothing here knows) must be removed all the same."""
    from account_center.logto.client import get_client

    assert ">off<" in boss.get(CHANGELIST).content.decode()  # the MFA read is now kept
    emulator.state.users[demo_link.sub]["_mfa"].append(
        {"id": "added-at-logto", "type": "Totp", "secret": "JBSWY3DPEHPK3PXP", "createdAt": ""}
    )
    assert get_client().list_mfa_verifications(demo_link.sub) == []  # still the kept read
    done = act(boss, "reset_mfa", demo_link, confirmed="yes")
    assert emulator.state.users[demo_link.sub]["_mfa"] == []
    assert f"“{DEMO_USER.username}”: 1 factor(s) removed." in done.content.decode()

