"""The signed-in user's own Logto tokens, kept sealed in the session, and the
:class:`~account_center.logto.user_token.UserTokenProvider` the Account API is called with.

Logto's Account API takes only the user's **opaque** access token, the one ``/oidc/token``
answers when no ``resource`` is asked (ACCOUNT-API.md, section 2). Sign-in keeps it with its
refresh token and expiry as one value sealed for this purpose (:mod:`account_center.sealing`):
a dump of the session store hands out nothing, the tokens never go to a cache or a log, and a
value sealed for another user does not open. Nothing is kept while the gateway is the Management
API alone (``ACCOUNT_CENTER_LOGTO_GATEWAY = "management"``).

Refreshing, and why one request of a session at a time: Logto rotates a web app's refresh token
once it is past 70% of its lifetime, and a rotated (spent) refresh token sent again makes Logto
revoke the whole grant (oidc-provider's reuse detection), the winner's new tokens included. So a
request that needs a new access token first looks whether another request of the same session
already stored one, then takes a lock on its refresh token (in Django's cache: the key is a hash,
never the token), looks again, and only then asks Logto; the new tokens are saved to the session
store at once, where the requests waiting for the lock find and adopt them.

A refused refresh (``invalid_grant``: revoked, expired, spent) drops the dead tokens from the
session and raises :class:`~account_center.logto.errors.LogtoUserTokenRefused`: the caller falls
back to the Management API or asks the user to sign in again. Nobody is signed out here.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.core.cache import cache
from django.http import HttpRequest
from django.views.decorators.debug import sensitive_variables

from .. import clock
from ..logto.client import get_client
from ..logto.errors import LogtoError, LogtoUnavailable, LogtoUserTokenRefused
from ..sealing import seal, unseal
from . import oidc_settings

logger = logging.getLogger(__name__)

# The session key holding the sealed tokens, and the purpose they are sealed for.
SESSION_KEY = "account_center_user_tokens"
SEALED_AS = "user-tokens"

# Refresh this long before Logto's expiry: a token that expires in flight costs a 401 and a retry.
EXPIRY_MARGIN_SECONDS = 60

# How long a request holding the refresh lock may take, and how long the others wait for it.
LOCK_SECONDS = 15
WAIT_SECONDS = 10.0
_POLL_SECONDS = 0.05

# The code of the refusal when the session keeps no usable token (none is Logto's).
NO_TOKEN = "account_center.no_user_token"


@dataclass(frozen=True)
class KeptTokens:
    sub: str
    # Error reports print the variables holding this: the tokens stay out of its repr.
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_at: float  # epoch seconds, as Logto announced (expires_in) from when it answered
    issued_at: float

    def is_fresh(self, now: float | None = None) -> bool:
        now = clock.now() if now is None else now
        return now < self.expires_at - EXPIRY_MARGIN_SECONDS


@sensitive_variables("access_token", "refresh_token", "payload")
def sealed_tokens(sub: str, access_token: str, refresh_token: str, expires_in: float) -> str:
    """The value the session keeps: the tokens, their expiry and whose they are, sealed."""
    now = clock.now()
    payload = json.dumps(
        {
            "sub": sub,
            "access_token": access_token,
            "refresh_token": refresh_token,
            "expires_at": now + expires_in,
            "issued_at": now,
        }
    )
    return seal(payload, SEALED_AS)


@sensitive_variables("payload", "data")
def unsealed_tokens(value: object, sub: str | None) -> KeptTokens | None:
    """The tokens ``value`` holds for ``sub``; ``None`` for anything else (nothing kept, another
    ``SECRET_KEY``, another user's, a tampered value)."""
    payload = unseal(value, SEALED_AS)
    if payload is None or not sub:
        return None
    try:
        data = json.loads(payload)
        kept = KeptTokens(
            sub=str(data["sub"]),
            access_token=str(data["access_token"]),
            refresh_token=str(data.get("refresh_token") or ""),
            expires_at=float(data["expires_at"]),
            issued_at=float(data["issued_at"]),
        )
    except (ValueError, KeyError, TypeError):
        return None
    return kept if kept.sub == sub and kept.access_token else None


@sensitive_variables("answer", "access_token", "refresh_token", "earlier")
def kept_from_sign_in(session: SessionBase, sub: str, answer: Mapping[str, Any]) -> str | None:
    """What the session keeps of a sign-in's token answer (sealed), or ``None`` when the gateway
    does not use the user's tokens.

    An answer without a refresh token (a silent ``prompt=none`` renewal or a sign-in again, where
    Logto drops ``offline_access`` for want of ``prompt=consent``) keeps the refresh token this
    session already holds for the same user: the grant is the same, so it still works.
    """
    if not oidc_settings.keeps_user_tokens():
        return None
    access_token = answer.get("access_token")
    if not isinstance(access_token, str) or not access_token:
        return None
    refresh_token = answer.get("refresh_token")
    if not isinstance(refresh_token, str) or not refresh_token:
        earlier = unsealed_tokens(session.get(SESSION_KEY), sub)
        refresh_token = earlier.refresh_token if earlier is not None else ""
    try:
        expires_in = float(answer.get("expires_in") or 3600)
    except (TypeError, ValueError):
        expires_in = 3600.0
    return sealed_tokens(sub, access_token, refresh_token, expires_in)


@sensitive_variables("value", "mine", "stored", "stored_value")
def keep_newest(request: HttpRequest) -> None:
    """Before a request's session is saved: take the user's tokens another request of the same
    session stored meanwhile, when they are newer than the ones this request read. Saving the
    older copy would bring back a refresh token Logto may have rotated, and sending that one
    again makes Logto revoke the grant. Costs one read of the session store, only for a
    session that keeps tokens and is about to be saved."""
    session = getattr(request, "session", None)
    if session is None or not session.modified or not session.session_key:
        return
    value = session.get(SESSION_KEY)
    sub = _signed_in_sub(request)
    mine = unsealed_tokens(value, sub) if value is not None else None
    if mine is None:
        return
    stored_value = type(session)(session_key=session.session_key).load().get(SESSION_KEY)
    stored = unsealed_tokens(stored_value, sub)
    if stored is not None and stored.issued_at > mine.issued_at:
        session[SESSION_KEY] = stored_value


@sensitive_variables("kept")
def revoke_at_sign_out(request: HttpRequest) -> None:
    """Before the session ends: revoke at Logto the refresh token it keeps, so that a copy of the
    session store cannot renew the user's access after they signed out (Logto ends the token's
    whole grant). Never raises: a Logto that fails to revoke must not keep anyone signed in, so
    the failure is logged (its kind only, never the token) and sign-out goes on."""
    kept = unsealed_tokens(request.session.get(SESSION_KEY), _signed_in_sub(request))
    if kept is None or not kept.refresh_token:
        return
    try:
        get_client().revoke_refresh_token(
            client_id=oidc_settings.oidc_setting("OIDC_RP_CLIENT_ID"),
            client_secret=oidc_settings.oidc_setting("OIDC_RP_CLIENT_SECRET"),
            refresh_token=kept.refresh_token,
        )
    except LogtoError as error:
        logger.warning(
            "Signing out without revoking the user's refresh token at Logto: %s (status %s)",
            type(error).__name__,
            getattr(error, "status", None),
        )


def _signed_in_sub(request: HttpRequest) -> str | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    identity = getattr(user, "logto_identity", None)
    return identity.sub if identity is not None else None


@sensitive_variables("refresh_token")
def _lock_key(refresh_token: str) -> str:
    digest = hashlib.sha256(refresh_token.encode()).hexdigest()[:32]
    return f"account_center:user-token-refresh:{digest}"


def _refused(message: str) -> LogtoUserTokenRefused:
    return LogtoUserTokenRefused(401, NO_TOKEN, message)


class SessionUserTokens:
    """The signed-in user's tokens as the Account API's transport asks for them. Build it with
    :meth:`for_request`; it holds the request, never a token (each call unseals what the
    session keeps now)."""

    def __init__(self, request: HttpRequest, sub: str) -> None:
        self._request = request
        self._sub = sub

    @classmethod
    def for_request(cls, request: HttpRequest) -> SessionUserTokens | None:
        """The provider for the request's signed-in user, or ``None`` when the session keeps no
        token of theirs (the gateway then stays with the Management API)."""
        sub = _signed_in_sub(request)
        if sub is None or unsealed_tokens(request.session.get(SESSION_KEY), sub) is None:
            return None
        return cls(request, sub)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._sub}>"

    @property
    def user_id(self) -> str:
        return self._sub

    def _kept(self) -> KeptTokens | None:
        return unsealed_tokens(self._request.session.get(SESSION_KEY), self._sub)

    @sensitive_variables("kept")
    def access_token(self) -> str:
        kept = self._kept()
        if kept is None:
            raise _refused("No access token of the user is kept in this session.")
        if kept.is_fresh():
            return kept.access_token
        if kept.refresh_token:
            return self.refreshed_access_token(kept.access_token)
        if clock.now() < kept.expires_at:
            return kept.access_token
        raise _refused("The user's access token expired and there is no refresh token.")

    @sensitive_variables("rejected", "kept", "adopted")
    def refreshed_access_token(self, rejected: str) -> str:
        kept = self._kept()
        if kept is None or not kept.refresh_token:
            raise _refused("No refresh token of the user is kept in this session.")
        if kept.access_token != rejected and kept.is_fresh():
            return kept.access_token  # this request already has a newer one
        adopted = self._adopt_newer(kept)
        if adopted is not None:
            return adopted.access_token
        lock_key, owner = _lock_key(kept.refresh_token), secrets.token_hex(8)
        deadline = time.monotonic() + WAIT_SECONDS
        while not cache.add(lock_key, owner, LOCK_SECONDS):
            # Another request of this session is asking Logto; its tokens land in the store.
            adopted = self._adopt_newer(kept)
            if adopted is not None:
                return adopted.access_token
            if time.monotonic() >= deadline:
                raise LogtoUnavailable("Another request is renewing the user's access token.")
            time.sleep(_POLL_SECONDS)
        try:
            adopted = self._adopt_newer(kept)
            if adopted is not None:
                return adopted.access_token
            return self._refresh(kept)
        finally:
            if cache.get(lock_key) == owner:
                cache.delete(lock_key)

    @sensitive_variables("kept", "grant", "adopted")
    def _refresh(self, kept: KeptTokens) -> str:
        try:
            grant = get_client().refresh_user_tokens(
                client_id=oidc_settings.oidc_setting("OIDC_RP_CLIENT_ID"),
                client_secret=oidc_settings.oidc_setting("OIDC_RP_CLIENT_SECRET"),
                refresh_token=kept.refresh_token,
            )
        except LogtoUserTokenRefused:
            adopted = self._adopt_newer(kept)
            if adopted is not None:
                return adopted.access_token
            # Dead for good (no other request stored newer ones): later requests of this session
            # fall back at once instead of asking Logto again.
            self._request.session.pop(SESSION_KEY, None)
            self._request.session.save()
            raise
        self._request.session[SESSION_KEY] = sealed_tokens(
            self._sub, grant.access_token, grant.refresh_token, grant.expires_in
        )
        # Saved now, not when the response goes out: requests waiting for the lock read it.
        self._request.session.save()
        return grant.access_token

    @sensitive_variables("kept", "stored", "value")
    def _adopt_newer(self, kept: KeptTokens) -> KeptTokens | None:
        """Tokens another request of this session stored after ``kept`` were issued, taken into
        this request's session (so that saving it keeps them); ``None`` when there are none."""
        session = self._request.session
        if not session.session_key:
            return None
        value = type(session)(session_key=session.session_key).load().get(SESSION_KEY)
        stored = unsealed_tokens(value, self._sub)
        if stored is None or stored.issued_at <= kept.issued_at or not stored.is_fresh():
            return None
        session[SESSION_KEY] = value
        return stored
