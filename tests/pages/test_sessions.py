from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from account_center import signals
from account_center.flows import sessions
from account_center.models import AuditEvent

from tests.helpers import USER_URL, calls, signed_in

pytestmark = pytest.mark.django_db

SESSIONS_URL = f"{USER_URL}/sessions"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0"
CHROME_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
APP_ID = "web-app-id"


def logto_session(uid: str, sid: str, agent: str, ip: str, iat: int) -> dict:
    return {
        "payload": {
            "uid": uid,
            "loginTs": 1_763_000_000,
            "iat": iat,
            "exp": 1_764_000_000,
            "accountId": "u1",
            "kind": "Session",
            "jti": uid,
            "authorizations": {APP_ID: {"sid": sid, "grantId": "g-" + uid}},
        },
        "lastSubmission": {"signInContext": {"ip": ip, "userAgent": agent}},
        "clientId": APP_ID,
        "accountId": "u1",
        "expiresAt": 1_764_000_000_000,
    }


THIS = logto_session("uid-this", "sid-this", FIREFOX, "203.0.113.7", 1_763_100_000)
OTHER = logto_session("uid-other", "sid-other", CHROME_MAC, "198.51.100.2", 1_763_200_000)


@pytest.fixture(autouse=True)
def web_app(settings) -> None:
    settings.LOGTO_APP_ID = APP_ID
    settings.ACCOUNT_CENTER_SITE_NAME = "Demo shop"


def with_sid(client: Client, sid: str = "sid-this") -> Client:
    session = client.session
    session[sessions.SID_KEY] = sid
    session.save()
    return client


def test_list_in_words_with_this_session_marked_first(auth_client, logto_mock) -> None:
    logto_mock.get(SESSIONS_URL, json={"sessions": [OTHER, THIS]})
    html = with_sid(auth_client).get(reverse("account_center:sessions")).content.decode()
    assert "Firefox on Linux" in html and "Chrome on macOS" in html
    assert "203.0.113.7" in html and "Demo shop" in html
    assert html.index("Firefox on Linux") < html.index("This session") < html.index("Chrome on")
    assert html.count("This session</span>") == 1
    assert "Sign out of all other sessions" in html


def test_revoke_other_session_and_its_django_session_ends(
    stepped_up, user, logto_mock, htmx_headers, clock
) -> None:
    revoked = []
    signals.session_revoked.connect(
        lambda **kw: revoked.append(kw["session_uid"]), weak=False, dispatch_uid="t-sess"
    )
    logto_mock.get(SESSIONS_URL, json={"sessions": [THIS, OTHER]})
    logto_mock.delete(f"{SESSIONS_URL}/uid-other", status=204)
    # A second browser signed in with the other session.
    second = Client()
    signed_in(second, user)
    with_sid(second, "sid-other")
    assert second.get(reverse("account_center:sessions")).status_code == 200
    response = with_sid(stepped_up).post(
        reverse("account_center:sessions"),
        {"action": "revoke", "session": "uid-other"},
        **htmx_headers,
    )
    assert response.status_code == 200 and "Session signed out." in response.content.decode()
    call = calls(logto_mock, "DELETE", f"{SESSIONS_URL}/uid-other")[0]
    assert "revokeGrantsTarget=all" in call.request.url
    assert revoked == ["uid-other"]
    event = AuditEvent.objects.get(action="session_revoke")
    assert event.detail["device"] == "Chrome on macOS"
    # The second browser is signed out at its next page view.
    later = second.get(reverse("account_center:sessions"))
    assert later.status_code == 302
    assert later.url.startswith(reverse("account_center:account_ended") + "?reason=revoked")
    # This one is not.
    assert stepped_up.get(reverse("account_center:sessions")).status_code == 200
    signals.session_revoked.disconnect(dispatch_uid="t-sess")


def test_a_revoked_session_ends_on_the_sites_own_pages_too(
    stepped_up, user, logto_mock, htmx_headers, clock
) -> None:
    """Not only at its next account page: at its next request anywhere, as a suspension does."""
    logto_mock.get(SESSIONS_URL, json={"sessions": [THIS, OTHER]})
    logto_mock.delete(f"{SESSIONS_URL}/uid-other", status=204)
    second = with_sid(signed_in(Client(), user), "sid-other")
    assert second.get("/_baseline/").status_code == 200
    with_sid(stepped_up).post(
        reverse("account_center:sessions"),
        {"action": "revoke", "session": "uid-other"},
        **htmx_headers,
    )
    reads = len(logto_mock.calls)

    second.get("/_baseline/")

    assert "_auth_user_id" not in second.session
    assert len(logto_mock.calls) == reads  # decided without asking Logto
    assert stepped_up.get("/_baseline/").status_code == 200


def test_revoking_this_session_signs_out(stepped_up, logto_mock, htmx_headers, clock) -> None:
    logto_mock.get(SESSIONS_URL, json={"sessions": [THIS, OTHER]})
    logto_mock.delete(f"{SESSIONS_URL}/uid-this", status=204)
    response = with_sid(stepped_up).post(
        reverse("account_center:sessions"),
        {"action": "revoke", "session": "uid-this"},
        **htmx_headers,
    )
    assert "HX-Redirect" in response.headers
    assert "_auth_user_id" not in stepped_up.session
    assert stepped_up.get(reverse("account_center:overview")).status_code == 302


def test_revoke_others_keeps_this_one(stepped_up, logto_mock) -> None:
    third = logto_session("uid-3", "sid-3", FIREFOX, "192.0.2.1", 1_763_000_500)
    logto_mock.get(SESSIONS_URL, json={"sessions": [THIS, OTHER, third]})
    logto_mock.delete(f"{SESSIONS_URL}/uid-other", status=204)
    logto_mock.delete(f"{SESSIONS_URL}/uid-3", status=204)
    response = with_sid(stepped_up).post(
        reverse("account_center:sessions"), {"action": "revoke_others"}
    )
    assert response.status_code == 302
    assert not calls(logto_mock, "DELETE", f"{SESSIONS_URL}/uid-this")
    assert len([c for c in logto_mock.calls if c.request.method == "DELETE"]) == 2


def test_revoke_needs_step_up(auth_client, logto_mock, htmx_headers, clock) -> None:
    logto_mock.get(SESSIONS_URL, json={"sessions": [THIS, OTHER]})
    for data in ({"action": "revoke", "session": "uid-other"}, {"action": "revoke_others"}):
        response = with_sid(auth_client).post(
            reverse("account_center:sessions"), data, **htmx_headers
        )
        assert response.headers["HX-Retarget"] == "#ac-step-up-content"
    assert not [c for c in logto_mock.calls if c.request.method == "DELETE"]


def test_unknown_session_is_refused_in_words(stepped_up, logto_mock, htmx_headers) -> None:
    logto_mock.get(SESSIONS_URL, json={"sessions": [THIS]})
    response = with_sid(stepped_up).post(
        reverse("account_center:sessions"), {"action": "revoke", "session": "nope"}, **htmx_headers
    )
    assert "already ended" in response.content.decode()
    assert not [c for c in logto_mock.calls if c.request.method == "DELETE"]


def test_plain_404_means_unavailable_and_nav_hides_it_cached(auth_client, logto_mock) -> None:
    logto_mock.get(SESSIONS_URL, status=404, body="Not Found", content_type="text/plain")
    logto_mock.get(f"{USER_URL}/personal-access-tokens", json=[])
    html = auth_client.get(reverse("account_center:sessions")).content.decode()
    assert "not available on this sign-in service" in html
    tokens_page = auth_client.get(reverse("account_center:tokens")).content.decode()
    assert f'href="{reverse("account_center:sessions")}"' not in tokens_page
    assert len(calls(logto_mock, "GET", SESSIONS_URL)) == 1  # the menu did not ask Logto


def test_404_with_a_code_is_not_unsupported(auth_client, logto_mock) -> None:
    logto_mock.get(SESSIONS_URL, status=404, json={"code": "entity.not_found", "message": "x"})
    response = auth_client.get(reverse("account_center:sessions"))
    assert "not available on this sign-in service" not in response.content.decode()
    assert not sessions.known_unsupported()


def test_logto_down_is_words(auth_client, logto_mock) -> None:
    logto_mock.get(SESSIONS_URL, status=502)
    response = auth_client.get(reverse("account_center:sessions"))
    assert response.status_code == 503 and "Logto is unavailable" in response.content.decode()


@pytest.mark.parametrize(
    ("agent", "words"),
    [
        (FIREFOX, "Firefox on Linux"),
        (CHROME_MAC, "Chrome on macOS"),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            "Edge on Windows",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
            "Safari on iPhone",
        ),
        ("", "Unknown device"),
        ("SomethingElse/1.0", "Unknown device"),
    ],
)
def test_user_agent_in_words(agent: str, words: str) -> None:
    from account_center.user_agents import describe

    assert describe(agent) == words


def test_without_a_sid_all_others_is_not_offered_nor_done(stepped_up, logto_mock) -> None:
    """Logto's ID token has no sid unless the app has back-channel logout with "session
    required": then no session is "this one", and "all the others" would include it."""
    logto_mock.get(SESSIONS_URL, json={"sessions": [THIS, OTHER]})
    html = stepped_up.get(reverse("account_center:sessions")).content.decode()
    assert "This session</span>" not in html
    assert "Sign out of all other sessions" not in html
    assert "cannot tell which of these sessions is this browser" in html
    response = stepped_up.post(reverse("account_center:sessions"), {"action": "revoke_others"})
    assert "cannot tell which session is this browser" in response.content.decode()
    assert not [c for c in logto_mock.calls if c.request.method == "DELETE"]


def test_logto_down_while_revoking_is_words(stepped_up, logto_mock, htmx_headers) -> None:
    logto_mock.get(SESSIONS_URL, json={"sessions": [THIS, OTHER]})
    logto_mock.delete(f"{SESSIONS_URL}/uid-other", status=503)
    response = with_sid(stepped_up).post(
        reverse("account_center:sessions"),
        {"action": "revoke", "session": "uid-other"},
        **htmx_headers,
    )
    assert response.status_code == 503
    assert "Logto is unavailable" in response.content.decode()
    assert not AuditEvent.objects.filter(action="session_revoke", outcome="success").exists()
