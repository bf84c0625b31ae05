"""``GET /oidc/.well-known/openid-configuration``: the discovery document, key for key as a real
Logto 1.37.1 answers it, and the issuer every token names."""

from __future__ import annotations

from logto_emulator.http import Request, Response, json_response
from logto_emulator.routes import route
from logto_emulator.state import EmulatorState


SCOPES_SUPPORTED = [
    "openid",
    "offline_access",
    "profile",
    "email",
    "phone",
    "address",
    "custom_data",
    "identities",
    "roles",
    "urn:logto:scope:organizations",
    "urn:logto:scope:organization_roles",
    "urn:logto:scope:sessions",
]
# Logto's list, in its order (a real 1.37.1 discovery document).
CLAIMS_SUPPORTED = [
    "sub",
    "name",
    "family_name",
    "given_name",
    "middle_name",
    "nickname",
    "preferred_username",
    "profile",
    "picture",
    "website",
    "gender",
    "birthdate",
    "zoneinfo",
    "locale",
    "updated_at",
    "username",
    "created_at",
    "email",
    "email_verified",
    "phone_number",
    "phone_number_verified",
    "address",
    "custom_data",
    "identities",
    "sso_identities",
    "roles",
    "organizations",
    "organization_data",
    "organization_roles",
    "sid",
    "auth_time",
    "iss",
]


def issuer(request: Request) -> str:
    return f"{request.base_url}/oidc"


@route("GET", r"/oidc/\.well-known/openid-configuration")
def discovery(state: EmulatorState, request: Request) -> Response:
    """Logto's discovery document, key for key (a real 1.37.1 answer, with this base URL).

    It lists endpoints the emulator does not serve (introspection, pushed authorization
    requests); an account center never calls them.
    """
    base = issuer(request)
    return json_response(
        {
            "authorization_endpoint": f"{base}/auth",
            "claims_parameter_supported": False,
            "claims_supported": CLAIMS_SUPPORTED,
            "code_challenge_methods_supported": ["S256"],
            "end_session_endpoint": f"{base}/session/end",
            "grant_types_supported": [
                "implicit",
                "authorization_code",
                "refresh_token",
                "client_credentials",
                "urn:ietf:params:oauth:grant-type:token-exchange",
            ],
            "issuer": base,
            "jwks_uri": f"{base}/jwks",
            "authorization_response_iss_parameter_supported": True,
            "response_modes_supported": ["form_post", "fragment", "query"],
            "response_types_supported": ["code id_token", "code", "id_token", "none"],
            "scopes_supported": SCOPES_SUPPORTED,
            "subject_types_supported": ["public"],
            # node-oidc-provider's defaults as Logto publishes them; web and M2M apps in fact
            # authenticate with client_secret_basic or client_secret_post.
            "token_endpoint_auth_methods_supported": [
                "client_secret_basic",
                "client_secret_jwt",
                "client_secret_post",
                "private_key_jwt",
                "none",
            ],
            "token_endpoint_auth_signing_alg_values_supported": [
                "HS256",
                "RS256",
                "PS256",
                "ES256",
                "EdDSA",
            ],
            "token_endpoint": f"{base}/token",
            "id_token_signing_alg_values_supported": ["ES384"],
            "pushed_authorization_request_endpoint": f"{base}/request",
            "request_parameter_supported": False,
            "request_uri_parameter_supported": False,
            "userinfo_endpoint": f"{base}/me",
            "introspection_endpoint": f"{base}/token/introspection",
            "revocation_endpoint": f"{base}/token/revocation",
            "backchannel_logout_supported": True,
            "backchannel_logout_session_supported": True,
            "claim_types_supported": ["normal"],
        }
    )
