"""The "keep a way to sign in" rule is Logto's: every identifier, social and SSO identity counts."""

import pytest

from account_center.flows.errors import FlowError
from account_center.flows.identifiers import _refuse_if_last
from account_center.logto.models import LogtoUser


def _user(**fields):
    data = {"id": "u1", "identities": {}, "ssoIdentities": [], **fields}
    return LogtoUser.from_api(data)


def test_last_identifier_is_refused_with_logtos_code():
    with pytest.raises(FlowError) as caught:
        _refuse_if_last(_user(primaryEmail="a@example.com"), "email")
    assert caught.value.code == "user.last_sign_in_method_required"


def test_last_social_identity_is_refused():
    user = _user(identities={"github": {"userId": "g1", "details": {}}})
    with pytest.raises(FlowError):
        _refuse_if_last(user, "social:github")


def test_another_identifier_or_social_identity_allows_removal():
    _refuse_if_last(_user(username="ann", primaryEmail="a@example.com"), "email")
    _refuse_if_last(
        _user(identities={"github": {"userId": "g1", "details": {}}}, username="a"), "username"
    )


def test_sso_identity_counts_as_in_logto():
    # Logto's getUserIdentifierCount adds ssoIdentities.length; refusing here would disagree with Logto.
    user = _user(
        primaryPhone="442079460958",
        ssoIdentities=[{"issuer": "https://idp.example", "identityId": "x", "detail": {}}],
    )
    _refuse_if_last(user, "phone")
