"""The one place that talks HTTP to Logto's Management API.

Everything else in the account center calls :func:`get_client` and the typed methods of
:class:`LogtoClient`; nothing else imports ``requests`` or builds a Logto URL.

How it behaves (and why):

* One ``requests.Session`` per process, so connections to Logto are pooled and kept alive.
* Every call carries a ``(connect, read)`` timeout (``LOGTO_TIMEOUT``): a slow Logto must not hang a
  worker.
* The machine-to-machine token is shared by every worker through Django's cache
  (:mod:`account_center.logto.token_cache`) and refreshed a minute before it expires. A 401 from the
  Management API (token revoked, keys rotated) refreshes it once and retries the call once.
* Errors become :mod:`account_center.logto.errors`: 4xx keep Logto's ``code``; timeouts, connection
  errors and 5xx are :class:`LogtoUnavailable`. Only GETs are retried (once, on a connection error);
  writes are never repeated, since Logto might already have applied them.
* ``Accept-Language`` follows the active Django language so Logto's messages are localised.
* Logging is DEBUG-level method, path, status and duration: never tokens, secrets, codes, passwords
  or bodies.
"""

from __future__ import annotations

import threading
from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver

from account_center.conf.app_settings import app_settings
from account_center.logto.account_api import AccountApi
from account_center.logto.errors import LogtoConfigurationError
from account_center.logto.grants import Grants
from account_center.logto.hooks import Hooks
from account_center.logto.identities import Identities
from account_center.logto.impersonation import Impersonation
from account_center.logto.mfa import Mfa
from account_center.logto.oidc import OidcDocuments
from account_center.logto.organizations import Organizations
from account_center.logto.personal_access_tokens import PersonalAccessTokens
from account_center.logto.sessions import Sessions
from account_center.logto.sign_in_experience import SignInExperienceResource
from account_center.logto.trusted_devices import TrustedDevices
from account_center.logto.users import Users
from account_center.logto.verification_codes import VerificationCodes


class LogtoClient(
    Users,
    VerificationCodes,
    Identities,
    Mfa,
    PersonalAccessTokens,
    Sessions,
    Grants,
    TrustedDevices,
    Organizations,
    Hooks,
    Impersonation,
    OidcDocuments,
    AccountApi,
    SignInExperienceResource,
):
    """A Logto Management API client. Build it with :func:`get_client`, not directly, in app code.

    Each group of Logto endpoints lives in a module of its own (``users``, ``mfa``, ...) on one
    transport (``transport``); ``AccountApi`` adds the Account API, called with a user's own token.
    """

    @classmethod
    def from_settings(cls) -> LogtoClient:
        endpoint = app_settings.LOGTO_ENDPOINT
        if not endpoint:
            raise LogtoConfigurationError("LOGTO_ENDPOINT is not set.")
        return cls(
            endpoint=endpoint,
            m2m_app_id=app_settings.LOGTO_M2M_APP_ID,
            m2m_app_secret=app_settings.LOGTO_M2M_APP_SECRET,
            resource=app_settings.LOGTO_MANAGEMENT_API_RESOURCE,
            timeout=app_settings.LOGTO_TIMEOUT,
        )


# ---------------------------------------------------------------------- process-wide client

_client: LogtoClient | None = None
_client_lock = threading.Lock()


def get_client() -> LogtoClient:
    """The process-wide client, built from settings on first use."""
    global _client
    client = _client
    if client is None:
        with _client_lock:
            if _client is None:
                _client = LogtoClient.from_settings()
            client = _client
    return client


def reset_client() -> None:
    """Forget the process-wide client (tests; settings changes). The next call rebuilds it."""
    global _client
    with _client_lock:
        if _client is not None:
            _client.session.close()
        _client = None


@receiver(setting_changed)
def _rebuild_on_setting_change(*, setting: str, **kwargs: Any) -> None:
    if setting.startswith("LOGTO_") or setting == "CACHES":
        reset_client()
