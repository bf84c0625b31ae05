"""The client against a Logto over HTTP: the emulator always, a real Logto when configured."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from account_center.logto.client import LogtoClient
from account_center.logto.errors import (
    LogtoAPIError,
    LogtoAuthenticationError,
    LogtoNotFound,
)

from .conftest import STRONG_PASSWORD, Target

pytestmark = pytest.mark.contract


def test_discovery_names_the_oidc_endpoints(logto_client):
    document = logto_client.discovery()
    assert document["issuer"].endswith("/oidc")
    assert document["token_endpoint"].endswith("/oidc/token")
    assert document["jwks_uri"].endswith("/oidc/jwks")


def test_revoking_a_token_logto_does_not_know_is_done(logto_client):
    assert logto_client.discovery()["revocation_endpoint"].endswith("/oidc/token/revocation")
    # Any confidential client may ask (here the M2M app); RFC 7009's 200 for an unknown token.
    logto_client.revoke_refresh_token(
        client_id=logto_client.m2m_app_id,
        client_secret=logto_client._m2m_app_secret,  # the target's own, kept private by the client
        refresh_token="not-a-token-" + secrets.token_urlsafe(8),
    )


def test_the_anonymous_sign_in_experience_is_typed(logto_client):
    found = logto_client.get_public_sign_in_experience()
    # Neither lists a social connector on its sign-in page, nor (production builds) the
    # remembered-devices policy.
    assert found.social_connectors == () and found.trusted_device is None


def test_refused_m2m_secret_is_an_authentication_error(target: Target):
    wrong = LogtoClient(
        endpoint=target.client.endpoint,
        m2m_app_id=target.client.m2m_app_id,
        m2m_app_secret="not-the-secret",
        resource=target.client.resource,
    )
    with pytest.raises(LogtoAuthenticationError):
        wrong.get_access_token()


def test_get_and_update_user(logto_client, user_id):
    user = logto_client.get_user(user_id)
    assert user.id == user_id
    assert user.username.startswith("contract_")
    assert user.has_password is True

    updated = logto_client.update_user(user_id, name="Renamed", username=f"renamed_{user.username}")
    assert updated.name == "Renamed"
    assert updated.username == f"renamed_{user.username}"

    cleared = logto_client.update_user(user_id, name=None)
    assert not cleared.name
    assert cleared.username == updated.username  # keys not given are left alone


def test_get_user_with_sso_identities(logto_client, user_id):
    user = logto_client.get_user(user_id, include_sso_identities=True)
    assert user.sso_identities == ()


def test_username_collision_keeps_code(logto_client, user_id, target):
    other = target.create_user(username=f"taken_{secrets.token_hex(4)}", password=STRONG_PASSWORD)
    try:
        taken = logto_client.get_user(other).username
        with pytest.raises(LogtoAPIError) as info:
            logto_client.update_user(user_id, username=taken)
        assert info.value.status == 422
        assert info.value.code == "user.username_already_in_use"
    finally:
        logto_client.delete_user(other)


def test_profile_is_merged(logto_client, user_id):
    logto_client.update_profile(user_id, {"givenName": "Ada", "address": {"country": "DE"}})
    profile = logto_client.update_profile(user_id, {"familyName": "Lovelace"})
    assert profile["givenName"] == "Ada"
    assert profile["familyName"] == "Lovelace"
    assert logto_client.get_user(user_id).profile["familyName"] == "Lovelace"


def test_custom_data_is_merged_at_top_level(logto_client, user_id):
    logto_client.update_custom_data(user_id, {"a": 1, "nested": {"x": 1}})
    merged = logto_client.update_custom_data(user_id, {"b": 2, "nested": {"y": 2}})
    assert merged == {"a": 1, "b": 2, "nested": {"y": 2}}
    assert logto_client.get_custom_data(user_id) == merged


def test_logto_configs_round_trip(logto_client, user_id):
    configs = logto_client.update_logto_configs(user_id, {"mfa": {"skipped": True}})
    assert configs["mfa"]["skipped"] is True
    assert logto_client.get_logto_configs(user_id)["mfa"]["skipped"] is True


def test_suspend_and_unsuspend(logto_client, user_id):
    assert logto_client.set_suspended(user_id, True).is_suspended is True
    assert logto_client.set_suspended(user_id, False).is_suspended is False


def test_password_set_verify_and_policy(logto_client, user_id):
    assert logto_client.has_password(user_id) is True
    assert logto_client.verify_password(user_id, STRONG_PASSWORD) is True
    assert logto_client.verify_password(user_id, "certainly-wrong-password") is False

    issues = logto_client.check_password_policy("1", user_id=user_id)
    assert issues
    assert all(issue.code.startswith("password_rejected.") for issue in issues)
    new_password = "An0ther-" + secrets.token_urlsafe(16)
    assert logto_client.check_password_policy(new_password, user_id=user_id) == []

    logto_client.set_password(user_id, new_password)
    assert logto_client.verify_password(user_id, new_password) is True
    assert logto_client.verify_password(user_id, STRONG_PASSWORD) is False


def test_verification_code_send_and_verify(logto_client, target: Target):
    if target.read_code is None:
        pytest.skip("codes sent by a real Logto cannot be read here")
    email = f"code-{secrets.token_hex(4)}@example.com"
    logto_client.send_verification_code(email=email)
    code = target.read_code(email=email)
    assert code
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(LogtoAPIError) as info:
        logto_client.verify_verification_code(code=wrong, email=email)
    assert info.value.code == "verification_code.code_mismatch"
    logto_client.verify_verification_code(code=code, email=email)


def test_verification_code_unknown_recipient(logto_client):
    with pytest.raises(LogtoAPIError) as info:
        logto_client.verify_verification_code(
            code="123456", email=f"never-{secrets.token_hex(4)}@example.com"
        )
    assert info.value.code == "verification_code.not_found"


def test_identities_error_codes(logto_client, user_id):
    with pytest.raises(LogtoNotFound) as info:
        logto_client.unlink_identity(user_id, "github")
    assert info.value.code == "user.identity_not_exist"

    # An unknown connector is a 404 (Logto: entity.not_found); a non-social one would be
    # 422 session.invalid_connector_id.
    with pytest.raises(LogtoNotFound):
        logto_client.link_identity(user_id, "no-such-connector", {"code": "x"})


def test_connectors_list(logto_client):
    connectors = logto_client.list_connectors()
    social = logto_client.list_social_connectors()
    assert {c.id for c in social} <= {c.id for c in connectors}
    assert all(c.type == "Social" for c in social)
    for connector in social:
        assert connector.target
        assert connector.name_for("en")


def test_mfa_create_list_delete(logto_client, user_id):
    totp = logto_client.create_totp(user_id)
    assert totp.secret
    codes = logto_client.create_backup_codes(user_id)
    assert len(codes) == 10

    factors = logto_client.list_mfa_verifications(user_id)
    assert sorted(f.type for f in factors) == ["BackupCode", "Totp"]
    assert all(f.id for f in factors)

    with pytest.raises(LogtoAPIError) as info:
        logto_client.create_totp(user_id)
    assert info.value.code == "user.totp_already_in_use"

    for factor in factors:
        logto_client.delete_mfa_verification(user_id, factor.id)
    assert logto_client.list_mfa_verifications(user_id) == []


def test_backup_codes_cannot_be_alone(logto_client, user_id):
    with pytest.raises(LogtoAPIError) as info:
        logto_client.create_backup_codes(user_id)
    assert info.value.code == "session.mfa.backup_code_can_not_be_alone"


def test_personal_access_tokens(logto_client, user_id):
    expires = datetime.now(tz=UTC).replace(microsecond=0) + timedelta(days=30)
    created = logto_client.create_personal_access_token(user_id, "ci", expires_at=expires)
    assert created.value.startswith("pat_")
    assert created.token.expires_at == expires

    with pytest.raises(LogtoAPIError) as info:
        logto_client.create_personal_access_token(user_id, "ci")
    assert info.value.code == "user.personal_access_token_name_exists"

    listed = logto_client.list_personal_access_tokens(user_id)
    assert [t.name for t in listed] == ["ci"]
    assert created.value not in repr(listed)

    logto_client.rename_personal_access_token(user_id, "ci", "deploy")
    assert [t.name for t in logto_client.list_personal_access_tokens(user_id)] == ["deploy"]

    logto_client.delete_personal_access_token(user_id, "deploy")
    assert logto_client.list_personal_access_tokens(user_id) == []


def test_sessions_list_for_a_user_never_signed_in(logto_client, user_id):
    try:
        sessions = logto_client.list_sessions(user_id)
    except LogtoNotFound:
        pytest.skip("this Logto has no sessions API (older than the sessions feature)")
    assert sessions == []


def test_revoke_unknown_session(logto_client, user_id):
    with pytest.raises(LogtoNotFound):
        logto_client.revoke_session(user_id, "no-such-session")


def test_delete_user_then_not_found(logto_client, target: Target):
    doomed = target.create_user(username=f"doomed_{secrets.token_hex(4)}")
    logto_client.delete_user(doomed)
    with pytest.raises(LogtoNotFound):
        logto_client.get_user(doomed)
    with pytest.raises(LogtoNotFound):
        logto_client.delete_user(doomed)


def test_unknown_user_is_not_found(logto_client):
    with pytest.raises(LogtoNotFound):
        logto_client.get_user("no-such-user-" + secrets.token_hex(4))


def test_link_through_the_mock_social_connector_then_unlink(logto_client, user_id):
    """The calls behind Connections: the provider's URL carries our state and callback; the
    callback's parameters link the identity; unlinking removes it."""
    mock = next((c for c in logto_client.list_social_connectors() if "mock" in c.target), None)
    if mock is None:
        pytest.skip("this Logto has no mock social connector")
    state = secrets.token_urlsafe(24)
    callback = "http://127.0.0.1:8000/account/connections/callback/"
    url = logto_client.get_authorization_uri(mock.id, state=state, redirect_uri=callback)
    query = parse_qs(urlsplit(url).query)
    assert query["state"] == [state] and query["redirect_uri"] == [callback]
    social_id = f"contract-social-{secrets.token_hex(4)}"
    identities = logto_client.link_identity(
        user_id, mock.id, {"code": "c", "userId": social_id, "state": state}
    )
    assert identities[mock.target].user_id == social_id
    assert mock.target in logto_client.get_user(user_id).identities
    logto_client.unlink_identity(user_id, mock.target)
    assert mock.target not in logto_client.get_user(user_id).identities
