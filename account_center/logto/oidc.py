"""OIDC documents: discovery, the signing keys, and the probe of a web app's credentials."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.views.decorators.debug import sensitive_variables

from account_center import clock
from account_center.logto.errors import (
    LogtoAPIError,
    LogtoAuthenticationError,
    LogtoUnavailable,
    LogtoUserTokenRefused,
)
from account_center.logto.models import OAuthAnswer
from account_center.logto.transport import Transport, _json_or_none

DISCOVERY_CACHE_SECONDS = 3600
# After a failed discovery fetch, how long pages use what they have instead of asking again.
DISCOVERY_RETRY_SECONDS = 30


@dataclass(frozen=True)
class UserTokenGrant:
    """What Logto's token endpoint answered a refresh of the user's tokens. ``refresh_token`` is
    the one to keep from now on: the same one, or a new one when Logto rotated it."""

    # Error reports print the variables holding this: the tokens stay out of its repr.
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_in: float
    scope: str = ""


class OidcDocuments(Transport):
    # ------------------------------------------------------------------ OIDC keys and probes

    def jwks(self, *, force_refresh: bool = False) -> dict[str, Any]:
        """Logto's JSON Web Key Set, cached like discovery. Ask again with ``force_refresh``
        when a token names a ``kid`` the cached set lacks (Logto rotated its keys)."""
        digest = hashlib.sha256(self.endpoint.encode()).hexdigest()[:32]
        key = f"account_center:logto:jwks:{digest}"
        document = None if force_refresh else cache.get(key)
        if not isinstance(document, dict):
            path = self.discovery()["jwks_uri"]
            response = self._send(
                "GET",
                path,
                log_path="/oidc/jwks",
                retry_on_connection_error=True,
                headers={"Accept": "application/json"},
            )
            document = _json_or_none(response)
            if response.status_code != 200 or not isinstance(document, dict):
                raise LogtoUnavailable(
                    "Logto's signing keys could not be read.", status=response.status_code
                )
            cache.set(key, document, DISCOVERY_CACHE_SECONDS)
        return document

    def probe_client_credentials(self, client_id: str, client_secret: str) -> OAuthAnswer:
        """Learn whether Logto accepts a web app's credentials without getting a token.

        There is no harmless call that only authenticates a client, so this asks the token
        endpoint for ``client_credentials``, a grant a Traditional web app may not use. Logto
        (node oidc-provider) authenticates the client before it looks at the grant: a wrong
        secret answers 401 ``invalid_client``, an unknown client id 400 ``invalid_client``, and
        right credentials 400 ``invalid_request`` ("requested grant type is not allowed for this
        client"), as a real Logto 1.37 answered.
        """
        response = self._send(
            "POST",
            self.discovery()["token_endpoint"],
            log_path="/oidc/token (probe)",
            retry_on_connection_error=False,
            data={"grant_type": "client_credentials"},
            auth=(client_id, client_secret),
            headers={"Accept": "application/json"},
        )
        body = _json_or_none(response)
        error = str(body.get("error") or "") if isinstance(body, dict) else ""
        return OAuthAnswer(status=response.status_code, error=error)

    # ------------------------------------------------------------------ the user's tokens

    @sensitive_variables("refresh_token", "client_secret", "body")
    def refresh_user_tokens(
        self, *, client_id: str, client_secret: str, refresh_token: str
    ) -> UserTokenGrant:
        """A new access token for the signed-in user, from their refresh token.

        Asked with the web app's credentials (``client_secret_basic``) and **no** ``resource``:
        then Logto answers the opaque token the Account API takes (ACCOUNT-API.md, section 2).
        Logto may rotate the refresh token (its default for a web app: once the token is past 70%
        of its lifetime, 14 days); the old one is then spent, and using it again makes Logto
        revoke the whole grant, which is why the session side lets one request refresh at a time.

        Raises :class:`LogtoUserTokenRefused` when Logto refuses the refresh token
        (``invalid_grant``: revoked, expired, spent), :class:`LogtoAuthenticationError` when it
        refuses the web app's credentials, :class:`LogtoUnavailable` otherwise. Never retried:
        a refresh that reached Logto may have rotated the token.
        """
        body, expires_in = self.web_app_token(
            {"grant_type": "refresh_token", "refresh_token": refresh_token},
            client_id=client_id,
            client_secret=client_secret,
            log_path="/oidc/token (refresh)",
            # invalid_grant above all; invalid_scope and invalid_target are as final.
            refused=lambda status, code, description: LogtoUserTokenRefused(status, code, "", None),
        )
        # Without rotation Logto sends the same refresh token back; an answer without one keeps
        # the old.
        renewed = body.get("refresh_token")
        return UserTokenGrant(
            access_token=body["access_token"],
            refresh_token=renewed if isinstance(renewed, str) and renewed else refresh_token,
            expires_in=expires_in,
            scope=str(body.get("scope") or ""),
        )

    @sensitive_variables("refresh_token", "client_secret")
    def revoke_refresh_token(
        self, *, client_id: str, client_secret: str, refresh_token: str
    ) -> None:
        """Revoke the user's refresh token at the discovery document's ``revocation_endpoint``
        (RFC 7009), with the web app's credentials as its token calls (``client_secret_basic``).

        Logto (oidc-provider, ``actions/revocation.js``) answers 200 with no body, also for a
        token it does not know (the lab's Logto did); a refresh token it knows is destroyed with
        its whole grant, the access tokens issued under it included. Raises
        :class:`LogtoAuthenticationError` when Logto refuses the web app's credentials,
        :class:`LogtoAPIError` for another refusal (``oidc.<error>``), :class:`LogtoUnavailable`
        when Logto fails or names no revocation endpoint. Never retried.
        """
        endpoint = self.discovery().get("revocation_endpoint")
        if not isinstance(endpoint, str) or not endpoint:
            raise LogtoUnavailable("Logto's discovery document names no revocation endpoint.")
        response = self._send(
            "POST",
            endpoint,
            log_path="/oidc/token/revocation",
            retry_on_connection_error=False,
            data={"token": refresh_token, "token_type_hint": "refresh_token"},
            auth=(client_id, client_secret),
            headers={"Accept": "application/json"},
        )
        status = response.status_code
        if status == 200:
            return
        if status >= 500 or status < 400:
            raise LogtoUnavailable("Logto's revocation endpoint failed.", status=status)
        body = _json_or_none(response)
        error = str(body.get("error") or "") if isinstance(body, dict) else ""
        if error == "invalid_client":
            raise LogtoAuthenticationError(
                "Logto refused the web app's credentials.", code=error, status=status
            )
        code = str(body.get("code") or "") if isinstance(body, dict) else ""
        description = str(body.get("error_description") or "") if isinstance(body, dict) else ""
        raise LogtoAPIError(status, code or (f"oidc.{error}" if error else ""), description)

    @sensitive_variables("data", "client_secret", "body")
    def web_app_token(
        self,
        data: dict[str, str],
        *,
        client_id: str,
        client_secret: str,
        log_path: str,
        refused: Callable[[int, str, str], Exception],
    ) -> tuple[dict[str, Any], float]:
        """One grant of the web app's own at Logto's token endpoint (``client_secret_basic``,
        never retried: a refresh may have rotated its token, a subject token is spent by its first
        exchange): the answer and its ``expires_in``.

        Raises :class:`LogtoUnavailable` for a failing or tokenless answer,
        :class:`LogtoAuthenticationError` when the app's credentials are refused, and what
        ``refused(status, code, description)`` makes for any other refusal (``code`` is Logto's,
        else ``oidc.<error>``).
        """
        response = self._send(
            "POST",
            self.discovery()["token_endpoint"],
            log_path=log_path,
            retry_on_connection_error=False,
            data=data,
            auth=(client_id, client_secret),
            headers={"Accept": "application/json"},
        )
        body = _json_or_none(response)
        status = response.status_code
        if status >= 500:
            raise LogtoUnavailable("Logto's token endpoint failed.", status=status)
        if status >= 400:
            error = str(body.get("error") or "") if isinstance(body, dict) else ""
            code = str(body.get("code") or "") if isinstance(body, dict) else ""
            if error == "invalid_client":
                raise LogtoAuthenticationError(
                    "Logto refused the web app's credentials.", code=error, status=status
                )
            description = str(body.get("error_description") or "") if isinstance(body, dict) else ""
            raise refused(status, code or (f"oidc.{error}" if error else ""), description)
        if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
            raise LogtoUnavailable("Logto's token endpoint answered without a token.")
        try:
            expires_in = float(body.get("expires_in") or 3600)
        except (TypeError, ValueError):
            expires_in = 3600.0
        return body, expires_in

    # ------------------------------------------------------------------ OIDC discovery

    def discovery(self, *, force_refresh: bool = False) -> dict[str, Any]:
        """Logto's OIDC discovery document, cached in-process and in Django's cache for an hour.

        ``force_refresh`` skips both caches (a health check must see Logto's current answer).
        """
        now = clock.now()
        if not force_refresh and self._discovery is not None and now < self._discovery_expires_at:
            return self._discovery
        digest = hashlib.sha256(self.endpoint.encode()).hexdigest()[:32]
        key = f"account_center:logto:discovery:{digest}"
        document = None if force_refresh else cache.get(key)
        if not isinstance(document, dict):
            if not force_refresh and now < self._discovery_retry_at:
                # Logto just failed to answer: do not make every page wait for it again.
                if self._discovery is not None:
                    return self._discovery
                raise LogtoUnavailable("Logto's OIDC discovery document could not be read.")
            try:
                document = self._fetch_discovery()
            except LogtoUnavailable:
                self._discovery_retry_at = now + DISCOVERY_RETRY_SECONDS
                if self._discovery is not None and not force_refresh:
                    # Endpoints rarely change: the last document serves while Logto is down.
                    return self._discovery
                raise
            cache.set(key, document, DISCOVERY_CACHE_SECONDS)
        self._discovery = document
        self._discovery_expires_at = now + DISCOVERY_CACHE_SECONDS
        return document

    def _fetch_discovery(self) -> dict[str, Any]:
        path = "/oidc/.well-known/openid-configuration"
        response = self._send(
            "GET",
            f"{self.endpoint}{path}",
            log_path=path,
            retry_on_connection_error=True,
            headers={"Accept": "application/json"},
        )
        document = _json_or_none(response)
        if response.status_code != 200 or not isinstance(document, dict):
            raise LogtoUnavailable(
                "Logto's OIDC discovery document could not be read.",
                status=response.status_code,
            )
        return document
