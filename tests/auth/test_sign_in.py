from __future__ import annotations

import base64
import time
from typing import Any

import pytest
import responses
from django.contrib.auth import SESSION_KEY, get_user_model

from account_center.models import LogtoIdentity

from .conftest import CLIENT_ID, ENDPOINT, ISSUER, FakeLogto, SigningKey, query_of, sign_in, start

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture(autouse=True)
def _redirects(settings: Any) -> None:
    settings.ACCOUNT_CENTER_LOGIN_REDIRECT_URL = "/signed-in/"
    settings.ACCOUNT_CENTER_LOGOUT_REDIRECT_URL = "/bye/"


def assert_friendly(response: Any, reason: str) -> None:
    assert 400 <= response.status_code < 500, response.status_code
    content = response.content.decode()
    assert f'data-reason="{reason}"' in content
    assert "Try again" in content
    assert SESSION_KEY not in response.wsgi_request.session


# --- starting ---------------------------------------------------------------------------------


def test_login_redirects_to_discovered_authorization_endpoint_with_pkce_and_nonce(
    client: Any, fake_logto: FakeLogto
) -> None:
    params = start(client, fake_logto, "/account/login/?next=/account/profile/")
    assert params["client_id"] == CLIENT_ID
    assert params["redirect_uri"] == "http://testserver/account/oidc/callback/"
    assert params["response_type"] == "code"
    # LOGTO_SCOPES, and what the Account API needs with the default gateway ("auto").
    assert params["scope"] == (
        "openid profile email phone identities custom_data"
        " address offline_access urn:logto:scope:sessions"
    )
    assert params["code_challenge_method"] == "S256"
    assert params["nonce"] and params["state"]
    entry = client.session["oidc_states"][params["state"]]
    assert entry["purpose"] == "login"
    assert entry["next"] == "/account/profile/"


def test_login_ignores_an_offsite_next(client: Any, fake_logto: FakeLogto) -> None:
    params = start(client, fake_logto, "/account/login/?next=https://evil.example/")
    assert client.session["oidc_states"][params["state"]]["next"] is None
    response = client.get("/account/oidc/callback/", {"code": "c", "state": params["state"]})
    assert response["Location"] == "/signed-in/"


def test_login_when_logto_is_down_shows_unavailable(client: Any, rsps: Any) -> None:
    rsps.add(responses.GET, f"{ENDPOINT}/oidc/.well-known/openid-configuration", status=503)
    response = client.get("/account/login/")
    assert response.status_code == 503
    assert 'data-reason="unavailable"' in response.content.decode()


# --- signing in -------------------------------------------------------------------------------


def test_first_sign_in_creates_user_and_identity_es384(client: Any, fake_logto: FakeLogto) -> None:
    params = start(client, fake_logto, "/account/login/?next=/account/profile/")
    response = client.get("/account/oidc/callback/", {"code": "c", "state": params["state"]})
    assert response.status_code == 302
    assert response["Location"] == "/account/profile/"
    identity = LogtoIdentity.objects.get(sub=fake_logto.sub)
    user = identity.user
    assert user.username == f"logto_{fake_logto.sub}"
    assert user.email == "ada@example.com"
    assert user.first_name == "Ada Lovelace"
    assert not user.has_usable_password()
    assert identity.last_sign_in_at is not None
    session = client.session
    assert int(session[SESSION_KEY]) == user.pk
    assert session["account_center_sub"] == fake_logto.sub
    assert session["account_center_sid"] == "sid-123"
    assert isinstance(session["account_center_auth_time"], int)
    assert session["oidc_id_token"].count(".") == 2
    assert params["state"] not in session["oidc_states"]


def test_token_request_uses_basic_auth_and_pkce_verifier(client: Any, fake_logto: FakeLogto) -> None:
    sign_in(client, fake_logto)
    request = fake_logto.token_requests[0]
    expected = base64.b64encode(b"web-app-id:web-app-secret").decode()
    assert request.headers["Authorization"] == f"Basic {expected}"
    body = query_of("?" + request.body)
    assert "client_secret" not in body
    assert body["grant_type"] == "authorization_code"
    assert body["code_verifier"]


def test_rs256_tokens_are_accepted(client: Any, rsps: Any) -> None:
    fake_logto = FakeLogto(rsps=rsps, key=SigningKey.generate("RS256"))
    fake_logto.install()
    response = sign_in(client, fake_logto)
    assert response.status_code == 302
    assert LogtoIdentity.objects.filter(sub=fake_logto.sub).exists()


def test_second_sign_in_refreshes_claims_without_new_user(client: Any, fake_logto: FakeLogto) -> None:
    sign_in(client, fake_logto)
    client.logout()
    fake_logto.userinfo = {
        "name": None,
        "given_name": "Ada",
        "family_name": "King",
        "email": "ada@new.example",
    }
    before = LogtoIdentity.objects.get(sub=fake_logto.sub).last_sign_in_at
    sign_in(client, fake_logto)
    assert User.objects.count() == 1
    user = User.objects.get()
    assert (user.first_name, user.last_name, user.email) == ("Ada", "King", "ada@new.example")
    assert LogtoIdentity.objects.get(sub=fake_logto.sub).last_sign_in_at >= before


def test_existing_account_with_same_email_is_not_matched(client: Any, fake_logto: FakeLogto) -> None:
    victim = User.objects.create_user("victim", email="ada@example.com", password="x")
    sign_in(client, fake_logto)
    assert int(client.session[SESSION_KEY]) != victim.pk
    assert LogtoIdentity.objects.get(sub=fake_logto.sub).user != victim
    assert User.objects.count() == 2


def test_user_without_email_signs_in(client: Any, fake_logto: FakeLogto) -> None:
    fake_logto.userinfo = {"email": None, "name": None}
    response = sign_in(client, fake_logto)
    assert response.status_code == 302
    user = LogtoIdentity.objects.get(sub=fake_logto.sub).user
    assert user.email == ""


def test_local_username_taken_by_unlinked_account_is_not_reused(
    client: Any, fake_logto: FakeLogto
) -> None:
    squatter = User.objects.create_user(f"logto_{fake_logto.sub}")
    sign_in(client, fake_logto)
    user = LogtoIdentity.objects.get(sub=fake_logto.sub).user
    assert user != squatter
    assert user.username.startswith(f"logto_{fake_logto.sub}_")


def test_a_logto_username_never_becomes_the_local_username(client: Any, fake_logto: FakeLogto) -> None:
    """Whatever Logto calls the user (``username``, ``preferred_username``), the local username
    stays ``logto_<sub>``: a Logto user renamed ``admin`` is not ``admin`` here."""
    sign_in(client, fake_logto)
    fake_logto.userinfo = {"username": "admin", "preferred_username": "admin"}
    sign_in(client, fake_logto)
    assert LogtoIdentity.objects.get(sub=fake_logto.sub).user.username == f"logto_{fake_logto.sub}"


def test_a_username_field_of_email_is_not_overwritten_by_the_email_claim(
    fake_logto: FakeLogto, monkeypatch: Any
) -> None:
    """A user model whose ``USERNAME_FIELD`` is ``email``: the claim is a detail, the local
    username (what the adapter made) is the identity and stays."""
    from account_center.site_adapter import get_adapter

    user = User.objects.create_user("ada", email="logto_u1@local.invalid")
    monkeypatch.setattr(User, "USERNAME_FIELD", "email")
    get_adapter().update_user_from_claims(user, {"sub": "u1", "email": "admin@example.com"})
    user.refresh_from_db()
    assert user.email == "logto_u1@local.invalid"


def test_signing_in_as_another_user_replaces_the_session(client: Any, fake_logto: FakeLogto) -> None:
    sign_in(client, fake_logto)
    fake_logto.sub = "another-sub"
    sign_in(client, fake_logto)
    assert client.session["account_center_sub"] == "another-sub"
    assert int(client.session[SESSION_KEY]) == LogtoIdentity.objects.get(sub="another-sub").user.pk


# --- refused sign-ins ------------------------------------------------------------------------


def test_forged_signature_is_refused(client: Any, fake_logto: FakeLogto) -> None:
    fake_logto.signer = SigningKey.generate("ES384")  # same kid, another key
    assert_friendly(sign_in(client, fake_logto), "token")
    assert not LogtoIdentity.objects.exists()


def test_unknown_kid_is_refused(client: Any, fake_logto: FakeLogto) -> None:
    fake_logto.signer = SigningKey.generate("ES384", kid="other")
    assert_friendly(sign_in(client, fake_logto), "token")


def test_expired_token_is_refused(client: Any, fake_logto: FakeLogto) -> None:
    fake_logto.extra_claims = {"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}
    assert_friendly(sign_in(client, fake_logto), "expired")


def test_wrong_issuer_is_refused(client: Any, fake_logto: FakeLogto) -> None:
    fake_logto.extra_claims = {"iss": "https://other-logto.test/oidc"}
    assert_friendly(sign_in(client, fake_logto), "token")


def test_wrong_audience_is_refused(client: Any, fake_logto: FakeLogto) -> None:
    fake_logto.extra_claims = {"aud": "another-app"}
    assert_friendly(sign_in(client, fake_logto), "token")


def test_several_audiences_need_our_azp(client: Any, fake_logto: FakeLogto) -> None:
    fake_logto.extra_claims = {"aud": [CLIENT_ID, "another-app"], "azp": "another-app"}
    assert_friendly(sign_in(client, fake_logto), "token")


def test_wrong_nonce_is_refused(client: Any, fake_logto: FakeLogto) -> None:
    params = start(client, fake_logto)
    fake_logto.last_nonce = "not-the-nonce"
    response = client.get("/account/oidc/callback/", {"code": "c", "state": params["state"]})
    assert_friendly(response, "token")


def test_hs256_token_is_refused(client: Any, fake_logto: FakeLogto) -> None:
    class Hs:
        def sign(self, claims: dict[str, Any]) -> str:
            import jwt

            return jwt.encode(claims, "s" * 48, algorithm="HS256", headers={"kid": "key-1"})

    fake_logto.signer = Hs()  # type: ignore[assignment]
    assert_friendly(sign_in(client, fake_logto), "token")


def test_userinfo_of_another_subject_is_refused(client: Any, fake_logto: FakeLogto) -> None:
    fake_logto.userinfo = {"sub": "someone-else"}
    assert_friendly(sign_in(client, fake_logto), "claims")
    assert not LogtoIdentity.objects.exists()


def test_wrong_state_is_refused(client: Any, fake_logto: FakeLogto) -> None:
    start(client, fake_logto)
    response = client.get("/account/oidc/callback/", {"code": "c", "state": "forged"})
    assert_friendly(response, "state")
    assert not fake_logto.token_requests


def test_state_cannot_be_replayed(client: Any, fake_logto: FakeLogto) -> None:
    params = start(client, fake_logto)
    client.get("/account/oidc/callback/", {"code": "c", "state": params["state"]})
    client.logout()
    response = client.get("/account/oidc/callback/", {"code": "c", "state": params["state"]})
    assert_friendly(response, "state")


def test_access_denied_at_callback_shows_friendly_page(client: Any, fake_logto: FakeLogto) -> None:
    params = start(client, fake_logto, "/account/login/?next=/account/profile/")
    response = client.get(
        "/account/oidc/callback/", {"error": "access_denied", "state": params["state"]}
    )
    assert_friendly(response, "denied")
    assert "/account/login/?next=%2Faccount%2Fprofile%2F" in response.content.decode()
    assert params["state"] not in client.session["oidc_states"]


def test_error_with_unknown_state_does_not_sign_out(client: Any, fake_logto: FakeLogto) -> None:
    sign_in(client, fake_logto)
    response = client.get("/account/oidc/callback/", {"error": "login_required", "state": "x"})
    assert response.status_code == 400
    assert SESSION_KEY in client.session


def test_token_endpoint_refusal_is_friendly(client: Any, fake_logto: FakeLogto, rsps: Any) -> None:
    rsps.replace(
        responses.POST, f"{ENDPOINT}/oidc/token", status=400, json={"error": "invalid_grant"}
    )
    assert_friendly(sign_in(client, fake_logto), "token")


def test_logto_down_at_token_exchange_is_503(client: Any, fake_logto: FakeLogto, rsps: Any) -> None:
    rsps.replace(responses.POST, f"{ENDPOINT}/oidc/token", status=502, body="bad gateway")
    response = sign_in(client, fake_logto)
    assert response.status_code == 503
    assert 'data-reason="unavailable"' in response.content.decode()


def test_inactive_local_user_is_refused(client: Any, fake_logto: FakeLogto) -> None:
    sign_in(client, fake_logto)
    client.logout()
    User.objects.update(is_active=False)
    response = sign_in(client, fake_logto)
    assert response.status_code == 403
    assert 'data-reason="inactive"' in response.content.decode()


def test_login_failed_page(client: Any) -> None:
    response = client.get("/account/login/failed/", {"reason": "nonsense"})
    assert response.status_code == 400
    assert 'data-reason="generic"' in response.content.decode()
    assert 'href="/account/login/"' in response.content.decode()


def test_explicit_oidc_setting_wins(client: Any, fake_logto: FakeLogto, settings: Any) -> None:
    settings.OIDC_RP_SCOPES = "openid"
    params = start(client, fake_logto)
    assert params["scope"] == "openid"


def test_issuer_is_taken_from_discovery() -> None:
    from account_center.auth.oidc_settings import oidc_setting

    with responses.RequestsMock() as mock:
        from .conftest import discovery_document

        mock.add(
            responses.GET,
            f"{ENDPOINT}/oidc/.well-known/openid-configuration",
            json=discovery_document(),
        )
        assert oidc_setting("OIDC_OP_ISSUER") == ISSUER
        assert oidc_setting("OIDC_OP_JWKS_ENDPOINT") == f"{ENDPOINT}/oidc/jwks"
        assert oidc_setting("OIDC_TIMEOUT") == (3.05, 10.0)
        assert oidc_setting("OIDC_TOKEN_USE_BASIC_AUTH") is True


def test_session_user_comes_with_its_logto_link_in_one_query(django_assert_num_queries):
    from django.contrib.auth import get_user_model

    from account_center.auth.backends import LogtoBackend
    from account_center.models import LogtoIdentity

    user = get_user_model().objects.create_user("linked")
    LogtoIdentity.objects.create(user=user, sub="sub-1")
    with django_assert_num_queries(1):
        loaded = LogtoBackend().get_user(user.pk)
        assert loaded.logto_identity.sub == "sub-1"
    assert LogtoBackend().get_user(10**9) is None


def test_a_new_sign_in_names_the_user_by_the_profile_name_in_the_top_bar(
    client: Any, fake_logto: FakeLogto
) -> None:
    """The account pages' heading shows Logto's profile name: the top bar (which reads this
    session key, see tests/pages/test_top_bar_name.py) from the first page after signing in."""
    from account_center.flows.identity import DISPLAY_NAME_KEY

    fake_logto.userinfo = {"name": "Ada Profile", "given_name": "Augusta", "family_name": "King"}
    sign_in(client, fake_logto)

    assert client.session[DISPLAY_NAME_KEY] == "Ada Profile"
