"""A superuser removes a user's Logto link in the admin: the confirmation says what that does, a
signed-in user is signed out with words (on any page, not a bare 403 on the account pages), and
their next sign-in links the same local user again (never a second ``logto_<sub>_<random>``)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.test import Client
from django.urls import reverse

from account_center.models import AuditEvent, LogtoIdentity
from tests.auth.conftest import FakeLogto, fake_logto, sign_in  # noqa: F401  (the fake Logto fixture)

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def boss() -> Client:
    client = Client()
    client.force_login(
        User.objects.create_superuser("boss", password="x"),
        backend="django.contrib.auth.backends.ModelBackend",
    )
    return client


def remove_link(boss: Client, sub: str) -> None:
    link = LogtoIdentity.objects.get(sub=sub)
    answer = boss.post(
        reverse("admin:account_center_logtoidentity_delete", args=[link.pk]), {"post": "yes"}
    )
    assert answer.status_code == 302
    assert not LogtoIdentity.objects.filter(sub=sub).exists()


def test_the_confirmation_says_what_removing_a_link_does(boss: Client) -> None:
    owner = User.objects.create_user("logto_sub-owner")
    link = LogtoIdentity.objects.create(user=owner, sub="sub-owner")
    one = boss.get(reverse("admin:account_center_logtoidentity_delete", args=[link.pk]))
    changelist = reverse("admin:account_center_logtoidentity_changelist")
    many = boss.post(changelist, {"action": "delete_selected", "_selected_action": [link.pk]})
    for page in (one, many):
        html = page.content.decode()
        assert "What removing a Logto link does" in html
        assert "signed out of this site at their next request" in html
        assert "links the same local user again" in html
        assert "Suspend in Logto" in html
    assert LogtoIdentity.objects.filter(pk=link.pk).exists()  # only asked


def test_a_signed_in_user_whose_link_is_removed_is_signed_out_with_words(
    client: Any, fake_logto: FakeLogto, boss: Client
) -> None:
    sign_in(client, fake_logto)
    remove_link(boss, fake_logto.sub)

    home = client.get("/")  # the host site's own page, as much as the account pages
    assert home.status_code == 302 and home["Location"].endswith("/account/ended/?reason=unlinked")
    assert SESSION_KEY not in client.session
    ended = client.get(home["Location"]).content.decode()
    assert "An administrator removed the link between your account here and your Logto" in ended
    assert reverse("account_center:login") in ended
    event = AuditEvent.objects.get(action="session_ended")
    assert event.sub == fake_logto.sub and event.detail["reason"] == "unlinked"


def test_an_htmx_request_is_sent_to_the_words_too(
    client: Any, fake_logto: FakeLogto, boss: Client
) -> None:
    sign_in(client, fake_logto)
    remove_link(boss, fake_logto.sub)
    answer = client.get(reverse("account_center:overview"), HTTP_HX_REQUEST="true")
    assert answer["HX-Redirect"].endswith("/account/ended/?reason=unlinked")


def test_the_next_sign_in_links_the_same_local_user_again(
    client: Any, fake_logto: FakeLogto, boss: Client
) -> None:
    sign_in(client, fake_logto)
    first = LogtoIdentity.objects.get(sub=fake_logto.sub).user
    remove_link(boss, fake_logto.sub)
    client.get("/")  # signed out

    assert sign_in(client, fake_logto).status_code == 302
    link = LogtoIdentity.objects.get(sub=fake_logto.sub)
    assert link.user == first and link.last_sign_in_at is not None
    assert User.objects.filter(username__startswith=f"logto_{fake_logto.sub}").count() == 1
    assert int(client.session[SESSION_KEY]) == first.pk
    assert client.get(reverse("account_center:overview")).status_code != 403


def test_an_inactive_earlier_user_is_refused_not_replaced(
    client: Any, fake_logto: FakeLogto, boss: Client
) -> None:
    """An admin who removed the link and deactivated the user keeps them out: a sign-in does not
    get round that with a fresh local user."""
    sign_in(client, fake_logto)
    first = LogtoIdentity.objects.get(sub=fake_logto.sub).user
    remove_link(boss, fake_logto.sub)
    User.objects.filter(pk=first.pk).update(is_active=False)
    client.get("/")

    refused = sign_in(client, fake_logto)
    assert 'data-reason="inactive"' in refused.content.decode()
    assert User.objects.filter(username__startswith=f"logto_{fake_logto.sub}").count() == 1


def test_an_account_made_by_hand_under_the_name_is_never_linked(
    client: Any, fake_logto: FakeLogto
) -> None:
    """The name alone is not enough: only a user whose link to this sub an admin removed."""
    by_hand = User.objects.create_user(f"logto_{fake_logto.sub}", is_staff=True)
    other_sub = LogtoIdentity.objects.create(user=User.objects.create_user("x"), sub="other")
    AuditEvent.objects.create(user=by_hand, sub=other_sub.sub, action="identity_link_deleted")
    sign_in(client, fake_logto)
    assert LogtoIdentity.objects.get(sub=fake_logto.sub).user != by_hand
