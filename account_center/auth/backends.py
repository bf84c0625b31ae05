"""Sign-in with Logto: mozilla-django-oidc's backend, matched by Logto ``sub`` only.

mozilla-django-oidc matches users by email by default. An email is not an identity: anyone who
can make Logto (or a connected social provider) claim an address would take over the local
account holding it. Here the only link is :class:`~account_center.models.LogtoIdentity.sub`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest
from django.urls import reverse
from django.utils.encoding import smart_str
from django.views.decorators.debug import sensitive_variables
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import absolutify

from ..flows import tenant_wide
from ..flows.identity import DISPLAY_NAME_KEY, SIGNED_IN_SUB_KEY, display_name_of
from ..logto import read_cache
from ..logto.client import get_client
from ..logto.errors import LogtoUnavailable
from ..site_adapter import get_adapter
from . import oidc_settings, user_tokens
from .exceptions import SignInFailed

logger = logging.getLogger(__name__)

# Seconds of clock difference tolerated between Logto and this server.
CLOCK_LEEWAY = 30

# Where the callback finds what the backend learned, to write into the session *after*
# auth.login(): login() may flush the session (another user was signed in) and lose it.
REQUEST_ATTR = "_account_center_sign_in"


@contextmanager
def _explained_failures() -> Iterator[None]:
    """Turn every library failure of a sign-in into :class:`SignInFailed` with a reason."""
    try:
        yield
    except SignInFailed:
        raise
    except LogtoUnavailable as exc:
        raise SignInFailed("unavailable", str(exc)) from exc
    except jwt.ExpiredSignatureError as exc:
        # mozilla lets this escape as a 500.
        raise SignInFailed("expired", "ID token expired") from exc
    except jwt.PyJWTError as exc:
        raise SignInFailed("token", f"ID token rejected: {type(exc).__name__}") from exc
    except requests.HTTPError as exc:
        status = exc.response.status_code if exc.response is not None else None
        if status is None or status >= 500:
            raise SignInFailed("unavailable", f"Logto answered {status}") from exc
        # 4xx at the token endpoint: a used or expired code, or our client refused.
        raise SignInFailed("token", f"Logto refused the code exchange ({status})") from exc
    except (requests.RequestException, ValueError) as exc:
        # Connection errors, timeouts, and bodies that are not JSON.
        raise SignInFailed("unavailable", type(exc).__name__) from exc
    except SuspiciousOperation as exc:
        raise SignInFailed("token", str(exc)) from exc


class LogtoBackend(OIDCAuthenticationBackend):
    """Authenticates the OIDC authorization-code callback; one Django user per Logto ``sub``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # mozilla reads every endpoint here. Django builds a backend for each request's
        # get_user(), so reading discovery here would call Logto on every page: stay lazy.
        self.UserModel = get_user_model()
        self.OIDC_RP_SIGN_ALGO = "ES384"
        self.OIDC_RP_IDP_SIGN_KEY = None

    @staticmethod
    def get_settings(attr: str, *args: Any) -> Any:
        return oidc_settings.oidc_setting(attr, *args)

    # mozilla reads these as attributes; properties keep them lazy.
    @property
    def OIDC_OP_TOKEN_ENDPOINT(self) -> str:  # noqa: N802
        return self.get_settings("OIDC_OP_TOKEN_ENDPOINT")

    @property
    def OIDC_OP_USER_ENDPOINT(self) -> str:  # noqa: N802
        return self.get_settings("OIDC_OP_USER_ENDPOINT")

    @property
    def OIDC_OP_JWKS_ENDPOINT(self) -> str:  # noqa: N802
        return self.get_settings("OIDC_OP_JWKS_ENDPOINT")

    @property
    def OIDC_RP_CLIENT_ID(self) -> str:  # noqa: N802
        return self.get_settings("OIDC_RP_CLIENT_ID")

    @property
    def OIDC_RP_CLIENT_SECRET(self) -> str:  # noqa: N802
        return self.get_settings("OIDC_RP_CLIENT_SECRET")

    # --- the callback -----------------------------------------------------------------------

    # Every frame below holds the code's verifier, the nonce or the tokens (mozilla-django-oidc's
    # and requests' too); Django's authenticate() marks only its own ``credentials``.
    @sensitive_variables()
    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        """Exchange the code, verify the ID token, and return the matching user.

        Raises :class:`SignInFailed` (never a bare library error) so the callback can explain.
        Returns ``None`` when the request is not an OIDC callback (other backends then try).
        """
        if request is None or "nonce" not in kwargs:
            # Not our callback (e.g. the admin's username/password form): let others try.
            return None
        self.request = request
        # The features the landing page reads only through the Management API; None: the sign-in
        # lands on a page of the host project's.
        self.landing_reads: tuple[str, ...] | None = kwargs.get("landing_reads")
        with _explained_failures():
            tokens = self.exchange_code(
                request, nonce=kwargs.get("nonce"), code_verifier=kwargs.get("code_verifier")
            )
            self.store_tokens(tokens["access_token"], tokens["id_token"])
            self.keep_user_tokens(tokens)
            return self.get_or_create_user(
                tokens["access_token"], tokens["id_token"], tokens["claims"]
            )

    @sensitive_variables()
    def verify_callback(
        self, request: HttpRequest, *, nonce: str | None, code_verifier: str | None
    ) -> dict[str, Any]:
        """Exchange the code and verify the ID token without touching any user.

        For reauthentication: answers ``{"access_token", "id_token", "claims"}``. Raises
        :class:`SignInFailed`.
        """
        self.request = request
        with _explained_failures():
            return self.exchange_code(request, nonce=nonce, code_verifier=code_verifier)

    def exchange_code(
        self, request: HttpRequest, *, nonce: str | None, code_verifier: str | None
    ) -> dict[str, Any]:
        code = request.GET.get("code")
        if not code or not request.GET.get("state"):
            raise SignInFailed("state", "callback without code or state")
        token_payload = {
            "client_id": self.OIDC_RP_CLIENT_ID,
            "client_secret": self.OIDC_RP_CLIENT_SECRET,
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": absolutify(
                request, reverse(self.get_settings("OIDC_AUTHENTICATION_CALLBACK_URL"))
            ),
        }
        if code_verifier is not None:
            token_payload["code_verifier"] = code_verifier
        token_info = self.get_token(token_payload)
        id_token = token_info.get("id_token")
        if not id_token:
            raise SignInFailed("token", "token response without id_token")
        claims = self.verify_token(id_token, nonce=nonce)
        return {
            "access_token": token_info.get("access_token", ""),
            "refresh_token": token_info.get("refresh_token", ""),
            "expires_in": token_info.get("expires_in"),
            "id_token": id_token,
            "claims": claims,
        }

    def store_tokens(self, access_token: str, id_token: str) -> None:
        # Stashed on the request; the callback writes the session after auth.login().
        stash = getattr(self.request, REQUEST_ATTR, None) or {}
        stash["oidc_id_token"] = id_token
        if self.get_settings("OIDC_STORE_ACCESS_TOKEN", False):
            stash["oidc_access_token"] = access_token
        setattr(self.request, REQUEST_ATTR, stash)

    @sensitive_variables()
    def keep_user_tokens(self, tokens: dict[str, Any]) -> None:
        """Stash the user's own tokens, sealed, for the Account API (see ``user_tokens``)."""
        kept = user_tokens.kept_from_sign_in(
            self.request.session, tokens["claims"]["sub"], tokens
        )
        stash = getattr(self.request, REQUEST_ATTR, None) or {}
        if kept is not None or user_tokens.SESSION_KEY in self.request.session:
            # None drops what an earlier sign-in kept, once the gateway no longer uses it.
            stash[user_tokens.SESSION_KEY] = kept
        setattr(self.request, REQUEST_ATTR, stash)

    # --- ID token verification -------------------------------------------------------------

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        """Verify signature, ``alg``, ``iss``, ``aud``, ``exp`` and nonce of an ID token."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise SignInFailed("token", "malformed ID token") from exc
        alg = header.get("alg")
        if alg not in oidc_settings.allowed_signing_algorithms():
            raise SignInFailed("token", f"ID token signed with unexpected alg {alg!r}")
        # mozilla compares the header's alg with this attribute: the header decides, once
        # it is one of the algorithms Logto announces.
        self.OIDC_RP_SIGN_ALGO = alg
        return super().verify_token(token, **kwargs)

    def retrieve_matching_jwk(self, token: str) -> jwt.PyJWK:
        # mozilla raises a bare KeyError when a kid is missing; refuse cleanly instead.
        header = jwt.get_unverified_header(token)
        kid = header.get("kid")
        if not kid:
            raise SignInFailed("token", "ID token header has no kid")
        # Cached keys first; a kid they lack means Logto rotated its keys: ask once more.
        for force_refresh in (False, True):
            keys = get_client().jwks(force_refresh=force_refresh).get("keys", [])
            for jwk in keys:
                if jwk.get("kid") != smart_str(kid):
                    continue
                if "alg" in jwk and jwk["alg"] != header.get("alg"):
                    continue
                try:
                    return jwt.PyJWK(jwk)
                except jwt.PyJWTError as exc:
                    raise SignInFailed("token", "unusable signing key") from exc
        raise SignInFailed("token", "no signing key matches the ID token's kid")

    def _verify_jws(self, payload: str, key: Any) -> dict[str, Any]:
        # mozilla checks neither issuer nor audience: a token minted by another Logto, or for
        # another application of the same Logto, would be accepted. Check both, and exp.
        client_id = self.OIDC_RP_CLIENT_ID
        issuer = self.get_settings("OIDC_OP_ISSUER")
        if not hasattr(settings, "OIDC_OP_ISSUER") and issuer != oidc_settings.expected_issuer():
            # The discovery document names another issuer than the Logto configured: a proxy or
            # DNS answering for Logto, or a wrong LOGTO_ENDPOINT. Trust neither.
            raise SignInFailed(
                "token", f"discovery issuer {issuer!r} is not {oidc_settings.expected_issuer()!r}"
            )
        claims = jwt.decode(
            payload,
            key,
            algorithms=[self.OIDC_RP_SIGN_ALGO],
            audience=client_id,
            issuer=issuer,
            leeway=CLOCK_LEEWAY,
            options={"require": ["iss", "aud", "exp", "iat", "sub"]},
        )
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        # OIDC Core 3.1.3.7: with several audiences azp is required; whenever present it must
        # name this client (a token issued to another app, with us merely among its audiences).
        if len(audiences) > 1 and "azp" not in claims:
            raise SignInFailed("token", "ID token has several audiences and no azp")
        if "azp" in claims and claims["azp"] != client_id:
            raise SignInFailed("token", "ID token was issued to another client (azp)")
        return claims

    # --- users -----------------------------------------------------------------------------

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        user_info = self.get_userinfo(access_token, id_token, payload)
        if not isinstance(user_info, dict) or user_info.get("sub") != payload.get("sub"):
            # OIDC Core 5.3.2: userinfo of another subject must not be used.
            raise SignInFailed("claims", "userinfo sub differs from the ID token's")
        if not self.verify_claims(user_info):
            raise SignInFailed("claims", "userinfo has no usable sub")
        stash = getattr(self.request, REQUEST_ATTR, None) or {}
        stash.update(
            {
                SIGNED_IN_SUB_KEY: payload["sub"],
                "account_center_sid": payload.get("sid"),
                "account_center_auth_time": payload.get("auth_time"),
                # The top bar's name: the profile name, not the local given + family names.
                DISPLAY_NAME_KEY: display_name_of(user_info.get("name"), user_info.get("username")),
            }
        )
        setattr(self.request, REQUEST_ATTR, stash)
        # A sign-in starts from Logto's current data: a new Logto session, and whatever changed
        # while the user was away.
        read_cache.forget(payload["sub"])

        users = self.filter_users_by_claims(user_info)
        if len(users) == 1:
            return self.update_user(users[0], user_info)
        return self.create_user(user_info)

    @sensitive_variables()
    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        """Logto's userinfo; a sign-in landing on an account page has what that page will wait
        for of Logto's settings and the M2M token fetched side by side with it, so the page makes
        only the user's own reads, and the sign-in waits no longer than for userinfo."""
        landing_reads = getattr(self, "landing_reads", None)
        if landing_reads is None:
            return super().get_userinfo(access_token, id_token, payload)
        userinfo = (super().get_userinfo, access_token, id_token, payload)
        return tenant_wide.beside(userinfo, landing_reads)

    def get_user(self, user_id: Any) -> Any:
        """The signed-in user of every request, with its Logto link in the same query: every
        account page needs the ``sub``."""
        try:
            return self.UserModel.objects.select_related("logto_identity").get(pk=user_id)
        except self.UserModel.DoesNotExist:
            return None

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        """Only ``sub`` is required: many Logto users have no email."""
        sub = claims.get("sub")
        return isinstance(sub, str) and 0 < len(sub) <= 128

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        return self.UserModel.objects.filter(logto_identity__sub=claims["sub"])

    def describe_user_by_claims(self, claims: dict[str, Any]) -> str:
        return f"Logto user {claims.get('sub')}"

    def get_username(self, claims: dict[str, Any]) -> str:
        return get_adapter().get_username(claims)

    def create_user(self, claims: dict[str, Any]) -> Any:
        # The decision lives in the adapter, so a host project changes it without a backend.
        return get_adapter().create_user(claims)

    def update_user(self, user: Any, claims: dict[str, Any]) -> Any:
        return get_adapter().update_user_from_claims(user, claims)
