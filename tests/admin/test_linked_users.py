"""The linked-users admin: Logto's details in one batched read per page, and the actions, each
reported and audited user by user, a Logto failure being a message and never a 500."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.db import IntegrityError
import responses
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from account_center.models import AuditEvent, LogtoIdentity
from tests.helpers import ENDPOINT, USERS_URL

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:account_center_logtoidentity_changelist")


def person(sub: str, **fields):
    return {
        "id": sub,
        "username": f"name-{sub}",
        "primaryEmail": f"{sub}@example.com",
        "primaryPhone": None,
        "name": f"Person {sub}",
        "isSuspended": False,
        "lastSignInAt": 1_790_000_000_000,
        **fields,
    }


@pytest.fixture
def logto_mock():
    """The shared mock Logto without its empty user search: these tests answer every search."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(
            responses.POST,
            f"{ENDPOINT}/oidc/token",
            json={"access_token": "tok", "expires_in": 3600, "token_type": "Bearer"},
        )
        yield mock


@pytest.fixture
def links():
    made = []
    for sub in ("a1", "b2", "c3"):
        local = get_user_model().objects.create_user(f"local-{sub}")
        made.append(LogtoIdentity.objects.create(user=local, sub=sub))
    return made


def admin_client(*, superuser=True, codenames=()):
    model = get_user_model()
    if superuser:
        member = model.objects.create_superuser("boss", password="x")
    else:
        member = model.objects.create_user("staff", password="x", is_staff=True)
        member.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client = Client()
    client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def boss():
    return admin_client()


def no_factors(logto_mock, *subs):
    for sub in subs:
        logto_mock.get(f"{USERS_URL}/{sub}/mfa-verifications", json=[])


def list_reads(logto_mock):
    return [c for c in logto_mock.calls if urlsplit(c.request.url).path == "/api/users"]


def said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def act(client, action, links, **extra):
    data = {"action": action, "_selected_action": [link.pk for link in links], **extra}
    return client.post(CHANGELIST, data, follow=True)


def test_a_page_is_one_batched_read_with_every_column(boss, links, logto_mock, settings) -> None:
    settings.ACCOUNT_CENTER_LOGTO_CONSOLE_URL = "https://cloud.logto.io/tenant1/"
    logto_mock.get(
        USERS_URL, json=[person("a1"), person("b2", isSuspended=True, primaryPhone="442079460958")]
    )
    logto_mock.get(f"{USERS_URL}/a1/mfa-verifications", json=[{"id": "f", "type": "Totp"}])
    no_factors(logto_mock, "b2", "c3")
    html = boss.get(CHANGELIST).content.decode()
    assert len(list_reads(logto_mock)) == 1
    query = parse_qs(urlsplit(list_reads(logto_mock)[0].request.url).query)
    assert sorted(query["search.id"]) == ["a1", "b2", "c3"] and query["mode.id"] == ["exact"]
    for text in ("name-a1", "a1@example.com", "+44 20 7946 0958", "not in Logto"):
        assert text in html
    assert 'href="https://cloud.logto.io/tenant1/users/a1"' in html
    assert html.count(">on<") == 1 and html.count(">off<") == 1  # MFA; c3 is not in Logto
    assert html.count(">yes<") == 1  # suspended


def test_logto_down_leaves_the_columns_blank_and_says_so(boss, links, logto_mock) -> None:
    logto_mock.get(USERS_URL, body=requests.ConnectionError("down"))
    for sub in ("a1", "b2", "c3"):
        logto_mock.get(f"{USERS_URL}/{sub}/mfa-verifications", status=503)
    response = boss.get(CHANGELIST)
    assert response.status_code == 200
    assert "Logto could not be read" in response.content.decode()
    assert "local-a1" in response.content.decode()


def test_search_finds_users_by_their_logto_email(boss, links, logto_mock) -> None:
    logto_mock.get(USERS_URL, json=[person("b2")])
    no_factors(logto_mock, "a1", "b2", "c3")
    html = boss.get(CHANGELIST, {"q": "b2@exa_mple"}).content.decode()
    search = [c for c in list_reads(logto_mock) if "search=" in c.request.url][0]
    assert parse_qs(urlsplit(search.request.url).query)["search"] == ["%b2@exa\\_mple%"]
    assert "local-b2" in html and "local-a1" not in html


def test_suspend_reports_each_user_and_audits_it(boss, links, logto_mock) -> None:
    a1, b2, _ = links
    logto_mock.patch(f"{USERS_URL}/a1/is-suspended", json=person("a1", isSuspended=True))
    logto_mock.patch(
        f"{USERS_URL}/b2/is-suspended",
        status=404,
        json={"code": "entity.not_found", "message": "x"},
    )
    logto_mock.get(USERS_URL, json=[person("a1")])
    no_factors(logto_mock, "a1", "b2", "c3")
    response = act(boss, "suspend", [a1, b2])
    assert response.status_code == 200
    messages = said(response)
    assert "“name-a1”: suspended; signed out here at the next request." in messages
    assert "“b2”: not found in Logto; nothing changed." in messages
    a1.refresh_from_db()
    b2.refresh_from_db()
    assert a1.session_epoch == 1 and b2.session_epoch == 0  # a1 is signed out here
    events = {e.sub: e for e in AuditEvent.objects.filter(action="admin_suspend")}
    assert events["a1"].outcome == "success" and events["a1"].detail["by"] == "boss"
    assert events["b2"].outcome == "failure" and events["b2"].detail["error"] == "entity.not_found"


def test_an_unanswered_change_is_reported_as_unknown_not_as_done(boss, links, logto_mock) -> None:
    logto_mock.patch(f"{USERS_URL}/a1/is-suspended", body=requests.ReadTimeout())
    logto_mock.get(USERS_URL, json=[])
    no_factors(logto_mock, "a1", "b2", "c3")
    messages = said(act(boss, "restore", links[:1]))
    assert any("did not confirm" in m for m in messages)
    assert AuditEvent.objects.get(action="admin_restore").outcome == "unknown"


def test_sign_out_everywhere_revokes_every_logto_session(boss, links, logto_mock) -> None:
    sessions = [{"payload": {"uid": uid, "accountId": "a1"}} for uid in ("s1", "s2")]
    logto_mock.get(f"{USERS_URL}/a1/sessions", json={"sessions": sessions})
    for uid in ("s1", "s2"):
        logto_mock.delete(f"{USERS_URL}/a1/sessions/{uid}", status=204)
    logto_mock.get(USERS_URL, json=[])
    no_factors(logto_mock, "a1", "b2", "c3")
    messages = said(act(boss, "sign_out_everywhere", links[:1]))
    revoked = [c for c in logto_mock.calls if c.request.method == "DELETE"]
    assert len(revoked) == 2 and all("revokeGrantsTarget=all" in c.request.url for c in revoked)
    assert any("2 Logto session(s) ended" in m for m in messages)
    links[0].refresh_from_db()
    assert links[0].session_epoch == 1


def test_refresh_copies_logto_details_in_one_read(boss, links, logto_mock) -> None:
    logto_mock.get(USERS_URL, json=[person("a1", primaryEmail="new@example.com"), person("b2")])
    no_factors(logto_mock, "a1", "b2", "c3")
    messages = said(act(boss, "refresh_details", links))
    assert links[0].user.__class__.objects.get(pk=links[0].user.pk).email == "new@example.com"
    assert "“c3”: not found in Logto; nothing changed." in messages
    assert AuditEvent.objects.filter(action="admin_refresh", outcome="success").count() == 2


def test_reset_mfa_asks_first_then_removes_every_factor(boss, links, logto_mock) -> None:
    factors = [
        {"id": "totp", "type": "Totp"},
        {"id": "bc", "type": "BackupCode"},
        {"id": "pk", "type": "WebAuthn"},
    ]
    logto_mock.get(f"{USERS_URL}/a1/mfa-verifications", json=factors)
    for factor in factors:
        logto_mock.delete(f"{USERS_URL}/a1/mfa-verifications/{factor['id']}", status=204)
    logto_mock.get(USERS_URL, json=[])
    no_factors(logto_mock, "b2", "c3")
    asked = act(boss, "reset_mfa", links[:1])
    assert "Reset MFA?" in asked.content.decode() and "<li>a1</li>" in asked.content.decode()
    assert not [c for c in logto_mock.calls if c.request.method == "DELETE"]

    done = act(boss, "reset_mfa", links[:1], confirmed="yes")
    deleted = [c.request.url.rsplit("/", 1)[1] for c in logto_mock.calls if c.request.method == "DELETE"]
    assert deleted[0] == "bc" and sorted(deleted) == ["bc", "pk", "totp"]
    assert any("3 factor(s) removed" in m for m in said(done))


def test_actions_need_the_manage_permission(links, logto_mock) -> None:
    viewer = admin_client(superuser=False, codenames=["view_logtoidentity"])
    logto_mock.get(USERS_URL, json=[])
    no_factors(logto_mock, "a1", "b2", "c3")
    html = viewer.get(CHANGELIST).content.decode()
    assert 'value="suspend"' not in html
    act(viewer, "suspend", links[:1])
    assert not [c for c in logto_mock.calls if c.request.method == "PATCH"]

    manager = Client()
    member = get_user_model().objects.get(username="staff")
    member.user_permissions.add(Permission.objects.get(codename="manage_logto_users"))
    manager.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    assert 'value="suspend"' in manager.get(CHANGELIST).content.decode()


def test_the_change_page_reads_the_one_user(boss, links, logto_mock) -> None:
    logto_mock.get(f"{USERS_URL}/a1", json=person("a1", username="only-one"))
    no_factors(logto_mock, "a1")
    url = reverse("admin:account_center_logtoidentity_change", args=[links[0].pk])
    assert "only-one" in boss.get(url).content.decode()


# --- what the admin reads and says -----------------------------------------------------------


def test_messages_name_users_as_a_person_knows_them(boss, links, logto_mock) -> None:
    """Logto's username, else email, else name, else the Logto id; never ``Logto_<sub>``."""
    for sub in ("a1", "b2", "c3"):
        logto_mock.patch(f"{USERS_URL}/{sub}/is-suspended", json=person(sub))
    logto_mock.get(
        USERS_URL,
        json=[
            person("a1"),
            person("b2", username=None),
            person("c3", username=None, primaryEmail=None),
        ],
    )
    no_factors(logto_mock, "a1", "b2", "c3")
    messages = said(act(boss, "restore", links))
    expected = {"“name-a1”: restored.", "“b2@example.com”: restored.", "“Person c3”: restored."}
    assert set(messages) == expected


def test_the_phone_column_keeps_the_plus(boss, links, logto_mock) -> None:
    logto_mock.get(USERS_URL, json=[person("a1", primaryPhone="442079460958")])
    no_factors(logto_mock, "a1", "b2", "c3")
    assert ">+44 20 7946 0958<" in boss.get(CHANGELIST).content.decode()


def test_a_user_deleted_in_logto_shows_no_mfa(boss, links, logto_mock) -> None:
    """The user list (a search, never kept) no longer has c3; its kept factor read must not
    make the list say "on"."""
    logto_mock.get(USERS_URL, json=[person("a1"), person("b2")])
    no_factors(logto_mock, "a1", "b2")
    logto_mock.get(f"{USERS_URL}/c3/mfa-verifications", json=[{"id": "f", "type": "Totp"}])
    html = boss.get(CHANGELIST).content.decode()
    assert ">on<" not in html and html.count(">off<") == 2
    assert not [c for c in logto_mock.calls if c.request.url.startswith(f"{USERS_URL}/c3/")]


def test_sign_out_everywhere_signs_out_here_when_logto_has_no_sessions_api(
    boss, links, logto_mock
) -> None:
    logto_mock.get(f"{USERS_URL}/a1/sessions", status=404, body="Not Found")  # older Logto
    logto_mock.get(USERS_URL, json=[person("a1")])
    no_factors(logto_mock, "a1", "b2", "c3")
    messages = said(act(boss, "sign_out_everywhere", links[:1]))
    links[0].refresh_from_db()
    assert links[0].session_epoch == 1
    assert len(messages) == 1 and messages[0].startswith(
        "“name-a1”: signed out here at the next request. This Logto has no sessions API"
    )
    event = AuditEvent.objects.get(action="admin_sign_out_everywhere")
    assert event.outcome == "success" and event.detail["logto"] == "unsupported"


def test_sign_out_everywhere_signs_out_here_when_a_revoke_fails(boss, links, logto_mock) -> None:
    sessions = [{"payload": {"uid": uid, "accountId": "a1"}} for uid in ("s1", "s2")]
    logto_mock.get(f"{USERS_URL}/a1/sessions", json={"sessions": sessions})
    logto_mock.delete(f"{USERS_URL}/a1/sessions/s1", status=204)
    logto_mock.delete(f"{USERS_URL}/a1/sessions/s2", body=requests.ConnectionError("down"))
    logto_mock.get(USERS_URL, json=[person("a1")])
    no_factors(logto_mock, "a1", "b2", "c3")
    messages = said(act(boss, "sign_out_everywhere", links[:1]))
    links[0].refresh_from_db()
    assert links[0].session_epoch == 1  # signed out here all the same
    assert len(messages) == 1 and messages[0].startswith(
        "“name-a1”: signed out here at the next request, but not every Logto session ended: "
    )
    assert AuditEvent.objects.get(action="admin_sign_out_everywhere").outcome == "failure"


def test_refresh_never_copies_a_logto_username_and_one_failure_stops_nobody(
    boss, links, logto_mock, monkeypatch
) -> None:
    """a1 renamed itself in Logto to the superuser's name: the batch is refreshed, the local
    usernames stay. A database failure for one user (b2) is said, and c3 is refreshed still."""
    from account_center.flows import local_user

    real = local_user.apply_details

    def fails_for_b2(identity, details):
        if identity.sub == "b2":
            raise IntegrityError("UNIQUE constraint failed: auth_user.username")
        return real(identity, details)

    monkeypatch.setattr("account_center.flows.admin_actions.apply_details", fails_for_b2)
    logto_mock.get(
        USERS_URL,
        json=[
            person("a1", username="boss", primaryEmail="a1-new@example.com"),
            person("b2"),
            person("c3", username="Admin", primaryEmail="c3-new@example.com"),
        ],
    )
    no_factors(logto_mock, "a1", "b2", "c3")
    response = act(boss, "refresh_details", links)
    assert response.status_code == 200
    users = {u.username: u for u in get_user_model().objects.all()}
    assert set(users) == {"boss", "local-a1", "local-b2", "local-c3"}
    assert users["local-a1"].email == "a1-new@example.com"
    assert users["local-c3"].email == "c3-new@example.com"
    messages = said(response)
    assert "“name-b2”: this site could not save the change; try again." in messages
    assert any(m.startswith("“Admin”: refreshed") for m in messages)
    outcomes = dict(AuditEvent.objects.values_list("sub", "outcome"))
    assert outcomes == {"a1": "success", "b2": "failure", "c3": "success"}
