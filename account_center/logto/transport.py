"""HTTP to Logto, shared by every resource of the client: one ``requests.Session``, the
``(connect, read)`` timeout, the machine-to-machine token, and the mapping of answers to typed
errors and checked shapes. See :mod:`account_center.logto.client` for the whole picture.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, TypedDict, Unpack
from urllib.parse import quote

import requests
from django.utils.translation import get_language
from django.views.decorators.debug import sensitive_variables

from account_center import clock
from account_center.logto import budget, read_cache, token_cache
from account_center.logto.errors import (
    LogtoAPIError,
    LogtoAuthenticationError,
    LogtoConfigurationError,
    LogtoFieldClosed,
    LogtoNotFound,
    LogtoOutcomeUnknown,
    LogtoRateLimited,
    LogtoUnavailable,
    LogtoUserTokenRefused,
    LogtoVerificationNotFound,
    LogtoVerificationRequired,
)

if TYPE_CHECKING:
    from account_center.logto.user_token import UserTokenProvider

# Query parameters: a mapping, or pairs when a key repeats (Logto's ``search.id`` for many ids).
Params = Mapping[str, str] | Sequence[tuple[str, str]] | None


class UserCall(TypedDict, total=False):
    """What a call with the user's own token carries besides its method and path (each left
    out is not sent): ``json`` or ``files`` (a multipart body) and ``params``, then
    ``verification_id`` and ``user_agent`` (see :meth:`Transport._as_user`)."""

    json: Any
    params: Params
    verification_id: str | None
    user_agent: str | None
    files: Any


logger = logging.getLogger("account_center.logto.client")

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
    return max(0, int((when - clock.utcnow()).total_seconds()))


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


@sensitive_variables("data")
def _checked_body(response: requests.Response, path: str, shape: str, *, changes: bool) -> Any:
    """The JSON of a 2xx answer, if it has the expected ``shape`` (see ``LogtoClient._request``)."""
    data: Any = None
    readable = True
    if response.content:
        try:
            data = response.json()
        except ValueError:
            # Koa answers a route that sets a status and no body with the status's own words
            # (PATCH /api/my-account/mfa-verifications/{id}/name: 200 "OK").
            readable = shape == "none" and response.content == (response.reason or "").encode()
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


class Transport:
    """HTTP to Logto: the session, the M2M token, errors and shapes. The resource classes build on
    it; :class:`account_center.logto.client.LogtoClient` puts them together."""

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
        return f"<{type(self).__name__} {self.endpoint} m2m={self.m2m_app_id}>"

    # ------------------------------------------------------------------ transport

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        language = get_language()
        if language:
            headers["Accept-Language"] = language
        return headers

    def _anonymous_get(self, path: str) -> Any:
        """A read of Logto's public ``/api/.well-known/...`` routes (its sign-in page reads them):
        no token at all, so a site without M2M credentials can read them too; checked as
        :meth:`_request` checks answers, never kept (each caller keeps what it needs)."""
        response = self._send(
            "GET",
            f"{self.endpoint}{path}",
            log_path=path,
            retry_on_connection_error=True,
            headers=self._headers(),
        )
        self._raise_for(response)
        return _checked_body(response, path, "object", changes=False)

    # Below here are only the HTTP library's frames, holding bodies, tokens and credentials.
    @sensitive_variables()
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
        # The one GET retry is this loop rather than a urllib3 ``Retry`` on the adapter: each
        # attempt must cut its timeout to the page's remaining budget (a ``Retry`` would spend a
        # second full timeout), and a host project's own session or adapter keeps working.
        attempts = 2 if retry_on_connection_error else 1
        for attempt in range(1, attempts + 1):
            timeout = self.timeout
            left = budget.remaining()
            if left is not None:
                if left <= 0:
                    logger.debug("Logto %s %s skipped: the page's time is spent", method, log_path)
                    raise LogtoUnavailable("This page's time for Logto is spent.")
                timeout = (min(timeout[0], left), min(timeout[1], left))
            started = time.perf_counter()
            try:
                response = self.session.request(method, url, timeout=timeout, **kwargs)
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

    @sensitive_variables("cached", "rejected")
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
        with self._token_lock, token_cache.refresh_lock(self._token_key, rejected):
            # Another thread or worker may have stored a new token while we waited for the lock.
            cached = token_cache.load(self._token_key)
            usable = cached is not None and cached.access_token != rejected
            if usable and cached is not None and (not force_refresh or rejected):
                return cached.access_token
            return self._fetch_token()

    def holds_access_token(self) -> bool:
        """Whether a fresh Management API token is in the shared cache (asking Logto nothing)."""
        return token_cache.load(self._token_key) is not None

    @sensitive_variables("rejected")
    def _refresh_after_401(self, rejected: str) -> str:
        """A token Logto refused: take a newer one another worker stored, or fetch one. The refused
        token is not deleted from the cache first: between reading and deleting it another worker
        may have stored the new one, which would then be deleted and fetched again."""
        return self.get_access_token(force_refresh=True, rejected=rejected)

    @sensitive_variables("body")
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

    @sensitive_variables("json")
    def _call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Params = None,
    ) -> requests.Response:
        """Call the Management API; returns the response whatever its status (401 handled)."""
        try:
            return self._authorized(method, path, json, params)
        finally:
            if method != "GET":
                # The one place kept reads are dropped: after every request that may change a
                # user (a check such as a password verification too: simpler than telling them
                # apart), whatever its outcome, since a timed-out change may have been applied.
                read_cache.forget_path(path)

    @sensitive_variables("json", "token", "headers")
    def _authorized(self, method: str, path: str, json: Any, params: Params) -> requests.Response:
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

    @sensitive_variables("json", "answer", "kept")
    def _request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Params = None,
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
        if changes:
            return self._exchange(method, path, json, params, shape, changes=True)
        key, kept = read_cache.lookup(path, params) if method == "GET" else (None, read_cache.MISS)
        if kept is not read_cache.MISS:
            return kept
        answer = self._exchange(method, path, json, params, shape, changes=False)
        read_cache.store(key, answer, path)
        return answer

    @sensitive_variables("json")
    def _exchange(
        self, method: str, path: str, json: Any, params: Params, shape: str, *, changes: bool
    ) -> Any:
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

    @staticmethod
    def _is_missing_route(response: requests.Response) -> bool:
        """A 404/405 without a Logto error code: the route itself does not exist here."""
        if response.status_code not in (404, 405):
            return False
        return not Transport._error_code(response)

    # ------------------------------------------------------------------ the user's own token

    # The Account API's refusals that tell the caller what to do next (see errors.py).
    _USER_REFUSALS: dict[str, type[LogtoAPIError]] = {
        "verification_record.permission_denied": LogtoVerificationRequired,
        "verification_record.not_found": LogtoVerificationNotFound,
        "account_center.not_enabled": LogtoFieldClosed,
        "account_center.field_not_enabled": LogtoFieldClosed,
        "account_center.field_not_editable": LogtoFieldClosed,
        "auth.unauthorized": LogtoUserTokenRefused,
        "auth.forbidden": LogtoUserTokenRefused,
    }

    def _as_user(
        self, user: UserTokenProvider, method: str, path: str, **call: Unpack[UserCall]
    ) -> requests.Response:
        """Call Logto with the signed-in user's own access token (the Account API), never the
        M2M token; returns the response whatever its status.

        ``verification_id`` goes as ``logto-verification-id`` (Logto's proof of identity);
        ``user_agent`` replaces ours, so Logto names a passkey after the browser that made it.
        No ``Origin`` is ever sent: Logto's WebAuthn check accepts the request's own Origin
        (ACCOUNT-API.md, surprise 1); the site's origin belongs in ``webauthnRelatedOrigins``.

        A change drops every read kept for that user (both APIs'), so the next page sees it.
        """
        url = f"{self.endpoint}{path}"
        verification_id, user_agent = call.get("verification_id"), call.get("user_agent")
        files = call.get("files")
        token = user.access_token()
        try:
            for attempt in (1, 2):
                headers = self._headers()
                headers["Authorization"] = f"Bearer {token}"
                if verification_id:
                    headers["logto-verification-id"] = verification_id
                if user_agent:
                    headers["User-Agent"] = user_agent
                response = self._send(
                    method,
                    url,
                    log_path=path,
                    retry_on_connection_error=method == "GET",
                    headers=headers,
                    json=call.get("json"),
                    params=call.get("params"),
                    # ``files``: a multipart body (an avatar); requests sets its content type.
                    **({"files": files} if files is not None else {}),
                )
                # Only ``auth.unauthorized`` is about the token; a 401
                # ``verification_record.permission_denied`` is about the step-up and is the
                # caller's to handle. Retrying a change is safe: Logto checks the token, and the
                # scopes, before it changes anything. A missing scope also answers
                # ``auth.unauthorized``; it costs one useless refresh, then the refusal.
                if attempt == 2 or self._error_code(response) != "auth.unauthorized":
                    break
                token = user.refreshed_access_token(token)
            return response
        finally:
            if method != "GET" and path.startswith("/api/my-account"):
                read_cache.forget(user.user_id)

    def _user_request(
        self,
        user: UserTokenProvider,
        method: str,
        path: str,
        *,
        shape: str = "none",
        changes: bool | None = None,
        **call: Unpack[UserCall],
    ) -> Any:
        """:meth:`_as_user`, with errors and shapes checked as :meth:`_request` checks them."""
        changes = method != "GET" if changes is None else changes
        # Kept as the Management API's reads are, under the token's user: an answer needing no
        # proof of identity is the same for every token of theirs (the app always asks the same
        # scopes). One that needs a verification record (sessions, grants) is never kept: a
        # later page without the record must be refused as Logto refuses it.
        kept_as = (
            user.user_id
            if method == "GET" and not changes and not call.get("verification_id")
            else None
        )
        key, kept = (
            read_cache.lookup(path, call.get("params"), scope=kept_as) if kept_as else (None, None)
        )
        if kept_as and kept is not read_cache.MISS:
            return kept
        answer = self._user_exchange(user, method, path, shape=shape, changes=changes, **call)
        read_cache.store(key, answer, path)
        return answer

    def _user_exchange(
        self,
        user: UserTokenProvider,
        method: str,
        path: str,
        *,
        shape: str,
        changes: bool,
        **call: Unpack[UserCall],
    ) -> Any:
        try:
            response = self._as_user(user, method, path, **call)
        except LogtoOutcomeUnknown:
            if changes:
                raise
            raise LogtoUnavailable("Logto did not answer in time.") from None
        code = self._error_code(response) if response.status_code >= 400 else ""
        refusal = self._USER_REFUSALS.get(code)
        # A 404 stays LogtoNotFound (no backup codes answers 404 ``verification_record.not_found``).
        if refusal is not None and response.status_code in (400, 401, 403):
            body = _json_or_none(response)
            raise refusal(
                response.status_code,
                code,
                str(body.get("message") or ""),
                body.get("data", body.get("details")),
            )
        self._raise_for(response)
        return _checked_body(response, path, shape, changes=changes)
