from __future__ import annotations

import sys
import time
import types
from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY
from django.http import HttpResponse
from django.urls import path

from account_center.urls import urlpatterns as account_urlpatterns

from .conftest import ENDPOINT, FakeLogto, query_of, sign_in, start

pytestmark = pytest.mark.django_db


def _page(request: Any) -> HttpResponse:
    return HttpResponse("page")


# A URLconf with a plain page, so the refresh middleware has something to guard.
urlconf = types.ModuleType("tests.auth.refresh_urls")
urlconf.urlpatterns = [  # type: ignore[attr-defined]
    path(
        "account/",
        __import__("django.urls", fromlist=["include"]).include(
            (account_urlpatterns, "account_center")
        ),
    ),
    path("page/", _page),
]
sys.modules["tests.auth.refresh_urls"] = urlconf


@pytest.fixture(autouse=True)
def _redirects(settings: Any) -> None:
    settings.ACCOUNT_CENTER_LOGIN_REDIRECT_URL = "/signed-in/"
    settings.ACCOUNT_CENTER_LOGOUT_REDIRECT_URL = "/bye/"


# --- logout -----------------------------------------------------------------------------------


def test_logout_post_ends_session_and_redirects_to_end_session(
    client: Any, fake_logto: FakeLogto
) -> None:
    sign_in(client, fake_logto)
    id_token = client.session["oidc_id_token"]
    response = client.post("/account/logout/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"{ENDPOINT}/oidc/session/end?")
    params = query_of(response["Location"])
    assert params == {
        "id_token_hint": id_token,
        "post_logout_redirect_uri": "http://testserver/bye/",
    }
    assert SESSION_KEY not in client.session


def test_logout_get_does_not_log_out(client: Any, fake_logto: FakeLogto) -> None:
    sign_in(client, fake_logto)
    response = client.get("/account/logout/")
    assert response.status_code == 200
    assert '<form method="post"' in response.content.decode()
    assert SESSION_KEY in client.session


def test_logout_requires_csrf(client: Any, fake_logto: FakeLogto) -> None:
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    sign_in(csrf_client, fake_logto)
    assert csrf_client.post("/account/logout/").status_code == 403
    assert SESSION_KEY in csrf_client.session


def test_logout_when_signed_out_goes_to_logout_redirect(client: Any) -> None:
    response = client.post("/account/logout/")
    assert response["Location"] == "http://testserver/bye/"


# --- reauthentication -------------------------------------------------------------------------


@pytest.fixture
def verifications(monkeypatch: Any) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []
    from account_center.flows import stepup

    monkeypatch.setattr(
        stepup, "record_verification", lambda request, method: calls.append({"method": method})
    )
    return calls


def test_reauthenticate_asks_logto_to_prompt_again(client: Any, fake_logto: FakeLogto) -> None:
    sign_in(client, fake_logto)
    params = start(client, fake_logto, "/account/reauthenticate/?next=/account/security/")
    assert params["prompt"] == "login"
    assert params["max_age"] == "0"
    entry = client.session["oidc_states"][params["state"]]
    assert entry["purpose"] == "reauth" and entry["sub"] == fake_logto.sub


def test_reauthenticate_records_verification_and_returns(
    client: Any, fake_logto: FakeLogto, verifications: list[dict[str, Any]]
) -> None:
    sign_in(client, fake_logto)
    user_pk = client.session[SESSION_KEY]
    params = start(client, fake_logto, "/account/reauthenticate/?next=/account/security/")
    response = client.get("/account/oidc/callback/", {"code": "c2", "state": params["state"]})
    assert response.status_code == 302
    assert response["Location"] == "/account/security/"
    assert verifications == [{"method": "reauthentication"}]
    assert client.session[SESSION_KEY] == user_pk


def test_reauthenticate_as_another_user_is_refused(
    client: Any, fake_logto: FakeLogto, verifications: list[dict[str, Any]]
) -> None:
    sign_in(client, fake_logto)
    original = fake_logto.sub
    user_pk = client.session[SESSION_KEY]
    id_token = client.session["oidc_id_token"]
    params = start(client, fake_logto, "/account/reauthenticate/?next=/account/security/")
    fake_logto.sub = "intruder"
    response = client.get("/account/oidc/callback/", {"code": "c2", "state": params["state"]})
    assert response.status_code == 403
    assert 'data-reason="reauth_mismatch"' in response.content.decode()
    assert verifications == []
    assert client.session[SESSION_KEY] == user_pk
    assert client.session["account_center_sub"] == original
    assert client.session["oidc_id_token"] == id_token


def test_reauthenticate_with_old_auth_time_is_refused(
    client: Any, fake_logto: FakeLogto, verifications: list[dict[str, Any]]
) -> None:
    sign_in(client, fake_logto)
    params = start(client, fake_logto, "/account/reauthenticate/")
    fake_logto.extra_claims = {"auth_time": int(time.time()) - 3600}
    response = client.get("/account/oidc/callback/", {"code": "c2", "state": params["state"]})
    assert 'data-reason="reauth_stale"' in response.content.decode()
    assert verifications == []


def test_reauthenticate_cancelled_keeps_user_signed_in(
    client: Any, fake_logto: FakeLogto, verifications: list[dict[str, Any]]
) -> None:
    sign_in(client, fake_logto)
    params = start(client, fake_logto, "/account/reauthenticate/?next=/account/security/")
    response = client.get(
        "/account/oidc/callback/", {"error": "access_denied", "state": params["state"]}
    )
    assert 'data-reason="denied"' in response.content.decode()
    assert "/account/reauthenticate/?next=" in response.content.decode()
    assert SESSION_KEY in client.session


def test_reauthenticate_signed_out_goes_to_login(client: Any) -> None:
    response = client.get("/account/reauthenticate/?next=/x/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/?next=")


# --- session refresh --------------------------------------------------------------------------


@pytest.fixture
def refresh_urls(settings: Any) -> None:
    settings.ROOT_URLCONF = "tests.auth.refresh_urls"


def _expire(client: Any) -> None:
    session = client.session
    session["oidc_id_token_expiration"] = time.time() - 1
    session.save()


def test_refresh_redirects_plain_get_with_prompt_none(
    client: Any, fake_logto: FakeLogto, refresh_urls: None
) -> None:
    sign_in(client, fake_logto)
    assert client.get("/page/").status_code == 200
    _expire(client)
    response = client.get("/page/")
    assert response.status_code == 302
    params = query_of(response["Location"])
    assert params["prompt"] == "none"
    entry = client.session["oidc_states"][params["state"]]
    assert entry["purpose"] == "refresh" and entry["next"] == "/page/"


def test_refresh_answers_htmx_with_hx_redirect(
    client: Any, fake_logto: FakeLogto, refresh_urls: None
) -> None:
    sign_in(client, fake_logto)
    _expire(client)
    response = client.get(
        "/page/", headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/page/?tab=2"}
    )
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(f"{ENDPOINT}/oidc/auth?")
    state = query_of(response["HX-Redirect"])["state"]
    assert client.session["oidc_states"][state]["next"] == "http://testserver/page/?tab=2"


def test_refresh_skips_the_sign_in_views(
    client: Any, fake_logto: FakeLogto, refresh_urls: None
) -> None:
    sign_in(client, fake_logto)
    _expire(client)
    assert client.get("/account/logout/").status_code == 200
    assert client.get("/account/login/failed/").status_code == 400


def test_a_change_sent_after_the_id_token_expired_is_refused(
    client: Any, fake_logto: FakeLogto, refresh_urls: None
) -> None:
    sign_in(client, fake_logto)
    _expire(client)

    answer = client.post("/page/", HTTP_REFERER="http://testserver/page/")

    assert answer.status_code == 401  # the view never ran
    assert "nothing was changed" in answer.content.decode()
    assert "/account/login/?next=%2Fpage%2F" in answer.content.decode()
    assert SESSION_KEY in client.session  # still signed in: signing in again brings it back


def test_an_htmx_change_after_expiry_is_sent_to_sign_in_again(
    client: Any, fake_logto: FakeLogto, refresh_urls: None
) -> None:
    sign_in(client, fake_logto)
    _expire(client)

    answer = client.post(
        "/page/", HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/page/"
    )

    assert answer.status_code == 401
    assert answer["HX-Redirect"] == "/account/login/?next=%2Fpage%2F"


def test_signing_in_again_to_confirm_renews_the_id_token(
    client: Any, fake_logto: FakeLogto, refresh_urls: None
) -> None:
    sign_in(client, fake_logto)
    _expire(client)
    params = start(client, fake_logto, "/account/reauthenticate/?next=/page/")
    client.get("/account/oidc/callback/", {"code": "c2", "state": params["state"]})

    assert client.post("/page/").status_code == 200


def test_failed_silent_refresh_signs_out_and_restarts_login(
    client: Any, fake_logto: FakeLogto, refresh_urls: None
) -> None:
    sign_in(client, fake_logto)
    _expire(client)
    state = query_of(client.get("/page/")["Location"])["state"]
    response = client.get("/account/oidc/callback/", {"error": "login_required", "state": state})
    assert response.status_code == 302
    assert response["Location"] == "/account/login/?next=%2Fpage%2F"
    assert SESSION_KEY not in client.session


def test_successful_silent_refresh_keeps_user(
    client: Any, fake_logto: FakeLogto, refresh_urls: None
) -> None:
    sign_in(client, fake_logto)
    user_pk = client.session[SESSION_KEY]
    _expire(client)
    params = query_of(client.get("/page/")["Location"])
    fake_logto.last_nonce = params["nonce"]
    response = client.get("/account/oidc/callback/", {"code": "c3", "state": params["state"]})
    assert response["Location"] == "/page/"
    assert client.session[SESSION_KEY] == user_pk
    assert client.session["oidc_id_token_expiration"] > time.time()
