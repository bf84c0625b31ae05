"""Support's "view as" with Logto's impersonation, on the emulator: the session carries the
user's own token from the exchange, and the grant the exchange left is revoked at the end."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

pytest.importorskip("logto_emulator.server", reason="the Logto emulator is not available")

from account_center.auth import user_tokens  # noqa: E402
from account_center.flows import actions, view_as  # noqa: E402
from account_center.logto import read_cache  # noqa: E402
from account_center.models import AuditEvent, LogtoIdentity  # noqa: E402
from logto_emulator.seed import DEMO_CLIENTS, DEMO_USER  # noqa: E402
from logto_emulator.server import EmulatorServer  # noqa: E402

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_link(emulator: EmulatorServer, settings: Any) -> LogtoIdentity:
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "auto"  # the user's own tokens where Logto allows
    emulator.state.configure_account_center(enabled=True, fields={"name": "Edit", "profile": "Edit"})
    stored = emulator.state.find_user_by("username", DEMO_USER.username)
    local = get_user_model().objects.create_user("local-demo")
    return LogtoIdentity.objects.create(user=local, sub=stored["id"])


@pytest.fixture
def support() -> Client:
    staff = get_user_model().objects.create_user("support-sam", password="x", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_as_logto_user"))
    client = Client()
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    return client


def web_app(emulator: EmulatorServer) -> Any:
    return emulator.state.applications[DEMO_CLIENTS.web_app_id]


def grants_of(emulator: EmulatorServer, sub: str) -> set[str]:
    return {gid for gid, g in emulator.state.grants.items() if g["accountId"] == sub}


def start(support: Client, link: LogtoIdentity) -> Any:
    url = reverse("admin:account_center_logtoidentity_view_as", args=[link.pk])
    return support.post(url, {"reason": "Ticket 7"}, follow=True)


def test_impersonation_carries_the_users_token_and_its_grant_is_revoked_at_the_end(
    support, demo_link, emulator, monkeypatch
) -> None:
    monkeypatch.setattr(web_app(emulator), "allow_token_exchange", True)
    before = grants_of(emulator, demo_link.sub)

    page = start(support, demo_link)

    state = support.session[view_as.SESSION_KEY]
    assert state["mode"] == view_as.LOGTO
    made = grants_of(emulator, demo_link.sub) - before
    assert made == {state["grant"]}
    kept = user_tokens.unsealed_tokens(support.session[user_tokens.SESSION_KEY], demo_link.sub)
    assert kept is not None and kept.refresh_token == ""
    assert emulator.state.tokens[kept.access_token]["sub"] == demo_link.sub
    assert page.status_code == 200 and 'id="ac-view-as"' in page.content.decode()

    support.post(reverse("admin:account_center_logtoidentity_view_as_end"))

    assert grants_of(emulator, demo_link.sub) == before
    (ended,) = AuditEvent.objects.filter(action=actions.SUPPORT_VIEW_ENDED.key)
    assert "grant_revoked" not in ended.detail


def test_where_the_tenant_allows_no_token_exchange_the_view_is_django_only_and_says_so(
    support, demo_link, emulator
) -> None:
    assert web_app(emulator).allow_token_exchange is False
    before = grants_of(emulator, demo_link.sub)

    page = start(support, demo_link)

    assert support.session[view_as.SESSION_KEY]["mode"] == view_as.DJANGO
    assert user_tokens.SESSION_KEY not in support.session
    assert "token exchange switch is off" in page.content.decode()
    assert grants_of(emulator, demo_link.sub) == before


def test_a_view_reads_the_account_from_logto_anew_not_from_the_users_kept_reads(
    support, demo_link, emulator, settings, monkeypatch
) -> None:
    settings.ACCOUNT_CENTER_READ_CACHE_SECONDS = 300
    monkeypatch.setattr(web_app(emulator), "allow_token_exchange", True)
    earlier = "What the user's own session read earlier"
    key, _ = read_cache.lookup("/api/my-account", None, scope=demo_link.sub)
    read_cache.store(key, {"name": earlier})

    page = start(support, demo_link)

    assert page.status_code == 200
    assert earlier not in page.content.decode() and DEMO_USER.name in page.content.decode()
    # Read anew through the exchanged token (and kept again), not answered from the old read.
    kept = read_cache.lookup("/api/my-account", None, scope=demo_link.sub)[1]
    assert kept is read_cache.MISS or kept["name"] != earlier
