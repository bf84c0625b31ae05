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

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote

import requests
from django.core.cache import cache
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.translation import get_language

from account_center.app_settings import app_settings
from account_center.logto import token_cache
from account_center.logto.errors import (
    LogtoAPIError,
    LogtoAuthenticationError,
    LogtoConfigurationError,
    LogtoNotFound,
    LogtoOutcomeUnknown,
    LogtoRateLimited,
    LogtoUnavailable,
)
from account_center.logto.models import (
    Connector,
    CreatedPersonalAccessToken,
    Identity,
    LogtoSession,
    LogtoUser,
    MfaVerification,
    OAuthAnswer,
    PasswordIssue,
    PersonalAccessToken,
    TotpSecret,
)

logger = logging.getLogger(__name__)

DISCOVERY_CACHE_SECONDS = 3600
# After a failed discovery fetch, how long pages use what they have instead of asking again.
DISCOVERY_RETRY_SECONDS = 30
USER_AGENT = "django-logto-account-center"

# Marks "argument not given" for update_user, where None means "clear this field".
_UNSET: Any = object()


def _segment(value: str) -> str:
    """One URL path segment: ids and token names may hold characters that are special in URLs."""
    return quote(str(value), safe="")


def _retry_after_seconds(value: str | None) -> int | None:
    """Read ``Retry-After``: either delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return int(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0, int((when - datetime.now(tz=UTC)).total_seconds()))


def _deep_merge(base: Mapping[str, Any], updates: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``updates`` laid over it; nested mappings are merged, not replaced."""
    merged = dict(base)
    for key, value in updates.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _json_or_none(response: requests.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return None


def _checked_body(response: requests.Response, path: str, shape: str, *, changes: bool) -> Any:
    """The JSON of a 2xx answer, if it has the expected ``shape`` (see ``LogtoClient._request``)."""
    data: Any = None
    readable = True
    if response.content:
        try:
            data = response.json()
        except ValueError:
            readable = False
    if shape == "none":
        well_formed = readable
    elif shape == "list":
        well_formed = isinstance(data, list) and all(isinstance(item, dict) for item in data)
    else:
        well_formed = isinstance(data, dict) and (
            shape != "user" or isinstance(data.get("id"), str)
        )
    if well_formed:
        return data
    logger.warning(
        "Logto %s answered %s with a body that is not the expected %s",
        path,
        response.status_code,
        shape,
    )
    if not changes:
        raise LogtoUnavailable(
            "Logto's answer was not what Logto sends.", status=response.status_code
        )
    raise LogtoOutcomeUnknown(
        "Logto's answer to a change was not what Logto sends.", status=response.status_code
    )


def _typed(convert: Callable[[], Any]) -> Any:
    """Build typed results from Logto's JSON; JSON that does not fit (a factor without an id, a
    date that is no date) is not Logto's answer: :class:`LogtoUnavailable`, never a crash."""
    try:
        return convert()
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as error:
        logger.warning(
            "Logto answered JSON the account center cannot read: %s", type(error).__name__
        )
        raise LogtoUnavailable("Logto's answer was not what Logto sends.") from None


class LogtoClient:
    """A Logto Management API client. Build it with :func:`get_client`, not directly, in app code."""

    def __init__(
        self,
        *,
        endpoint: str,
        m2m_app_id: str,
        m2m_app_secret: str,
        resource: str,
        timeout: tuple[float, float] = (3.05, 10.0),
        session: requests.Session | None = None,
    ) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.m2m_app_id = m2m_app_id
        self._m2m_app_secret = m2m_app_secret
        self.resource = resource
        self.timeout = timeout
        self.session = session or requests.Session()
        self.session.headers.setdefault("User-Agent", USER_AGENT)
        self._token_key = token_cache.cache_key(self.endpoint, m2m_app_id, resource)
        self._token_lock = threading.Lock()
        self._discovery: dict[str, Any] | None = None
        self._discovery_expires_at = 0.0
        self._discovery_retry_at = 0.0

    def __repr__(self) -> str:  # never shows the secret
        return f"<LogtoClient {self.endpoint} m2m={self.m2m_app_id}>"

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

    # ------------------------------------------------------------------ transport

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        language = get_language()
        if language:
            headers["Accept-Language"] = language
        return headers

    def _send(
        self,
        method: str,
        url: str,
        *,
        log_path: str,
        retry_on_connection_error: bool,
        **kwargs: Any,
    ) -> requests.Response:
        """One HTTP exchange, with the timeout, mapped transport errors and a DEBUG log line."""
        attempts = 2 if retry_on_connection_error else 1
        for attempt in range(1, attempts + 1):
            started = time.perf_counter()
            try:
                response = self.session.request(method, url, timeout=self.timeout, **kwargs)
            except requests.Timeout as exc:
                # A connect timeout means nothing reached Logto, so a GET may safely try again;
                # a read timeout already waited the full read budget: give up.
                if isinstance(exc, requests.ConnectTimeout) and attempt < attempts:
                    continue
                logger.debug("Logto %s %s timed out", method, log_path)
                if method != "GET" and not isinstance(exc, requests.ConnectTimeout):
                    # The change reached Logto and may have been applied.
                    raise LogtoOutcomeUnknown("Logto did not answer a change in time.") from None
                raise LogtoUnavailable("Logto did not answer in time.") from None
            except requests.ConnectionError:
                if attempt < attempts:
                    continue
                logger.debug("Logto %s %s connection failed", method, log_path)
                raise LogtoUnavailable("Logto could not be reached.") from None
            except requests.RequestException:
                logger.debug("Logto %s %s request failed", method, log_path)
                raise LogtoUnavailable("The request to Logto failed.") from None
            logger.debug(
                "Logto %s %s -> %s in %.1f ms",
                method,
                log_path,
                response.status_code,
                (time.perf_counter() - started) * 1000,
            )
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    # ------------------------------------------------------------------ M2M token

    def get_access_token(self, force_refresh: bool = False, *, rejected: str = "") -> str:
        """The Management API access token, from the shared cache or freshly fetched.

        One worker of the deployment fetches while the others wait for its token
        (``token_cache.refresh_lock``); ``rejected`` is a token Logto just refused, never
        handed out again.
        """
        if not force_refresh:
            cached = token_cache.load(self._token_key)
            if cached is not None:
                return cached.access_token
        with self._token_lock, token_cache.refresh_lock(self._token_key):
            # Another thread or worker may have stored a new token while we waited for the lock.
            cached = token_cache.load(self._token_key)
            usable = cached is not None and cached.access_token != rejected
            if usable and cached is not None and (not force_refresh or rejected):
                return cached.access_token
            return self._fetch_token()

    def _refresh_after_401(self, rejected: str) -> str:
        """A token Logto refused: take a newer one another worker stored, or fetch one."""
        token_cache.forget(self._token_key, rejected)
        return self.get_access_token(force_refresh=True, rejected=rejected)

    def _fetch_token(self) -> str:
        if not self.m2m_app_id or not self._m2m_app_secret:
            raise LogtoConfigurationError("LOGTO_M2M_APP_ID and LOGTO_M2M_APP_SECRET must be set.")
        response = self._send(
            "POST",
            f"{self.endpoint}/oidc/token",
            log_path="/oidc/token",
            retry_on_connection_error=False,
            auth=(self.m2m_app_id, self._m2m_app_secret),
            data={
                "grant_type": "client_credentials",
                "resource": self.resource,
                "scope": "all",
            },
            headers={"Accept": "application/json"},
        )
        body = _json_or_none(response)
        if response.status_code >= 500:
            raise LogtoUnavailable("Logto's token endpoint failed.", status=response.status_code)
        if response.status_code >= 400:
            code = ""
            if isinstance(body, dict):
                code = str(body.get("error") or body.get("code") or "")
            raise LogtoAuthenticationError(
                "Logto refused the machine-to-machine credentials.",
                code=code,
                status=response.status_code,
            )
        if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
            raise LogtoUnavailable("Logto's token endpoint answered without a token.")
        try:
            expires_in = float(body.get("expires_in") or 3600)
        except (TypeError, ValueError):
            expires_in = 3600.0
        return token_cache.store(self._token_key, body["access_token"], expires_in).access_token

    # ------------------------------------------------------------------ Management API

    def _call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, str] | None = None,
    ) -> requests.Response:
        """Call the Management API; returns the response whatever its status (401 handled)."""
        url = f"{self.endpoint}{path}"
        token = self.get_access_token()
        for attempt in (1, 2):
            headers = self._headers()
            headers["Authorization"] = f"Bearer {token}"
            response = self._send(
                method,
                url,
                log_path=path,
                retry_on_connection_error=method == "GET",
                headers=headers,
                json=json,
                params=params,
            )
            if response.status_code != 401 or attempt == 2:
                break
            # The token was revoked or the signing keys rotated: one fresh token, one retry.
            token = self._refresh_after_401(token)
        if response.status_code == 401:
            raise LogtoAuthenticationError(
                "Logto refused the Management API token.",
                code=self._error_code(response),
                status=401,
            )
        return response

    @staticmethod
    def _error_code(response: requests.Response) -> str:
        body = _json_or_none(response)
        if isinstance(body, dict):
            return str(body.get("code") or "")
        return ""

    @staticmethod
    def _raise_for(response: requests.Response) -> None:
        status = response.status_code
        if status < 400:
            return
        body = _json_or_none(response)
        # 501 with Logto's code is a setup answer, not an outage: e.g. ``connector.not_found``
        # when no email/SMS connector is configured. Callers show it in words.
        coded_501 = status == 501 and isinstance(body, dict) and body.get("code")
        if status >= 500 and not coded_501:
            raise LogtoUnavailable(f"Logto answered {status}.", status=status)
        if isinstance(body, dict):
            code = str(body.get("code") or "")
            message = str(body.get("message") or "")
            data = body.get("data", body.get("details"))
        else:
            # No JSON error (a proxy in front of Logto, or a route this Logto does not have):
            # still typed by status so callers can branch, with no code to branch on.
            code, message, data = "", response.reason or "", None
        if status == 404:
            raise LogtoNotFound(status, code, message, data)
        if status == 429:
            raise LogtoRateLimited(
                status,
                code,
                message,
                data,
                retry_after=_retry_after_seconds(response.headers.get("Retry-After")),
            )
        raise LogtoAPIError(status, code, message, data)

    def _request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, str] | None = None,
        shape: str = "none",
        changes: bool | None = None,
    ) -> Any:
        """Call the Management API and return its JSON, checked to have ``shape``:

        ``"object"`` (a JSON object; ``"user"``: one with an ``id``), ``"list"`` (of objects), or
        ``"none"`` (Logto answers nothing, or JSON nobody reads). A 2xx that is not that shape is
        not Logto's answer (a proxy's page, a misrouted URL): :class:`LogtoUnavailable` for reads,
        :class:`LogtoOutcomeUnknown` for changes, never a crash further on. ``changes`` defaults
        to "not a GET"; POSTs that only check something (a password, a code) pass ``False``.
        """
        changes = method != "GET" if changes is None else changes
        try:
            response = self._call(method, path, json=json, params=params)
        except LogtoOutcomeUnknown:
            if changes:
                raise
            raise LogtoUnavailable("Logto did not answer in time.") from None
        self._raise_for(response)
        return _checked_body(response, path, shape, changes=changes)

    @staticmethod
    def _user_path(user_id: str, *rest: str) -> str:
        return "/".join(("/api/users", _segment(user_id), *rest))

    # ------------------------------------------------------------------ users

    def get_user(self, user_id: str, *, include_sso_identities: bool = False) -> LogtoUser:
        params = {"includeSsoIdentities": "true"} if include_sso_identities else None
        data = self._request("GET", self._user_path(user_id), params=params, shape="user")
        return _typed(lambda: LogtoUser.from_api(data))

    def update_user(
        self,
        user_id: str,
        *,
        username: str | None = _UNSET,
        primary_email: str | None = _UNSET,
        primary_phone: str | None = _UNSET,
        name: str | None = _UNSET,
        avatar: str | None = _UNSET,
        custom_data: dict[str, Any] | None = _UNSET,
        profile: dict[str, Any] | None = _UNSET,
    ) -> LogtoUser:
        """PATCH the user with only the given fields; ``None`` clears a field.

        ``custom_data`` and ``profile`` are replaced whole here: use :meth:`update_custom_data`
        and :meth:`update_profile` to merge.
        """
        fields = {
            "username": username,
            "primaryEmail": primary_email,
            "primaryPhone": primary_phone,
            "name": name,
            "avatar": avatar,
            "customData": custom_data,
            "profile": profile,
        }
        body = {key: value for key, value in fields.items() if value is not _UNSET}
        data = self._request("PATCH", self._user_path(user_id), json=body, shape="user")
        return _typed(lambda: LogtoUser.from_api(data))

    def update_profile(self, user_id: str, profile: dict[str, Any]) -> dict[str, Any]:
        """Merge ``profile`` (camelCase OIDC keys) into the user's profile; returns the new one."""
        data = self._request(
            "PATCH", self._user_path(user_id, "profile"), json={"profile": profile}, shape="object"
        )
        return data or {}

    def get_custom_data(self, user_id: str) -> dict[str, Any]:
        return self._request("GET", self._user_path(user_id, "custom-data"), shape="object")

    def update_custom_data(self, user_id: str, data: dict[str, Any]) -> dict[str, Any]:
        """Merge ``data`` into custom data at the top level; returns the new custom data."""
        answer = self._request(
            "PATCH",
            self._user_path(user_id, "custom-data"),
            json={"customData": data},
            shape="object",
        )
        return answer or {}

    def get_logto_configs(self, user_id: str) -> dict[str, Any]:
        return self._request("GET", self._user_path(user_id, "logto-configs"), shape="object")

    def update_logto_configs(self, user_id: str, data: dict[str, Any]) -> dict[str, Any]:
        """Change some of the user's Logto configs (``mfa``, ``passkeySignIn``); answer them all.

        Logto 1.37 requires the whole body (``mfa.skipped``, ``mfa.skipMfaOnSignIn`` and
        ``passkeySignIn.skipped``) and refuses a partial one with ``guard.invalid_input``; 1.42
        makes each part optional. So the current configs are read, ``data`` is merged into them
        key by key, and the full result is sent: correct on both. Two concurrent updates of the
        same user can lose one another's change (no ETag on this route).
        """
        path = self._user_path(user_id, "logto-configs")
        current = self._request("GET", path, shape="object")
        merged = _deep_merge(current if isinstance(current, dict) else {}, data)
        return self._request("PATCH", path, json=merged, shape="object")

    def set_suspended(self, user_id: str, suspended: bool) -> LogtoUser:
        data = self._request(
            "PATCH",
            self._user_path(user_id, "is-suspended"),
            json={"isSuspended": bool(suspended)},
            shape="user",
        )
        return _typed(lambda: LogtoUser.from_api(data))

    def delete_user(self, user_id: str) -> None:
        """Delete the user: Logto signs them out everywhere. :class:`LogtoNotFound` if gone."""
        self._request("DELETE", self._user_path(user_id))

    def find_user_ids(
        self,
        *,
        email: str | None = None,
        phone: str | None = None,
        username: str | None = None,
    ) -> list[str]:
        """Ids of the users whose primary email, primary phone or username is exactly one given.

        Logto's exact search (``search.<field>`` with ``mode.<field>=exact``) is case-insensitive
        unless asked otherwise; several fields match with "or". ``phone`` is Logto's format
        (digits with the country code). Nothing given: ``[]`` without asking Logto.
        """
        fields = {"primaryEmail": email, "primaryPhone": phone, "username": username}
        params: dict[str, str] = {}
        for name, value in fields.items():
            if value:
                params[f"search.{name}"] = value
                params[f"mode.{name}"] = "exact"
        if not params:
            return []
        # A collision check needs to know "anyone else?", not the whole list: one small page.
        params["page_size"] = "20"
        data = self._request("GET", "/api/users", params=params, shape="list")
        return [str(user["id"]) for user in data if isinstance(user, dict) and user.get("id")]

    # ------------------------------------------------------------------ password

    def has_password(self, user_id: str) -> bool:
        data = self._request("GET", self._user_path(user_id, "has-password"), shape="object")
        return bool(data.get("hasPassword"))

    def verify_password(self, user_id: str, password: str) -> bool:
        """True if ``password`` is the user's; False when Logto says the credentials are wrong."""
        try:
            self._request(
                "POST",
                self._user_path(user_id, "password", "verify"),
                json={"password": password},
                changes=False,
            )
        except LogtoAPIError as error:
            if error.code == "session.invalid_credentials":
                return False
            raise
        return True

    def check_password_policy(
        self, password: str, *, user_id: str | None = None
    ) -> list[PasswordIssue]:
        """The reasons Logto's password policy refuses ``password``; ``[]`` means acceptable."""
        body: dict[str, Any] = {"password": password}
        if user_id:
            body["userId"] = user_id
        try:
            response = self._call("POST", "/api/sign-in-exp/default/check-password", json=body)
        except LogtoOutcomeUnknown:  # a check changes nothing: a plain outage
            raise LogtoUnavailable("Logto did not answer in time.") from None
        data = _json_or_none(response)
        # A refused password is a 400 whose body is {"result": false, "issues": [...]}, not an
        # error body; any other 4xx is a real error.
        if (
            isinstance(data, dict)
            and isinstance(data.get("issues"), list)
            and (response.status_code in (200, 400))
        ):
            return [
                PasswordIssue(
                    code=str(issue.get("code", "")),
                    interpolation=issue.get("interpolation") or {},
                )
                for issue in data["issues"]
                if isinstance(issue, dict)
            ]
        self._raise_for(response)
        # Accepted: Logto answers {"result": true}; anything but an object is not Logto.
        _checked_body(response, "/api/sign-in-exp/default/check-password", "object", changes=False)
        return []

    def set_password(self, user_id: str, password: str) -> None:
        """Set the password. Logto does not check the policy here: call check_password_policy."""
        self._request("PATCH", self._user_path(user_id, "password"), json={"password": password})

    # ------------------------------------------------------------------ verification codes

    @staticmethod
    def _code_target(email: str | None, phone: str | None) -> dict[str, str]:
        if bool(email) == bool(phone):
            raise ValueError("Give exactly one of email or phone.")
        return {"email": email} if email else {"phone": phone}  # type: ignore[dict-item]

    def send_verification_code(self, *, email: str | None = None, phone: str | None = None) -> None:
        """Ask Logto to send a code. ``phone`` is digits only, country code first, no ``+``."""
        self._request(
            "POST", "/api/verification-codes", json=self._code_target(email, phone), changes=False
        )

    def verify_verification_code(
        self, *, code: str, email: str | None = None, phone: str | None = None
    ) -> None:
        """Raises :class:`LogtoAPIError` with ``code`` ``verification_code.*`` when refused."""
        body = {**self._code_target(email, phone), "verificationCode": code}
        self._request("POST", "/api/verification-codes/verify", json=body, changes=False)

    # ------------------------------------------------------------------ connectors and identities

    def list_connectors(self) -> list[Connector]:
        data = self._request("GET", "/api/connectors", shape="list")
        return _typed(lambda: [Connector.from_api(item) for item in data])

    def list_social_connectors(self) -> list[Connector]:
        return [c for c in self.list_connectors() if c.type == "Social"]

    def get_authorization_uri(self, connector_id: str, *, state: str, redirect_uri: str) -> str:
        """Where to send the user to sign in at the social provider. The caller checks ``state``."""
        data = self._request(
            "POST",
            f"/api/connectors/{_segment(connector_id)}/authorization-uri",
            json={"state": state, "redirectUri": redirect_uri},
            shape="object",
            changes=False,
        )
        return str((data or {}).get("redirectTo", ""))

    def link_identity(
        self, user_id: str, connector_id: str, connector_data: dict[str, Any]
    ) -> dict[str, Identity]:
        """Link a social identity from the provider's callback parameters; returns all identities."""
        data = self._request(
            "POST",
            self._user_path(user_id, "identities"),
            json={"connectorId": connector_id, "connectorData": connector_data},
            shape="object",
        )
        return {
            target: Identity(
                target=target,
                user_id=str(value.get("userId", "")),
                details=value.get("details") or {},
            )
            for target, value in (data or {}).items()
            if isinstance(value, dict)
        }

    def unlink_identity(self, user_id: str, target: str) -> None:
        self._request("DELETE", self._user_path(user_id, "identities", _segment(target)))

    # ------------------------------------------------------------------ MFA

    def list_mfa_verifications(self, user_id: str) -> list[MfaVerification]:
        data = self._request("GET", self._user_path(user_id, "mfa-verifications"), shape="list")
        return _typed(lambda: [MfaVerification.from_api(item) for item in data])

    def create_totp(self, user_id: str, secret: str | None = None) -> TotpSecret:
        """Save a TOTP factor. Logto checks no code: verify the user's code before calling."""
        body: dict[str, Any] = {"type": "Totp"}
        if secret:
            body["secret"] = secret
        data = self._request(
            "POST", self._user_path(user_id, "mfa-verifications"), json=body, shape="object"
        )
        return TotpSecret(
            secret=str(data.get("secret", secret or "")),
            secret_qr_code=str(data.get("secretQrCode", "")),
        )

    def create_backup_codes(self, user_id: str, codes: list[str] | None = None) -> list[str]:
        body: dict[str, Any] = {"type": "BackupCode"}
        if codes:
            body["codes"] = list(codes)
        data = self._request(
            "POST", self._user_path(user_id, "mfa-verifications"), json=body, shape="object"
        )
        return [str(code) for code in data.get("codes", [])]

    def delete_mfa_verification(self, user_id: str, verification_id: str) -> None:
        self._request(
            "DELETE", self._user_path(user_id, "mfa-verifications", _segment(verification_id))
        )

    # ------------------------------------------------------------------ personal access tokens

    def list_personal_access_tokens(self, user_id: str) -> list[PersonalAccessToken]:
        """The user's tokens. Logto includes each secret ``value``; it is dropped here."""
        data = self._request(
            "GET", self._user_path(user_id, "personal-access-tokens"), shape="list"
        )
        return _typed(lambda: [PersonalAccessToken.from_api(item) for item in data])

    def create_personal_access_token(
        self, user_id: str, name: str, *, expires_at: datetime | None = None
    ) -> CreatedPersonalAccessToken:
        body: dict[str, Any] = {"name": name}
        if expires_at is not None:
            if expires_at.tzinfo is None:
                raise ValueError("expires_at must be timezone-aware.")
            body["expiresAt"] = int(expires_at.timestamp() * 1000)
        data = self._request(
            "POST", self._user_path(user_id, "personal-access-tokens"), json=body, shape="object"
        )
        return CreatedPersonalAccessToken(
            token=_typed(lambda: PersonalAccessToken.from_api(data)),
            value=str(data.get("value", "")),
        )

    def rename_personal_access_token(self, user_id: str, current_name: str, name: str) -> None:
        path = self._user_path(user_id, "personal-access-tokens")
        response = self._call("PATCH", path, json={"currentName": current_name, "name": name})
        if self._is_missing_route(response):
            # Older Logto only has the name-in-path form.
            response = self._call("PATCH", f"{path}/{_segment(current_name)}", json={"name": name})
        self._raise_for(response)
        _checked_body(response, path, "none", changes=True)

    def delete_personal_access_token(self, user_id: str, name: str) -> None:
        path = self._user_path(user_id, "personal-access-tokens")
        response = self._call("POST", f"{path}/delete", json={"name": name})
        if self._is_missing_route(response):
            # Older Logto only has DELETE .../{name}, which cannot carry every name safely.
            response = self._call("DELETE", f"{path}/{_segment(name)}")
        self._raise_for(response)
        _checked_body(response, path, "none", changes=True)

    @staticmethod
    def _is_missing_route(response: requests.Response) -> bool:
        """A 404/405 without a Logto error code: the route itself does not exist here."""
        if response.status_code not in (404, 405):
            return False
        return not LogtoClient._error_code(response)

    # ------------------------------------------------------------------ sessions

    def list_sessions(self, user_id: str) -> list[LogtoSession]:
        """The user's OIDC sessions. Older Logto has no such route: :class:`LogtoNotFound`."""
        path = self._user_path(user_id, "sessions")
        data = self._request("GET", path, shape="object")
        sessions = data.get("sessions", [])
        if not isinstance(sessions, list) or not all(isinstance(item, dict) for item in sessions):
            raise LogtoUnavailable("Logto's answer was not what Logto sends.")
        return _typed(lambda: [LogtoSession.from_api(item) for item in sessions])

    def revoke_session(
        self, user_id: str, session_uid: str, *, revoke_grants_target: str | None = None
    ) -> None:
        """End a session; ``revoke_grants_target`` is ``"all"`` or ``"firstParty"``."""
        params = {"revokeGrantsTarget": revoke_grants_target} if revoke_grants_target else None
        self._request(
            "DELETE", self._user_path(user_id, "sessions", _segment(session_uid)), params=params
        )

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

    # ------------------------------------------------------------------ OIDC discovery

    def discovery(self, *, force_refresh: bool = False) -> dict[str, Any]:
        """Logto's OIDC discovery document, cached in-process and in Django's cache for an hour.

        ``force_refresh`` skips both caches (a health check must see Logto's current answer).
        """
        now = time.time()
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
