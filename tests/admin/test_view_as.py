"""Support's "view as" from Django admin: who may, what it records and sends, how it ends."""

from __future__ import annotations

from typing import Any

import pytest
import responses
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse

from account_center.conf.app_settings import app_settings
from account_center.flows import actions, changes, stepup, view_as
from account_center.flows.activity import recent
from account_center.flows.errors import FlowError
from account_center.models import AuditEvent, LogtoIdentity
from tests.helpers import ENDPOINT, SUB, logto_user

pytestmark = pytest.mark.django_db

OVERVIEW = reverse("account_center:overview")
END = reverse("admin:account_center_logtoidentity_view_as_end")


def start_url(link: LogtoIdentity) -> str:
    return reverse("admin:account_center_logtoidentity_view_as", args=[link.pk])


def staff_client(*permissions: str, name: str = "support-sam") -> Client:
    staff = get_user_model().objects.create_user(name, password="x", is_staff=True)
    for codename in permissions:
        staff.user_permissions.add(Permission.objects.get(codename=codename))
    client = Client()
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def support() -> Client:
    return staff_client("view_as_logto_user", "view_logtoidentity")


@pytest.fixture
def link(user: Any) -> LogtoIdentity:
    return user.logto_identity


@pytest.fixture
def logto(logto_mock: responses.RequestsMock) -> responses.RequestsMock:
    logto_mock.add(
        responses.GET, f"{ENDPOINT}/api/users/{SUB}", json=logto_user(primaryEmail="a@example.com")
    )
    return logto_mock


def started(client: Client, link: LogtoIdentity, reason: str = "Ticket 42: cannot find MFA") -> Any:
    return client.post(start_url(link), {"reason": reason})


def events(action: actions.Action) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action.key).order_by("pk"))


def test_starting_signs_the_browser_in_as_the_user_audited_and_mailed(
    support, link, logto, settings
) -> None:
    settings.ACCOUNT_CENTER_SECURITY_ALERTS = True

    answer = started(support, link)

    assert answer.status_code == 302 and answer.headers["Location"] == OVERVIEW
    assert int(support.session["_auth_user_id"]) == link.user.pk
    state = support.session[view_as.SESSION_KEY]
    assert state["sub"] == SUB and state["by"] == "support-sam" and state["mode"] == view_as.DJANGO
    assert state["until"] - state["started"] == app_settings.VIEW_AS_SECONDS == 15 * 60
    (event,) = events(actions.SUPPORT_VIEW_STARTED)
    assert event.sub == SUB and event.outcome == "success"
    assert event.detail["by"] == "support-sam" and event.detail["reason"].startswith("Ticket 42")
    (alert,) = mail.outbox
    assert alert.to == ["a@example.com"] and "support" in alert.subject


def test_on_a_tenant_whose_account_center_is_disabled_the_view_is_django_only(
    support, link, logto
) -> None:
    """The default gateway ("auto") reads as the Management API does there: no subject token,
    no token exchange, no grant left at Logto for tokens nothing would use."""
    logto.get(f"{ENDPOINT}/api/.well-known/account-center", json={"enabled": False, "fields": {}})

    answer = started(support, link)

    assert answer.status_code == 302
    assert support.session[view_as.SESSION_KEY]["mode"] == view_as.DJANGO
    asked = [c.request.url.removeprefix(ENDPOINT) for c in logto.calls]
    assert "/api/.well-known/account-center" in asked
    assert not [url for url in asked if "subject-tokens" in url or "/grants" in url], asked


def test_the_users_activity_says_support_viewed_the_account_without_staff_details(
    support, link, logto
) -> None:
    started(support, link)

    (shown,) = [a for a in recent(SUB) if a.what == "Support viewed your account"]
    assert shown.by_you is False and shown.ip is None and shown.device is None
    assert shown.when is not None


def test_a_staff_member_without_the_permission_cannot_view_as(link, logto) -> None:
    manager = staff_client("manage_logto_users", "view_logtoidentity")

    assert manager.get(start_url(link)).status_code == 403
    assert started(manager, link).status_code == 403
    assert view_as.SESSION_KEY not in manager.session
    assert int(manager.session["_auth_user_id"]) != link.user.pk
    assert [e.outcome for e in events(actions.SUPPORT_VIEW_STARTED)] == ["denied"]


def test_superusers_cannot_be_viewed_as(support, link, logto) -> None:
    link.user.is_superuser = True
    link.user.save()

    assert support.get(start_url(link)).status_code == 403
    assert started(support, link).status_code == 403
    assert view_as.SESSION_KEY not in support.session
    assert [e.outcome for e in events(actions.SUPPORT_VIEW_STARTED)] == ["denied"]


def test_a_reason_is_asked_first(support, link, logto) -> None:
    answer = started(support, link, reason="  ")

    assert answer.status_code == 200
    assert "This field is required." in answer.content.decode()
    assert view_as.SESSION_KEY not in support.session


def test_the_change_page_offers_it_only_with_the_permission(link, support, logto) -> None:
    change_page = reverse("admin:account_center_logtoidentity_change", args=[link.pk])
    assert start_url(link) in support.get(change_page).content.decode()

    viewer = staff_client("view_logtoidentity", name="viewer-val")
    viewer_page = viewer.get(change_page).content.decode()
    assert start_url(link) not in viewer_page


def test_the_way_back_ends_the_view_and_sends_to_the_admins_sign_in(support, link, logto) -> None:
    started(support, link)

    answer = support.post(END)

    change_page = reverse("admin:account_center_logtoidentity_change", args=[link.pk])
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith(reverse("admin:login"))
    assert change_page.replace("/", "%2F") in answer.headers["Location"]
    assert "_auth_user_id" not in support.session and view_as.SESSION_KEY not in support.session
    (ended,) = events(actions.SUPPORT_VIEW_ENDED)
    assert ended.sub == SUB and ended.detail["why"] == view_as.BY_STAFF
    login_page = support.get(answer.headers["Location"]).content.decode()
    assert "You stopped viewing the account" in login_page


def test_the_view_ends_by_itself_when_its_time_is_up(support, link, logto, clock) -> None:
    started(support, link)
    clock[0] += app_settings.VIEW_AS_SECONDS + 1

    answer = support.get(OVERVIEW)

    assert answer.status_code == 302
    assert answer.headers["Location"].startswith(reverse("admin:login"))
    assert "_auth_user_id" not in support.session
    (ended,) = events(actions.SUPPORT_VIEW_ENDED)
    assert ended.detail["why"] == view_as.EXPIRED
    assert "its time was up" in support.get(answer.headers["Location"]).content.decode()


def test_the_length_is_a_setting(support, link, logto, settings) -> None:
    settings.ACCOUNT_CENTER_VIEW_AS_SECONDS = 120
    started(support, link)

    state = support.session[view_as.SESSION_KEY]
    assert state["until"] - state["started"] == 120


def test_signing_out_while_viewing_as_ends_the_view(support, link, logto) -> None:
    started(support, link)

    answer = support.post(reverse("account_center:logout"))

    assert answer.headers["Location"].startswith(reverse("admin:login"))
    assert "_auth_user_id" not in support.session
    assert events(actions.SUPPORT_VIEW_ENDED)[0].detail["why"] == view_as.SIGNED_OUT


def _viewing_request(client: Client) -> Any:
    request = RequestFactory().post("/anything/")
    request.session = client.session
    request.user = get_user_model().objects.get(pk=client.session["_auth_user_id"])
    return request


def test_step_up_is_never_satisfied_while_viewing_as(support, link, logto, clock) -> None:
    started(support, link)
    request = _viewing_request(support)
    request.session[stepup.SESSION_KEY] = {"method": "password", "at": clock[0], "sub": SUB}

    assert stepup.remaining_seconds(request) == 0
    assert not stepup.is_verified(request)
    with pytest.raises(stepup.StepUpRequired):
        stepup.require(request, "password")


def test_the_change_path_refuses_every_change_with_words_and_audits_it(
    support, link, logto, clock
) -> None:
    started(support, link)
    request = _viewing_request(support)
    # Even a verified session (a host's adapter that asks for no step-up) changes nothing.
    request.session[stepup.SESSION_KEY] = {"method": "password", "at": clock[0], "sub": SUB}

    for action in actions.ACTIONS:
        with pytest.raises(FlowError) as refused:
            with changes.change(request, action, sender=__name__):
                raise AssertionError(f"{action.key} went through while viewing as")
        assert "nothing can be changed while viewing as someone" in str(refused.value.message)

    refusals = events(actions.SUPPORT_VIEW_REFUSED)
    assert {e.detail["refused_action"] for e in refusals} == {a.key for a in actions.ACTIONS}
    assert all(e.sub == SUB and e.outcome == "denied" for e in refusals)


def test_the_way_back_signs_nobody_out_who_is_not_viewing_as(support) -> None:
    answer = support.post(END)

    assert answer.headers["Location"] == reverse("admin:login")
    assert "_auth_user_id" in support.session
    assert not events(actions.SUPPORT_VIEW_ENDED)
