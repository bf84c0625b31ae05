"""Typed errors raised by the Logto client.

Callers branch on ``LogtoAPIError.code`` (Logto's stable error code, e.g.
``user.email_already_in_use``), never on the localised ``message``.
"""

from __future__ import annotations

from typing import Any


class LogtoError(Exception):
    """Base class of every error the service layer raises."""


class LogtoConfigurationError(LogtoError):
    """A setting needed to reach Logto is missing or malformed."""


class LogtoUnavailable(LogtoError):
    """Logto could not be reached, timed out, or answered with a 5xx."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class LogtoOutcomeUnknown(LogtoUnavailable):
    """A change was sent but its outcome is unknown: Logto did not answer in time, or answered
    something that is not Logto's answer (a proxy's page, broken JSON). It may have been applied:
    callers audit it as "unknown" and ask the user to check, never say "Saved."."""


class LogtoAuthenticationError(LogtoError):
    """The machine-to-machine credentials were refused by Logto's token endpoint."""

    def __init__(self, message: str, *, code: str = "", status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


class LogtoAPIError(LogtoError):
    """Logto answered a Management API call with a 4xx error body."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str = "",
        data: Any = None,
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.data = data


class LogtoNotFound(LogtoAPIError):
    """404: the user, identity, session, token or factor does not exist."""


class LogtoUnsupported(LogtoNotFound):
    """This Logto has no route for ``feature`` (a plain 404 without a code): too old for the
    sessions API, or a build without the development features trusted devices need. Remembered
    an hour (:mod:`account_center.logto.unsupported`); still a :class:`LogtoNotFound` with an
    empty ``code``, as callers written before it expect."""

    def __init__(self, feature: str) -> None:
        super().__init__(404, "", "This Logto has no such route.")
        self.feature = feature


class LogtoRateLimited(LogtoAPIError):
    """429: too many requests. ``retry_after`` is in seconds when Logto says so."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str = "",
        data: Any = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(status, code, message, data)
        self.retry_after = retry_after


# Refusals of the Account API (the signed-in user's own token), each still a LogtoAPIError with
# Logto's code, so the one error path shows them in words; the classes tell callers what to do.


class LogtoVerificationRequired(LogtoAPIError):
    """401 ``verification_record.permission_denied``: Logto wants proof of identity for this
    change (a ``logto-verification-id`` from a password or code verification) and had none, or
    the one sent expired (600 s) or belongs to someone else. Ask the user to confirm again."""


class LogtoVerificationNotFound(LogtoAPIError):
    """``verification_record.not_found``: the verification record a call names (a new email's
    code, a social sign-in, a passkey's registration) is unknown, expired, unverified or of
    another kind, or was made for another identifier. Start that verification again."""


class LogtoFieldClosed(LogtoAPIError):
    """400 ``account_center.not_enabled`` / ``field_not_enabled`` / ``field_not_editable``: the
    tenant's account-center settings close this (the whole Account API, or Off / ReadOnly)."""


class LogtoUserTokenRefused(LogtoAPIError):
    """The user's own access token was refused (401 ``auth.unauthorized``, 403
    ``auth.forbidden``), even after one refresh: expired or revoked, a JWT where Logto takes only
    the opaque token, or a token without a scope this call needs. The user signs in again."""


class LogtoTokenExchangeRefused(LogtoAPIError):
    """The token endpoint refused to exchange a subject token (RFC 8693), ``code`` as Logto
    answers it: ``oidc.invalid_request`` when this application may not exchange tokens (the
    console's "token exchange" switch of the app is off: "requested grant type is not allowed for
    this client"), ``oidc.invalid_grant`` when the subject token is unknown, expired or already
    used (each is good for one exchange)."""

    @property
    def not_allowed(self) -> bool:
        """The tenant does not let this application impersonate: use another way."""
        return self.code == "oidc.invalid_request"
