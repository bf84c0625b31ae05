"""Connections: linked social accounts, linking through the provider with the app's own state,
unlinking, and the organisation's SSO identities shown read-only."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from account_center.flows import social
from account_center.models import AuditEvent
from tests.helpers import ENDPOINT, USER_URL, body, calls, logto_user, signed_in

CONNECTORS = f"{ENDPOINT}/api/connectors"
AUTH_URI = f"{CONNECTORS}/c-github/authorization-uri"
IDENTITIES = f"{USER_URL}/identities"
GITHUB = {
    "id": "c-github",
    "connectorId": "github-universal",
    "target": "github",
    "type": "Social",
    "name": {"en": "GitHub", "zh-TW": "GitHub 帳號"},
    "logo": "https://logos.test/github.svg",
    "metadata": {},
}
APPLE = {**GITHUB, "id": "c-apple", "connectorId": "apple-universal", "target": "apple"}
APPLE["name"] = {"en": "Apple"}
EMAIL = {**GITHUB, "id": "c-email", "type": "Email", "target": "email", "name": {"en": "Email"}}
SSO = {"issuer": "https://sso.acme.test", "identityId": "i1", "ssoConnectorId": "s1"}
SSO["detail"] = {"email": "alice@acme.test"}
URL = reverse("account_center:social")
CALLBACK = reverse("account_center:social_callback")


@pytest.fixture
def connectors(logto_mock):
    logto_mock.get(CONNECTORS, json=[GITHUB, APPLE, EMAIL])
    return logto_mock


def test_the_page_lists_linked_and_linkable_accounts_and_sso_identities(auth_client, connectors):
    linked = {"github": {"userId": "gh-1", "details": {"email": "alice@github.test"}}}
    connectors.get(USER_URL, json=logto_user(identities=linked, ssoIdentities=[SSO]))
    html = auth_client.get(URL).content.decode()
    assert "GitHub" in html and "alice@github.test" in html and "Unlink GitHub" in html
    assert "Link Apple" not in html and "can only be linked while signing in" in html
    assert "Email" not in html.split("Link an account")[-1].split("Organisation")[0]
    assert "https://sso.acme.test" in html and "alice@acme.test" in html
    assert "cannot be changed here" in html


def test_linking_asks_for_step_up_first(auth_client, connectors):
    connectors.get(USER_URL, json=logto_user())
    answer = auth_client.post(URL, {"action": "link", "connector": "c-github"})
    assert answer.status_code == 302 and "/verify/" in answer["Location"]
    assert not calls(connectors, "POST", AUTH_URI)


def _start(client: Client, logto_mock) -> str:
    logto_mock.get(USER_URL, json=logto_user())
    logto_mock.post(AUTH_URI, json={"redirectTo": "https://github.test/authorize?x=1"})
    answer = client.post(URL, {"action": "link", "connector": "c-github"})
    assert answer.status_code == 302
    assert answer["Location"] == "https://github.test/authorize?x=1"
    sent = body(calls(logto_mock, "POST", AUTH_URI)[0])
    assert sent["redirectUri"] == f"http://testserver{CALLBACK}"
    return sent["state"]


def test_linking_goes_to_the_provider_with_the_apps_own_state(stepped_up, connectors):
    state = _start(stepped_up, connectors)
    assert len(state) >= 32


def test_a_returning_user_is_linked_with_the_callbacks_parameters(stepped_up, connectors):
    state = _start(stepped_up, connectors)
    connectors.post(IDENTITIES, json={"github": {"userId": "gh-1", "details": {}}})

    answer = stepped_up.get(CALLBACK, {"state": state, "code": "abc", "userId": "gh-1"})

    assert answer.status_code == 302 and answer["Location"] == URL
    assert body(calls(connectors, "POST", IDENTITIES)[0]) == {
        "connectorId": "c-github",
        "connectorData": {"state": state, "code": "abc", "userId": "gh-1"},
    }
    assert AuditEvent.objects.filter(action="social_link", outcome="success").exists()


@pytest.mark.parametrize("case", ["missing", "wrong", "replayed", "expired", "other session"])
def test_a_callback_with_a_bad_state_links_nothing(case, stepped_up, user, connectors, clock):
    state = _start(stepped_up, connectors)
    connectors.post(IDENTITIES, json={"github": {"userId": "gh-1", "details": {}}})
    client, params = stepped_up, {"state": state, "code": "abc"}
    if case == "missing":
        params.pop("state")
    elif case == "wrong":
        params["state"] = "x" * 43
    elif case == "replayed":
        assert stepped_up.get(CALLBACK, params).status_code == 302
        connectors.calls.reset()
    elif case == "expired":
        clock[0] += social.STATE_SECONDS + 1
    elif case == "other session":
        client = signed_in(Client(), user)

    answer = client.get(CALLBACK, params)

    assert answer.status_code == 400
    assert "Nothing was linked" in answer.content.decode()
    assert not calls(connectors, "POST", IDENTITIES)
    assert AuditEvent.objects.filter(action="social_link", outcome="denied").exists()


def test_a_state_minted_for_another_logto_user_is_refused(stepped_up, connectors, user):
    state = _start(stepped_up, connectors)
    user.logto_identity.sub = "someone-else"
    user.logto_identity.save()
    answer = stepped_up.get(CALLBACK, {"state": state, "code": "abc"})
    assert answer.status_code == 400 and not calls(connectors, "POST", IDENTITIES)


def test_the_provider_refusing_is_said_in_words(stepped_up, connectors):
    state = _start(stepped_up, connectors)
    answer = stepped_up.get(CALLBACK, {"state": state, "error": "access_denied"})
    assert answer.status_code == 400 and "you may have cancelled" in answer.content.decode()
    assert not calls(connectors, "POST", IDENTITIES)


def test_an_identity_linked_to_another_user_is_said_in_words(stepped_up, connectors):
    state = _start(stepped_up, connectors)
    connectors.post(IDENTITIES, status=422, json={"code": "user.identity_already_in_use"})
    answer = stepped_up.get(CALLBACK, {"state": state, "code": "abc"})
    assert answer.status_code == 400
    assert "already linked to another account" in answer.content.decode()


def test_unlinking_needs_step_up_and_keeps_a_way_to_sign_in(stepped_up, user, connectors):
    only_github = logto_user(
        username=None, primaryEmail=None, identities={"github": {"userId": "gh-1"}}
    )
    connectors.get(USER_URL, json=only_github)
    answer = signed_in(Client(), user).post(URL, {"action": "unlink", "target": "github"})
    assert answer.status_code == 302 and "/verify/" in answer["Location"]
    answer = stepped_up.post(URL, {"action": "unlink", "target": "github"})
    assert "at least one other way to sign in" in answer.content.decode()
    assert not calls(connectors, "DELETE", f"{IDENTITIES}/github")


def test_unlinking_with_another_way_to_sign_in(stepped_up, connectors):
    connectors.get(USER_URL, json=logto_user(identities={"github": {"userId": "gh-1"}}))
    connectors.delete(f"{IDENTITIES}/github", status=204)
    answer = stepped_up.post(URL, {"action": "unlink", "target": "github"}, follow=True)
    assert "Unlinked." in answer.content.decode()
    assert calls(connectors, "DELETE", f"{IDENTITIES}/github")


def test_connectors_are_read_from_logto_once_for_many_page_views(auth_client, connectors):
    connectors.get(USER_URL, json=logto_user())
    for _ in range(3):
        auth_client.get(URL)
    assert len(calls(connectors, "GET", CONNECTORS)) == 1


def test_the_authorization_uri_is_for_the_provider_not_this_site(stepped_up, connectors):
    state = _start(stepped_up, connectors)
    assert (
        parse_qs(urlsplit(body(calls(connectors, "POST", AUTH_URI)[0])["redirectUri"]).query) == {}
    )
    assert state


def test_logto_failing_during_the_link_is_said_in_words_not_a_500(stepped_up, connectors):
    # The page-fault suite cannot reach this call without a state, so it is checked here.
    state = _start(stepped_up, connectors)
    connectors.post(IDENTITIES, status=503, body="upstream down")
    answer = stepped_up.get(CALLBACK, {"state": state, "code": "abc"})
    assert answer.status_code == 503
    assert "unavailable" in answer.content.decode().lower()
    assert not AuditEvent.objects.filter(action="social_link", outcome="success").exists()


def test_the_overview_names_linked_accounts_by_their_providers_name(auth_client, connectors):
    connectors.get(USER_URL, json=logto_user(identities={"github": {"userId": "gh-1"}}))
    connectors.get(f"{USER_URL}/mfa-verifications", json=[])
    connectors.get(f"{USER_URL}/logto-configs", json={})
    connectors.get(f"{USER_URL}/personal-access-tokens", json=[])
    connectors.get(f"{USER_URL}/sessions", json={"sessions": []})

    html = auth_client.get(reverse("account_center:overview")).content.decode()

    assert "<li>GitHub</li>" in html
    assert "<li>github</li>" not in html
