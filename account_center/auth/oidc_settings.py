"""mozilla-django-oidc settings derived from the ``LOGTO_*`` settings and Logto's discovery document.

Users configure ``LOGTO_ENDPOINT``, ``LOGTO_APP_ID``, ``LOGTO_APP_SECRET`` (and ``LOGTO_SCOPES``);
every ``OIDC_*`` value mozilla-django-oidc wants is derived here. A setting written explicitly in
``settings.py`` still wins, so a project can override a single one.

Discovery is read lazily, at the moment a value is needed, never at import or middleware start:
a Logto that is down must not stop Django from starting or break pages that do not sign in.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from ..conf.app_settings import app_settings
from ..logto.client import get_client

# Asymmetric algorithms only: an HS256 token would be "signed" with the client secret, and
# "none" is not signed at all. Logto signs ES384 by default, RS256 with older RSA keys. Only the
# algorithms whose keys the sign-in verifies (and the tests prove) are accepted: PS* and EdDSA
# are not, whatever a discovery document announces.
ASYMMETRIC_ALGORITHMS = frozenset({"ES256", "ES384", "ES512", "RS256", "RS384", "RS512"})

# OIDC_* name -> key of the discovery document.
_DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_LOGOUT_ENDPOINT": "end_session_endpoint",
    "OIDC_OP_ISSUER": "issuer",
}

_MISSING = object()

# What the Account API needs beyond the default scopes (ACCOUNT-API.md, "Scopes"): the profile's
# address, a refresh token, the sessions and grants.
ACCOUNT_API_SCOPES = ("address", "offline_access", "urn:logto:scope:sessions")


def keeps_user_tokens() -> bool:
    """Whether sign-in keeps the user's own tokens for the Account API (any gateway but the
    Management API alone)."""
    return app_settings.LOGTO_GATEWAY != "management"


def sign_in_scopes() -> str:
    """``LOGTO_SCOPES``, and what the Account API needs when a gateway may use it."""
    scopes = app_settings.LOGTO_SCOPES.split()
    if keeps_user_tokens():
        scopes += [scope for scope in ACCOUNT_API_SCOPES if scope not in scopes]
    return " ".join(scopes)


def discovery() -> dict[str, Any]:
    """Logto's OIDC discovery document (cached by the client). Raises ``LogtoUnavailable``."""
    return get_client().discovery()


def _derived(name: str) -> Any:
    if name in _DISCOVERED:
        value = discovery().get(_DISCOVERED[name])
        return value if value else _MISSING
    derived: dict[str, Any] = {
        "OIDC_RP_CLIENT_ID": lambda: app_settings.LOGTO_APP_ID,
        "OIDC_RP_CLIENT_SECRET": lambda: app_settings.LOGTO_APP_SECRET,
        "OIDC_RP_SCOPES": sign_in_scopes,
        # The real algorithm is read from each token's header (see the backend); this default
        # only matters to code that asks before a token exists.
        "OIDC_RP_SIGN_ALGO": lambda: "ES384",
        "OIDC_AUTHENTICATION_CALLBACK_URL": lambda: "account_center:oidc_callback",
        # The ID token is the id_token_hint at sign-out and carries the `sid` of this session.
        "OIDC_STORE_ID_TOKEN": lambda: True,
        "OIDC_STORE_ACCESS_TOKEN": lambda: False,
        # mozilla-django-oidc has no timeout by default: a hung Logto would hang a worker.
        "OIDC_TIMEOUT": lambda: app_settings.LOGTO_TIMEOUT,
        # Logto's web apps use client_secret_basic and refuse a secret sent twice.
        "OIDC_TOKEN_USE_BASIC_AUTH": lambda: True,
        # Logto supports PKCE for confidential clients too: a stolen code is then useless.
        "OIDC_USE_PKCE": lambda: True,
        "OIDC_USE_NONCE": lambda: True,
        "LOGIN_REDIRECT_URL": lambda: app_settings.LOGIN_REDIRECT_URL,
        "LOGOUT_REDIRECT_URL": lambda: app_settings.LOGOUT_REDIRECT_URL,
        "LOGIN_REDIRECT_URL_FAILURE": lambda: "account_center:login_failed",
    }
    factory = derived.get(name)
    return factory() if factory else _MISSING


# Django itself defines these, so "present in settings" says nothing about the user's intent:
# the account center's own ACCOUNT_CENTER_* settings decide them.
_DJANGO_GLOBALS = {"LOGIN_REDIRECT_URL", "LOGOUT_REDIRECT_URL"}


def oidc_setting(name: str, *default: Any) -> Any:
    """Value of ``name`` as mozilla-django-oidc's ``get_settings`` would return it.

    Explicit settings win; then the derived value; then ``default``. Raises
    ``ImproperlyConfigured`` when none exists, like mozilla does.
    """
    if name not in _DJANGO_GLOBALS and hasattr(settings, name):
        return getattr(settings, name)
    value = _derived(name)
    if value is not _MISSING:
        return value
    if default:
        return default[0]
    raise ImproperlyConfigured(f"Setting {name} not found and not derivable from Logto.")


def expected_issuer() -> str:
    """The issuer Logto at ``LOGTO_ENDPOINT`` has: ``<endpoint>/oidc``."""
    return app_settings.LOGTO_ENDPOINT.rstrip("/") + "/oidc"


def allowed_signing_algorithms() -> frozenset[str]:
    """Algorithms an ID token may be signed with.

    ``OIDC_RP_SIGN_ALGO`` set explicitly pins one; otherwise whatever asymmetric algorithm the
    discovery document announces (Logto: ES384, or RS256 with RSA keys).
    """
    if hasattr(settings, "OIDC_RP_SIGN_ALGO"):
        return frozenset({getattr(settings, "OIDC_RP_SIGN_ALGO")})  # noqa: B009 - optional setting
    announced = discovery().get("id_token_signing_alg_values_supported") or ["ES384", "RS256"]
    return frozenset(announced) & ASYMMETRIC_ALGORITHMS
