"""Impersonation: a subject token for a user from the Management API
(``routes/subject-token.ts``), exchanged by the web app at the token endpoint for that user's
access token (RFC 8693, ``oidc/grants/token-exchange/``).

The exchange needs the application's "token exchange" switch on in the console
(``customClientMetadata.allowTokenExchange``; a third-party app may not have it), else
:class:`LogtoTokenExchangeRefused` with ``not_allowed``. Each subject token is good for one
exchange within 600 seconds; the exchange leaves a grant of the application in the user's grants.
"""

from __future__ import annotations

from typing import Any

from django.views.decorators.debug import sensitive_variables

from account_center.logto.access_models import ExchangedToken, SubjectToken
from account_center.logto.errors import (
    LogtoTokenExchangeRefused,
    LogtoUnavailable,
)
from account_center.logto.oidc import OidcDocuments

TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
# Logto takes a subject token (``sub_...``) as an access token type; its own
# ``urn:logto:token-type:impersonation_token`` is deprecated.
ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token"


class Impersonation(OidcDocuments):
    # ------------------------------------------------------------------ impersonation

    @sensitive_variables("data")
    def create_subject_token(
        self, user_id: str, *, context: dict[str, Any] | None = None
    ) -> SubjectToken:
        """A subject token for ``user_id``; ``context`` (a JSON object, e.g. who asks and why) is
        stored with it at Logto. 404 ``entity.relation_foreign_key_not_found`` for an unknown
        user."""
        body: dict[str, Any] = {"userId": user_id}
        if context is not None:
            body["context"] = context
        data = self._request("POST", "/api/subject-tokens", json=body, shape="object")
        value, expires_in = data.get("subjectToken"), data.get("expiresIn")
        if not isinstance(value, str) or not isinstance(expires_in, int):
            raise LogtoUnavailable("Logto's answer was not what Logto sends.")
        return SubjectToken(value=value, expires_in=expires_in)

    @sensitive_variables("subject_token", "client_secret", "data", "body")
    def exchange_subject_token(
        self,
        subject_token: str,
        *,
        client_id: str,
        client_secret: str,
        scope: str = "openid profile",
        resource: str | None = None,
    ) -> ExchangedToken:
        """The user's access token for ``subject_token``, asked by the web app
        (``client_secret_basic``). Without ``resource`` it is the opaque token userinfo takes;
        ``scope`` is cut to what Logto's OIDC scopes allow.

        Raises :class:`LogtoTokenExchangeRefused` (400: not allowed for this app, or the
        subject token unknown, expired or spent), :class:`LogtoAuthenticationError` when the
        app's credentials are refused, :class:`LogtoUnavailable` otherwise. Never retried: a
        subject token is spent by the first exchange that reaches Logto.
        """
        data: dict[str, str] = {
            "grant_type": TOKEN_EXCHANGE,
            "subject_token": subject_token,
            "subject_token_type": ACCESS_TOKEN_TYPE,
        }
        if scope:
            data["scope"] = scope
        if resource:
            data["resource"] = resource
        body, expires_in = self.web_app_token(
            data,
            client_id=client_id,
            client_secret=client_secret,
            log_path="/oidc/token (token exchange)",
            refused=lambda status, code, description: LogtoTokenExchangeRefused(
                status, code, description, None
            ),
        )
        return ExchangedToken(
            access_token=body["access_token"],
            expires_in=expires_in,
            scope=str(body.get("scope") or ""),
            token_type=str(body.get("token_type") or "Bearer"),
        )
