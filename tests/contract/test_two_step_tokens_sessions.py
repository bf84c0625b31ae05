"""The calls behind the two-step verification, developer token and session pages, as the pages
make them: against the emulator always, a real Logto when configured."""

from __future__ import annotations

import pytest

from account_center.flows.mfa import Factors, Settings, new_secret
from account_center.logto.errors import LogtoAPIError, LogtoNotFound

pytestmark = pytest.mark.contract


def test_app_made_secret_is_accepted_and_never_returned(logto_client, user_id):
    secret = new_secret()  # what the enrolment page sends: 32 base32 characters
    saved = logto_client.create_totp(user_id, secret)
    assert saved.secret == secret
    factors = logto_client.list_mfa_verifications(user_id)
    assert [f.type for f in factors] == ["Totp"]
    assert secret not in repr(factors)
    assert factors[0].last_used_at is None


def test_replacing_the_app_means_delete_then_create(logto_client, user_id):
    logto_client.create_totp(user_id, new_secret())
    with pytest.raises(LogtoAPIError) as info:
        logto_client.create_totp(user_id, new_secret())
    assert info.value.code == "user.totp_already_in_use"
    old = Factors.of(logto_client.list_mfa_verifications(user_id)).totp
    assert old is not None
    logto_client.delete_mfa_verification(user_id, old.id)
    logto_client.create_totp(user_id, new_secret())
    new = Factors.of(logto_client.list_mfa_verifications(user_id)).totp
    assert new is not None and new.id != old.id


def test_backup_codes_count_and_regeneration(logto_client, user_id):
    logto_client.create_totp(user_id, new_secret())
    codes = [str(code) for code in logto_client.create_backup_codes(user_id)]  # each a SecretText
    assert len(codes) == 10 and len(set(codes)) == 10
    backup = Factors.of(logto_client.list_mfa_verifications(user_id)).backup_codes
    assert backup is not None and backup.remain_codes == 10
    with pytest.raises(LogtoAPIError) as info:
        logto_client.create_backup_codes(user_id)
    assert info.value.code == "user.backup_code_already_in_use"
    logto_client.delete_mfa_verification(user_id, backup.id)
    assert {str(code) for code in logto_client.create_backup_codes(user_id)}.isdisjoint(codes)


def test_remove_unknown_factor_is_not_found(logto_client, user_id):
    with pytest.raises(LogtoNotFound):
        logto_client.delete_mfa_verification(user_id, "no-such-factor")


def test_user_switches_round_trip(logto_client, user_id):
    before = Settings.from_configs(logto_client.get_logto_configs(user_id))
    assert before.mfa_enabled is None  # absent until set once: Logto's default applies
    logto_client.update_logto_configs(user_id, {"mfa": {"enabled": True}})
    logto_client.update_logto_configs(user_id, {"passkeySignIn": {"skipped": True}})
    after = Settings.from_configs(logto_client.get_logto_configs(user_id))
    assert after.mfa_enabled is True and after.passkey_prompt_skipped is True
    logto_client.update_logto_configs(user_id, {"mfa": {"enabled": False}})
    final = Settings.from_configs(logto_client.get_logto_configs(user_id))
    assert final.mfa_enabled is False and final.passkey_prompt_skipped is True


def test_token_rename_to_taken_name_and_unknown_name(logto_client, user_id):
    logto_client.create_personal_access_token(user_id, "one")
    logto_client.create_personal_access_token(user_id, "two")
    with pytest.raises(LogtoAPIError) as info:
        logto_client.rename_personal_access_token(user_id, "one", "two")
    assert info.value.code == "user.personal_access_token_name_exists"
    with pytest.raises(LogtoNotFound):
        logto_client.rename_personal_access_token(user_id, "nope", "three")
    listed = sorted(t.name for t in logto_client.list_personal_access_tokens(user_id))
    assert listed == ["one", "two"]


def test_revoke_session_of_unknown_uid_has_a_code(logto_client, user_id):
    try:
        logto_client.list_sessions(user_id)
    except LogtoNotFound:
        pytest.skip("this Logto has no sessions API")
    with pytest.raises(LogtoNotFound) as info:
        logto_client.revoke_session(user_id, "x" * 43, revoke_grants_target="all")
    assert info.value.code == "oidc.session_not_found"  # a refusal, not "no sessions API"
