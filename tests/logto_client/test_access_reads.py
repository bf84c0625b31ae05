"""Connected apps (grants and their applications), trusted devices, organizations and
impersonation: the requests sent and Logto's answers as the lab's Logto gave them."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
import responses
from responses import matchers

from account_center.logto import read_cache, unsupported
from account_center.logto.access_models import (
    ApplicationBranding,
    OrganizationRole,
    TrustedDevice,
)
from account_center.logto.errors import (
    LogtoAPIError,
    LogtoAuthenticationError,
    LogtoNotFound,
    LogtoTokenExchangeRefused,
    LogtoUnavailable,
    LogtoUnsupported,
)

from .conftest import ENDPOINT, TOKEN_URL, management_calls
from .user_token_double import FakeUserTokens

# As the lab's Logto (1.43 candidate) answered after a third-party sign-in with consent.
GRANT_JSON = {
    "id": "3YUmOBuhwJN-tfc4KW_jVO61bGDumqsu1eJ6ij9lo2V",
    "payload": {
        "exp": 1811987689,
        "iat": 1796435689,
        "jti": "3YUmOBuhwJN-tfc4KW_jVO61bGDumqsu1eJ6ij9lo2V",
        "kind": "Grant",
        "clientId": "tp-app",
        "accountId": "u1",
        "openid": {"scope": "openid profile email"},
        "resources": {"https://api.example.com": "read:things"},
    },
    "expiresAt": 1811987689425,
    "application": {"id": "tp-app", "name": "Probe third party"},
}
APPLICATION_JSON = {
    "tenantId": "default",
    "id": "tp-app",
    "name": "Probe third party",
    "description": None,
    "type": "Traditional",
    "oidcClientMetadata": {"redirectUris": ["http://127.0.0.1:8000/cb/"]},
    "customClientMetadata": {},
    "protectedAppMetadata": None,
    "customData": {},
    "isThirdParty": True,
    "appLevelAccessControlEnabled": False,
    "createdAt": 1796435689070,
}
BRANDING_JSON = {
    "tenantId": "default",
    "applicationId": "tp-app",
    "color": {},
    "branding": {"logoUrl": "https://example.com/logo.png"},
    "customCss": None,
    "termsOfUseUrl": None,
    "privacyPolicyUrl": None,
    "displayName": "Probe TP",
}
ORGANIZATION_JSON = {
    "tenantId": "default",
    "id": "org1",
    "name": "Probe org",
    "description": "An org",
    "customData": {},
    "isMfaRequired": False,
    "color": {},
    "branding": {},
    "customCss": None,
    "createdAt": 1796435770126,
    "organizationRoles": [{"id": "r1", "name": "editor"}],
}
ROLE_JSON = {
    "tenantId": "default",
    "id": "r1",
    "name": "editor",
    "description": "Can edit",
    "type": "User",
}
DEVICE_JSON = {  # trustedDeviceResponseGuard (dev features on)
    "id": "d1",
    "userAgent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0",
    "country": "TW",
    "city": "Taipei",
    "createdAt": 1796435770126,
    "lastUsedAt": 1796435770126,
    "expiresAt": 1799027770126,
}
PLAIN_404 = {"status": 404, "body": "Not Found", "content_type": "text/plain"}
DISCOVERY = {"issuer": f"{ENDPOINT}/oidc", "token_endpoint": TOKEN_URL}


# -- grants and applications -----------------------------------------------------------------


def test_list_grants_reads_the_grants_object(logto_client, logto_mock):
    logto_mock.get(f"{ENDPOINT}/api/users/u1/grants", json={"grants": [GRANT_JSON]})
    (grant,) = logto_client.list_grants("u1")
    assert grant.application_id == "tp-app"
    assert grant.application_name == "Probe third party"
    assert grant.scope == "openid profile email"
    assert grant.resource_scopes == {"https://api.example.com": "read:things"}
    assert grant.issued_at is not None and grant.expires_at is not None


def test_list_grants_of_one_kind(logto_client, logto_mock):
    logto_mock.get(
        f"{ENDPOINT}/api/users/u1/grants",
        match=[matchers.query_param_matcher({"appType": "thirdParty"})],
        json={"grants": []},
    )
    assert logto_client.list_grants("u1", app_type="thirdParty") == []
    with pytest.raises(ValueError):
        logto_client.list_grants("u1", app_type="all")


@pytest.mark.parametrize("answer", [[], {"grants": {}}, {"grants": [1]}, {"grants": [{"id": 1}]}])
def test_list_grants_refuses_what_logto_does_not_send(logto_client, logto_mock, answer):
    logto_mock.get(f"{ENDPOINT}/api/users/u1/grants", json=answer)
    with pytest.raises(LogtoUnavailable):
        logto_client.list_grants("u1")


def test_revoke_grant(logto_client, logto_mock):
    logto_mock.delete(f"{ENDPOINT}/api/users/u1/grants/g%2F1", status=204)
    logto_client.revoke_grant("u1", "g/1")
    logto_mock.delete(
        f"{ENDPOINT}/api/users/u1/grants/gone", status=404, json={"code": "oidc.invalid_grant"}
    )
    with pytest.raises(LogtoNotFound) as info:
        logto_client.revoke_grant("u1", "gone")
    assert info.value.code == "oidc.invalid_grant"


def test_revoking_a_grant_drops_the_users_kept_grants(logto_client, logto_mock):
    url = f"{ENDPOINT}/api/users/u1/grants"
    logto_mock.get(url, json={"grants": [GRANT_JSON]})
    logto_mock.delete(f"{url}/{GRANT_JSON['id']}", status=204)
    logto_client.list_grants("u1")
    logto_client.list_grants("u1")
    logto_client.revoke_grant("u1", GRANT_JSON["id"])
    logto_client.list_grants("u1")
    assert [c.request.method for c in logto_mock.calls[1:]] == ["GET", "DELETE", "GET"]


def test_get_application_is_kept_tenant_wide(logto_client, logto_mock):
    logto_mock.get(f"{ENDPOINT}/api/applications/tp-app", json=APPLICATION_JSON)
    first = logto_client.get_application("tp-app")
    assert logto_client.get_application("tp-app") == first
    assert (first.name, first.type, first.is_third_party) == (
        "Probe third party",
        "Traditional",
        True,
    )
    assert management_calls(logto_mock) == 1
    assert read_cache.scope_of("/api/applications/tp-app") == "tenant"


def test_get_application_unknown(logto_client, logto_mock):
    logto_mock.get(
        f"{ENDPOINT}/api/applications/https%3A%2F%2Fexample.com%2Fclient.json",
        status=404,
        json={"code": "entity.not_exists_with_id"},
    )
    with pytest.raises(LogtoNotFound):
        logto_client.get_application("https://example.com/client.json")


def test_application_branding(logto_client, logto_mock):
    logto_mock.get(
        f"{ENDPOINT}/api/applications/tp-app/sign-in-experience", json=BRANDING_JSON
    )
    assert logto_client.get_application_branding("tp-app") == ApplicationBranding(
        display_name="Probe TP", logo_url="https://example.com/logo.png"
    )


def test_no_branding_is_an_answer_kept_like_one(logto_client, logto_mock):
    logto_mock.get(
        f"{ENDPOINT}/api/applications/app1/sign-in-experience",
        status=404,
        json={"code": "entity.not_exists_with_id"},
    )
    assert logto_client.get_application_branding("app1") is None
    assert logto_client.get_application_branding("app1") is None
    assert management_calls(logto_mock) == 1


def test_branding_on_a_logto_without_the_route_is_not_none(logto_client, logto_mock):
    logto_mock.get(f"{ENDPOINT}/api/applications/app1/sign-in-experience", **PLAIN_404)
    with pytest.raises(LogtoNotFound):
        logto_client.get_application_branding("app1")


# -- trusted devices ---------------------------------------------------------------------------


def test_trusted_devices_on_a_dev_features_build(logto_client, logto_mock):
    logto_mock.get(
        f"{ENDPOINT}/api/users/u1/trusted-devices",
        match=[matchers.query_param_matcher({"page": "1", "page_size": "100"})],
        json=[DEVICE_JSON],
    )
    (device,) = logto_client.list_trusted_devices("u1")
    assert isinstance(device, TrustedDevice)
    assert (device.id, device.city, device.country) == ("d1", "Taipei", "TW")
    assert device.last_used_at is not None and not device.is_current


def test_trusted_devices_unsupported_is_asked_once(logto_client, logto_mock):
    url = f"{ENDPOINT}/api/users/u1/trusted-devices"
    logto_mock.get(url, **PLAIN_404)
    with pytest.raises(LogtoUnsupported) as info:
        logto_client.list_trusted_devices("u1")
    assert info.value.feature == "trusted_devices" and info.value.code == ""
    assert unsupported.known("trusted_devices")
    with pytest.raises(LogtoUnsupported):
        logto_client.list_trusted_devices("u2")
    with pytest.raises(LogtoUnsupported):
        logto_client.delete_trusted_device("u1", "d1")
    assert management_calls(logto_mock) == 1


def test_trusted_devices_after_an_upgrade(logto_client, logto_mock):
    unsupported.remember("trusted_devices")
    unsupported.forget("trusted_devices")  # the hour is over
    logto_mock.get(f"{ENDPOINT}/api/users/u1/trusted-devices", json=[])
    assert logto_client.list_trusted_devices("u1") == []
    assert not unsupported.known("trusted_devices")


def test_trusted_devices_of_an_unknown_user_is_not_unsupported(logto_client, logto_mock):
    logto_mock.get(
        f"{ENDPOINT}/api/users/nobody/trusted-devices",
        status=404,
        json={"code": "entity.not_found"},
    )
    with pytest.raises(LogtoNotFound) as info:
        logto_client.list_trusted_devices("nobody")
    assert not isinstance(info.value, LogtoUnsupported)
    assert not unsupported.known("trusted_devices")


def test_delete_trusted_device(logto_client, logto_mock):
    logto_mock.delete(f"{ENDPOINT}/api/users/u1/trusted-devices/d1", status=204)
    logto_client.delete_trusted_device("u1", "d1")
    logto_mock.delete(
        f"{ENDPOINT}/api/users/u1/trusted-devices/gone",
        status=404,
        json={"code": "entity.not_found"},
    )
    with pytest.raises(LogtoNotFound):
        logto_client.delete_trusted_device("u1", "gone")


def test_sessions_share_the_unsupported_memory(logto_client, logto_mock):
    logto_mock.get(f"{ENDPOINT}/api/users/u1/sessions", **PLAIN_404)
    with pytest.raises(LogtoUnsupported):
        logto_client.list_sessions("u1")
    # The key the sessions flow has always read.
    from account_center.flows.sessions import UNSUPPORTED_KEY, known_unsupported

    assert unsupported.cache_key("sessions") == UNSUPPORTED_KEY
    assert known_unsupported()


def test_own_trusted_devices(logto_client, rsps):
    user = FakeUserTokens()
    rsps.get(
        f"{ENDPOINT}/api/my-account/trusted-devices",
        match=[matchers.header_matcher({"logto-verification-id": "rec-1"})],
        json=[{**DEVICE_JSON, "isCurrent": False}],
    )
    (device,) = logto_client.list_own_trusted_devices(user, verification_id="rec-1")
    assert device.id == "d1"
    rsps.delete(f"{ENDPOINT}/api/my-account/trusted-devices/d1", status=204)
    logto_client.delete_own_trusted_device(user, "d1", verification_id="rec-1")


def test_own_trusted_devices_unsupported(logto_client, rsps):
    rsps.get(f"{ENDPOINT}/api/my-account/trusted-devices", **PLAIN_404)
    with pytest.raises(LogtoUnsupported):
        logto_client.list_own_trusted_devices(FakeUserTokens(), verification_id="rec-1")
    assert unsupported.known("trusted_devices")


# -- organizations -----------------------------------------------------------------------------


def test_user_organizations_with_their_roles(logto_client, logto_mock):
    logto_mock.get(f"{ENDPOINT}/api/users/u1/organizations", json=[ORGANIZATION_JSON])
    (organization,) = logto_client.list_user_organizations("u1")
    assert (organization.name, organization.description) == ("Probe org", "An org")
    assert organization.roles == (OrganizationRole(id="r1", name="editor"),)


def test_organization_roles_of_a_member(logto_client, logto_mock):
    logto_mock.get(f"{ENDPOINT}/api/organizations/org1/users/u1/roles", json=[ROLE_JSON])
    assert logto_client.list_organization_user_roles("org1", "u1") == [
        OrganizationRole(id="r1", name="editor", description="Can edit", type="User")
    ]
    # Kept with the user's other reads: a change to the user drops it.
    assert read_cache.scope_of("/api/organizations/org1/users/u1/roles") == "u1"


def test_organization_roles_of_a_non_member(logto_client, logto_mock):
    logto_mock.get(
        f"{ENDPOINT}/api/organizations/org1/users/u2/roles",
        status=422,
        json={"code": "organization.require_membership"},
    )
    with pytest.raises(LogtoAPIError) as info:
        logto_client.list_organization_user_roles("org1", "u2")
    assert info.value.code == "organization.require_membership"


# -- impersonation -----------------------------------------------------------------------------


def test_create_subject_token(logto_client, logto_mock):
    logto_mock.post(
        f"{ENDPOINT}/api/subject-tokens",
        status=201,
        match=[matchers.json_params_matcher({"userId": "u1", "context": {"reason": "support"}})],
        json={"subjectToken": "sub_jn2bp18pzwi4yqmh2cn1k", "expiresIn": 600},
    )
    token = logto_client.create_subject_token("u1", context={"reason": "support"})
    assert (token.value, token.expires_in) == ("sub_jn2bp18pzwi4yqmh2cn1k", 600)
    assert "sub_" not in repr(token)


def test_subject_token_for_an_unknown_user(logto_client, logto_mock):
    logto_mock.post(
        f"{ENDPOINT}/api/subject-tokens",
        status=404,
        json={"code": "entity.relation_foreign_key_not_found"},
    )
    with pytest.raises(LogtoNotFound) as info:
        logto_client.create_subject_token("nobody")
    assert info.value.code == "entity.relation_foreign_key_not_found"


def test_exchange_subject_token(logto_client, rsps):
    rsps.get(f"{ENDPOINT}/oidc/.well-known/openid-configuration", json=DISCOVERY)
    rsps.post(
        TOKEN_URL,
        json={
            "access_token": "V" * 43,
            "expires_in": 3600,
            "scope": "openid profile",
            "token_type": "Bearer",
        },
    )
    token = logto_client.exchange_subject_token(
        "sub_x", client_id="web", client_secret="web-secret"
    )
    assert (token.access_token, token.scope, token.expires_in) == ("V" * 43, "openid profile", 3600)
    assert "VVVV" not in repr(token)
    request = rsps.calls[-1].request
    assert parse_qs(request.body) == {
        "grant_type": ["urn:ietf:params:oauth:grant-type:token-exchange"],
        "subject_token": ["sub_x"],
        "subject_token_type": ["urn:ietf:params:oauth:token-type:access_token"],
        "scope": ["openid profile"],
    }
    assert request.headers["Authorization"].startswith("Basic ")


@pytest.mark.parametrize(
    ("error", "description", "not_allowed"),
    [
        ("invalid_request", "requested grant type is not allowed for this client", True),
        ("invalid_grant", "grant request is invalid", False),
    ],
)
def test_exchange_refused(logto_client, rsps, error, description, not_allowed):
    rsps.get(f"{ENDPOINT}/oidc/.well-known/openid-configuration", json=DISCOVERY)
    rsps.post(
        TOKEN_URL,
        status=400,
        json={"code": f"oidc.{error}", "error": error, "error_description": description},
    )
    with pytest.raises(LogtoTokenExchangeRefused) as info:
        logto_client.exchange_subject_token("sub_x", client_id="web", client_secret="s")
    assert info.value.code == f"oidc.{error}"
    assert info.value.not_allowed is not_allowed


def test_exchange_with_wrong_credentials(logto_client, rsps):
    rsps.get(f"{ENDPOINT}/oidc/.well-known/openid-configuration", json=DISCOVERY)
    rsps.post(TOKEN_URL, status=401, json={"error": "invalid_client"})
    with pytest.raises(LogtoAuthenticationError):
        logto_client.exchange_subject_token("sub_x", client_id="web", client_secret="wrong")


def test_exchange_is_never_retried(logto_client, rsps):
    import requests

    rsps.get(f"{ENDPOINT}/oidc/.well-known/openid-configuration", json=DISCOVERY)
    rsps.post(TOKEN_URL, body=requests.ConnectionError())
    with pytest.raises(LogtoUnavailable):
        logto_client.exchange_subject_token("sub_x", client_id="web", client_secret="s")
    assert len([c for c in rsps.calls if c.request.url == TOKEN_URL]) == 1
