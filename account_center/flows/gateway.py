"""Two gateways, one set of flows: how each capability reaches Logto.

The flows keep their names and behaviour; beneath them, each capability calls one function here,
which reaches Logto either through the **Account API** with the signed-in user's own access
token (:class:`~account_center.auth.user_tokens.SessionUserTokens`; Logto enforces the tenant's
field settings and its own step-up, the verification record) or through the **Management API**
with the M2M token. ``ACCOUNT_CENTER_LOGTO_GATEWAY`` chooses:

* ``"auto"`` (default): the Account API for every capability the tenant's account-center
  settings allow (Logto's anonymous ``/api/.well-known/account-center``, else
  ``GET /api/account-center`` with the M2M token; kept a minute in Django's cache), the
  Management API for the rest (the tenant's Account API disabled, a field Off, Logto not
  answering). On a tenant whose account center is disabled (Logto's default) it asks Logto what
  ``"management"`` does, and that one read a minute.
* ``"account"``: the Account API for every capability it has.
* ``"management"``: the Management API for everything.

Only the Management API has deletion, personal access tokens, the admin's operations and the
webhook checks: those stay there whatever the setting (without M2M credentials they are Off,
:mod:`account_center.conf.tenant_fields`).

A session that keeps no token of the user (signed in while the gateway was the Management API)
goes on through the Management API when the site has M2M credentials; without them it is asked
to sign in again (:class:`LogtoUserTokenRefused`).

Each change's function is handed the change in progress (:class:`~.changes.Change`: it holds
the request and the user's id), so it runs only inside the one change path. Reads made with a
Logto user id only (``flows.reads``) find the request's tokens through
:func:`signed_in`, which the account views enter for each request (a context variable, so it
follows the page's reads into the threads that make them side by side).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from ..conf.app_settings import app_settings
from ..auth.user_tokens import NO_TOKEN, SessionUserTokens
from ..logto.account_models import AccountCenterSettings, AppGrant
from ..logto.client import get_client
from ..logto.errors import (
    LogtoAPIError,
    LogtoError,
    LogtoUserTokenRefused,
    LogtoVerificationRequired,
)
from ..logto.models import LogtoSession, LogtoUser, PasswordIssue
from ..sealing import seal, unseal
from ..conf.tenant_fields import LOGTO_FIELDS, MANAGEMENT_ONLY, has_m2m
from . import logto_verification

if TYPE_CHECKING:
    from .changes import Change

MANAGEMENT, ACCOUNT = "management", "account"

# Capabilities the Account API has (each governed by its field, tenant_fields.LOGTO_FIELDS).
ACCOUNT_API_CAPABILITIES = frozenset(LOGTO_FIELDS)
# Those the flows reach through it so far; the others stay with the Management API for now.
WIRED = frozenset(
    {
        "name",
        "avatar",
        "social",
        "profile",
        "custom_data",
        "username",
        "email",
        "phone",
        "password",
        "sessions",
        "apps",
        "mfa",
        "passkeys",
    }
)
# What Logto gates with a verification record (sessions and grants: even to be listed).
VERIFIED = frozenset(
    {"username", "email", "phone", "password", "sessions", "apps", "mfa", "passkeys", "social"}
)

SETTINGS_CACHE_KEY = "account_center:logto-account-center"
SETTINGS_SECONDS = 60
# Logto not answering is remembered shorter: the pages ask for every feature's level.
UNKNOWN_SECONDS = 10

_request: ContextVar[HttpRequest | None] = ContextVar("account_center_gateway", default=None)


# ---------------------------------------------------------------------- the tenant's settings


def tenant_settings() -> AccountCenterSettings | None:
    """The tenant's account-center settings as Logto has them (a minute old at most), or
    ``None`` when Logto could not say. Read anonymously, else (an older Logto) with the M2M token
    where the site has one; nothing secret, so the shared cache may keep it."""
    kept = cache.get(SETTINGS_CACHE_KEY)
    if isinstance(kept, dict):
        return None if kept.get("unknown") else AccountCenterSettings(**kept)
    client = get_client()
    try:
        try:
            # The anonymous copy first: the same settings, and no M2M token is fetched for the
            # pages that go through the Account API.
            found = client.get_public_account_center_settings()
        except LogtoError:
            if not has_m2m():
                raise
            found = client.get_account_center_settings()
    except LogtoError:
        cache.set(SETTINGS_CACHE_KEY, {"unknown": True}, UNKNOWN_SECONDS)
        return None
    cache.set(
        SETTINGS_CACHE_KEY,
        {
            "enabled": found.enabled,
            "fields": dict(found.fields),
            "webauthn_related_origins": tuple(found.webauthn_related_origins),
            "delete_account_url": found.delete_account_url,
        },
        SETTINGS_SECONDS,
    )
    return found


def holds_tenant_settings() -> bool:
    """Whether :func:`tenant_settings` answers from the cache (Logto's word, or "could not say")."""
    return cache.get(SETTINGS_CACHE_KEY) is not None


def forget_tenant_settings() -> None:
    cache.delete(SETTINGS_CACHE_KEY)


def settings_for_features() -> Mapping[str, Any] | None:
    """What :mod:`account_center.conf.tenant_fields` reads (handed to it at start)."""
    found = tenant_settings()
    return None if found is None else {"enabled": found.enabled, "fields": found.fields}


def reachable_without_m2m(capability: str) -> bool:
    """Whether ``capability`` has a way to Logto with no M2M credentials (the Account API)."""
    return capability in WIRED and app_settings.LOGTO_GATEWAY != "management"


# ---------------------------------------------------------------------- the choice


def choose(capability: str) -> tuple[str, str]:
    """Which gateway ``capability`` uses, and why (for ``account_center_check``)."""
    mode = app_settings.LOGTO_GATEWAY
    if capability in MANAGEMENT_ONLY or capability not in ACCOUNT_API_CAPABILITIES:
        return MANAGEMENT, _("only the Management API has it")
    if mode == "management":
        return MANAGEMENT, _("ACCOUNT_CENTER_LOGTO_GATEWAY is %(mode)s") % {"mode": repr(mode)}
    if capability not in WIRED:
        return MANAGEMENT, _("not reached through the Account API yet")
    if mode == "account":
        return ACCOUNT, _("ACCOUNT_CENTER_LOGTO_GATEWAY is %(mode)s") % {"mode": repr(mode)}
    found = tenant_settings()
    if found is None:
        return MANAGEMENT, _("Logto did not say what its account center allows")
    if not found.enabled:
        return MANAGEMENT, _("the tenant's account center is disabled")
    field = LOGTO_FIELDS[capability]
    control = found.control(field)
    if control == "Off":
        return MANAGEMENT, _("Logto's field %(field)s is %(control)s") % {"field": field, "control": control}
    return ACCOUNT, _("Logto's field %(field)s is %(control)s") % {"field": field, "control": control}


def route(capability: str) -> str:
    return choose(capability)[0]


def reads_with_user_tokens() -> bool:
    """Whether some capability reaches Logto through the Account API now (the setting, and with
    ``"auto"`` the tenant's settings): where none does, the user's tokens carry nothing."""
    return any(route(capability) == ACCOUNT for capability in sorted(WIRED))


def verifies_with_logto() -> bool:
    """Whether a step-up must make a Logto verification record: some change Logto gates with
    one goes through the Account API."""
    return any(route(capability) == ACCOUNT for capability in sorted(VERIFIED))


def _tokens(request: HttpRequest | None, capability: str) -> SessionUserTokens | None:
    """The user's tokens when ``capability`` goes through the Account API for this request;
    ``None`` for the Management API."""
    if request is None or route(capability) != ACCOUNT:
        return None
    tokens = SessionUserTokens.for_request(request)
    if tokens is None and not has_m2m():
        raise LogtoUserTokenRefused(401, NO_TOKEN, "No access token of the user is kept.")
    return tokens


def _step_up_tokens(request: HttpRequest) -> SessionUserTokens | None:
    """The user's tokens when a step-up must make a Logto verification record."""
    if not verifies_with_logto():
        return None
    tokens = SessionUserTokens.for_request(request)
    if tokens is None and not has_m2m():
        raise LogtoUserTokenRefused(401, NO_TOKEN, "No access token of the user is kept.")
    return tokens


def uses_account_api(request: HttpRequest, capability: str) -> bool:
    """Whether ``capability`` reaches Logto through the Account API for this request."""
    return _tokens(request, capability) is not None


@contextmanager
def signed_in(request: HttpRequest) -> Iterator[None]:
    """The request whose user's tokens the reads below use (the account views enter it)."""
    token = _request.set(request)
    try:
        yield
    finally:
        _request.reset(token)


def _request_of(sub: str) -> HttpRequest | None:
    request = _request.get()
    if request is None:
        return None
    identity = getattr(getattr(request, "user", None), "logto_identity", None)
    return request if identity is not None and identity.sub == sub else None


# ---------------------------------------------------------------------- reads


def account(
    sub: str, *, with_sso_identities: bool = False, request: HttpRequest | None = None
) -> LogtoUser:
    """The user as Logto has them. Through the Account API Logto leaves out what its settings
    or the token's scopes hide, and enterprise SSO identities are not listed."""
    tokens = _tokens(request or _request_of(sub), "profile")
    if tokens is not None:
        return get_client().get_own_account(tokens)
    return get_client().get_user(sub, include_sso_identities=with_sso_identities)


def custom_data(sub: str) -> dict[str, Any]:
    tokens = _tokens(_request_of(sub), "custom_data")
    if tokens is not None:
        return dict(get_client().get_own_account(tokens).custom_data)
    return get_client().get_custom_data(sub)


# ---------------------------------------------------------------------- profile


def _profile_changes(current: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """What to send Logto's merging ``PATCH /api/my-account/profile`` for ``current`` to become
    ``new``: the changed keys, a removed one as ``""`` (a merge cannot remove a key; the pages read
    an empty value as none)."""
    sent = {key: value for key, value in new.items() if current.get(key) != value}
    sent.update({key: "" for key in current if key not in new and current[key]})
    if sent.get("address") == "":
        sent["address"] = {}
    return sent


def update_account(ch: Change, current: LogtoUser, **fields: Any) -> LogtoUser:
    """Name, avatar and the whole new profile (Management API: one ``PATCH``, profile replaced;
    Account API: name and avatar, then the profile's changes merged)."""
    request, sub = ch.request, ch.sub
    tokens = _tokens(request, "profile")
    client = get_client()
    if tokens is None:
        return client.update_user(current.id, **fields)
    user = current
    plain = {key: fields[key] for key in ("name", "avatar") if key in fields}
    if plain:
        user = client.update_own_account(tokens, **plain)
    if "profile" in fields:
        changes = _profile_changes(current.profile, fields["profile"])
        if changes:
            client.update_own_profile(tokens, changes)
        user = replace(user, profile=dict(fields["profile"]))
    return user


def update_custom_data(ch: Change, values: dict[str, Any]) -> dict[str, Any]:
    """Merge ``values`` into the custom data at the top level. The Account API replaces the whole
    object, so the current one is read and merged first."""
    request, sub = ch.request, ch.sub
    tokens = _tokens(request, "custom_data")
    client = get_client()
    if tokens is None:
        return client.update_custom_data(sub, values)
    merged = {**client.get_own_account(tokens).custom_data, **values}
    return dict(client.update_own_account(tokens, custom_data=merged).custom_data)


# ---------------------------------------------------------------------- username, email, phone


def set_username(ch: Change, username: str | None) -> LogtoUser:
    request, sub = ch.request, ch.sub
    tokens = _tokens(request, "username")
    if tokens is None:
        return get_client().update_user(sub, username=username)
    return get_client().update_own_account(
        tokens, username=username, verification_id=logto_verification.current(request)
    )


_NEW_RECORD_KEY = "account_center_new_{kind}_record"
_NEW_RECORD_SEALED_AS = "logto-new-identifier"


@sensitive_variables("record")
def send_code_to_new(ch: Change, kind: str, target: str) -> None:
    """Send a code to a new email or phone ``target`` (``kind``): with the Account API Logto
    opens a record that the code proves; its id is kept sealed until the code comes back."""
    request, sub = ch.request, ch.sub
    tokens = _tokens(request, kind)
    if tokens is None:
        get_client().send_verification_code(**{kind: target})
        return
    record = get_client().send_own_verification_code(tokens, **{kind: target})
    request.session[_NEW_RECORD_KEY.format(kind=kind)] = seal(
        f"{target}\n{record.id}", _NEW_RECORD_SEALED_AS
    )


@sensitive_variables("code", "opened", "record_id", "verified")
def set_new_identifier(ch: Change, kind: str, target: str, code: str) -> LogtoUser:
    """Check ``code`` for ``target``; only when Logto accepts it make ``target`` the primary
    ``kind``. Through the Account API a lost or stale record is Logto's
    ``verification_record.not_found`` (:class:`LogtoVerificationNotFound`)."""
    request, sub = ch.request, ch.sub
    client = get_client()
    tokens = _tokens(request, kind)
    if tokens is None:
        client.verify_verification_code(code=code, **{kind: target})
        primary: dict[str, Any] = {f"primary_{kind}": target}
        return client.update_user(sub, **primary)
    opened = unseal(request.session.get(_NEW_RECORD_KEY.format(kind=kind)), _NEW_RECORD_SEALED_AS)
    kept_target, _sep, record_id = (opened or "").partition("\n")
    if kept_target != target or not record_id:
        raise LogtoAPIError(400, "verification_record.not_found", "No code record is kept.")
    verified = client.verify_own_verification_code(tokens, record_id, code, **{kind: target})
    setter = client.set_own_primary_email if kind == "email" else client.set_own_primary_phone
    setter(
        tokens,
        target,
        new_record_id=verified,
        verification_id=logto_verification.current(request) or "",
    )
    request.session.pop(_NEW_RECORD_KEY.format(kind=kind), None)
    return client.get_own_account(tokens)


def remove_identifier(ch: Change, kind: str) -> LogtoUser:
    request, sub = ch.request, ch.sub
    client = get_client()
    tokens = _tokens(request, kind)
    if tokens is None:
        cleared: dict[str, Any] = {f"primary_{kind}": None}
        return client.update_user(sub, **cleared)
    remover = client.remove_own_primary_email if kind == "email" else client.remove_own_primary_phone
    remover(tokens, verification_id=logto_verification.current(request) or "")
    return client.get_own_account(tokens)


def forget_new_identifier(request: HttpRequest, kind: str) -> None:
    request.session.pop(_NEW_RECORD_KEY.format(kind=kind), None)


# ---------------------------------------------------------------------- password


class PolicyRefused(Exception):
    """Logto's password policy refused the password (``issues``: why)."""

    def __init__(self, issues: list[PasswordIssue]) -> None:
        super().__init__("password_rejected")
        self.issues = issues


def _issues(data: Any) -> list[PasswordIssue]:
    found = data.get("issues") if isinstance(data, dict) else data
    return [
        PasswordIssue(code=str(item.get("code", "")), interpolation=item.get("interpolation") or {})
        for item in (found if isinstance(found, list) else [])
        if isinstance(item, dict)
    ]


@sensitive_variables("password")
def password_issues(ch: Change, password: str) -> list[PasswordIssue]:
    """Why the password policy refuses ``password`` (``[]``: acceptable, or to be checked by
    Logto itself when it is set). The Management API does not check the policy when setting, so
    it is asked first; the Account API checks it itself (:func:`set_password`)."""
    if _tokens(ch.request, "password") is not None:
        return []
    return get_client().check_password_policy(password, user_id=ch.sub)


@sensitive_variables("password")
def set_password(ch: Change, password: str) -> None:
    """Set the password; :class:`PolicyRefused` when Logto's Account API refuses it
    (422 ``password.rejected``)."""
    client = get_client()
    tokens = _tokens(ch.request, "password")
    if tokens is None:
        client.set_password(ch.sub, password)
        return
    try:
        client.set_own_password(
            tokens, password, verification_id=logto_verification.current(ch.request)
        )
    except LogtoAPIError as error:
        if error.code == "password.rejected" or error.code.startswith("password_rejected"):
            raise PolicyRefused(_issues(error.data) or [PasswordIssue(error.code)]) from None
        raise


# ---------------------------------------------------------------------- sessions


def _listing_record(request: HttpRequest) -> str:
    """The verification record Logto lists sessions and grants with. Without one kept, Logto's
    answer is known (401 ``verification_record.permission_denied``, every time: the overview
    asked on each view) and is not asked for."""
    record = logto_verification.current(request)
    if not record:
        raise LogtoVerificationRequired(
            401, "verification_record.permission_denied", "No verification record is kept."
        )
    return record


def sessions(sub: str, request: HttpRequest | None = None) -> list[LogtoSession]:
    """The user's Logto sessions. Through the Account API Logto lists them only with a
    verification record (:class:`LogtoVerificationRequired` without one: the caller asks the
    user to confirm it's them) and marks the current one itself."""
    request = request or _request_of(sub)
    tokens = _tokens(request, "sessions")
    if tokens is None or request is None:
        return get_client().list_sessions(sub)
    verification_id = _listing_record(request)
    return list(get_client().list_own_sessions(tokens, verification_id=verification_id))


def revoke_session(ch: Change, uid: str) -> None:
    """End one of the user's sessions and its applications' grants."""
    tokens = _tokens(ch.request, "sessions")
    if tokens is None:
        get_client().revoke_session(ch.sub, uid, revoke_grants_target="all")
        return
    get_client().revoke_own_session(
        tokens,
        uid,
        verification_id=logto_verification.current(ch.request) or "",
        revoke_grants_target="all",
    )


# ---------------------------------------------------------------------- connected apps


def third_party_grants(sub: str, request: HttpRequest | None = None) -> list[AppGrant]:
    """The third-party applications the user authorised (Logto keeps first-party ones out).
    Through the Account API Logto lists them only with a verification record, as sessions."""
    request = request or _request_of(sub)
    tokens = _tokens(request, "apps")
    if tokens is None or request is None:
        return get_client().list_grants(sub, app_type="thirdParty")
    verification_id = _listing_record(request)
    return list(
        get_client().list_own_grants(tokens, verification_id=verification_id, app_type="thirdParty")
    )


def revoke_grant(ch: Change, grant_id: str) -> None:
    """Revoke one grant and every token issued under it."""
    tokens = _tokens(ch.request, "apps")
    if tokens is None:
        get_client().revoke_grant(ch.sub, grant_id)
        return
    get_client().revoke_own_grant(
        tokens, grant_id, verification_id=logto_verification.current(ch.request) or ""
    )


# ---------------------------------------------------------------------- step-up


@sensitive_variables("password", "record")
def verify_password(ch: Change, password: str) -> bool:
    """Whether ``password`` is the user's. With Logto's verification in force, the record Logto
    makes is kept (sealed) for the changes that follow."""
    request, sub = ch.request, ch.sub
    tokens = _step_up_tokens(request)
    if tokens is None:
        return get_client().verify_password(sub, password)
    try:
        record = get_client().verify_own_password(tokens, password)
    except LogtoAPIError as error:
        if error.code == "session.invalid_credentials":
            return False
        raise
    logto_verification.keep(request, record.id, record.expires_at)
    return True


def send_own_code(ch: Change, method: str, target: str) -> None:
    """Send a step-up code to the user's own ``method`` (``email`` or ``phone``)."""
    request, sub = ch.request, ch.sub
    tokens = _step_up_tokens(request)
    if tokens is None:
        get_client().send_verification_code(**{method: target})
        return
    record = get_client().send_own_verification_code(tokens, **{method: target})
    logto_verification.keep_pending(request, method, record.id, record.expires_at)


@sensitive_variables("code", "record_id")
def verify_own_code(ch: Change, method: str, target: str, code: str) -> None:
    """Check a step-up code (Logto's errors go on: ``verification_code.code_mismatch``...)."""
    request, sub = ch.request, ch.sub
    tokens = _step_up_tokens(request)
    if tokens is None:
        get_client().verify_verification_code(code=code, **{method: target})
        return
    record_id = logto_verification.pending(request, method)
    if record_id is None:
        raise LogtoAPIError(400, "verification_record.not_found", "No code record is kept.")
    get_client().verify_own_verification_code(tokens, record_id, code, **{method: target})
    logto_verification.promote_pending(request)


# ---------------------------------------------------------------------- social links
# (Through the Account API: a social verification record, verified with the provider's answer,
# then bound with ``POST /api/my-account/identities``; unlinked with ``DELETE .../identities``.
# Logto asks the user's proof of identity for both when they have a password, email or phone.)

_SOCIAL_RECORD_KEY = "account_center_social_record"
_SOCIAL_SEALED_AS = "logto-social-record"


@sensitive_variables("started")
def start_social_link(ch: Change, connector_id: str, *, state: str, redirect_uri: str) -> str:
    """The provider's URL to send the user to. Through the Account API Logto opens a social
    verification record; its id is kept sealed in the session, with the app's ``state``, until
    the provider sends the user back (:func:`link_social`)."""
    request = ch.request
    tokens = _tokens(request, "social")
    client = get_client()
    if tokens is None:
        return client.get_authorization_uri(connector_id, state=state, redirect_uri=redirect_uri)
    started = client.start_own_social_verification(
        tokens, connector_id, state=state, redirect_uri=redirect_uri
    )
    request.session[_SOCIAL_RECORD_KEY] = seal(
        f"{state}\n{started.record.id}", _SOCIAL_SEALED_AS
    )
    return started.authorization_uri


@sensitive_variables("connector_data", "opened", "record_id", "verified")
def link_social(
    ch: Change, connector_id: str, state: str, connector_data: Mapping[str, Any]
) -> list[str]:
    """Hand Logto the provider's answer and link the identity; answers the linked targets.
    Through the Account API a record kept for another ``state`` (or none) is Logto's
    ``verification_record.not_found``: nothing is linked."""
    request = ch.request
    tokens = _tokens(request, "social")
    client = get_client()
    if tokens is None:
        return list(client.link_identity(ch.sub, connector_id, dict(connector_data)))
    opened = unseal(request.session.pop(_SOCIAL_RECORD_KEY, None), _SOCIAL_SEALED_AS)
    kept_state, _sep, record_id = (opened or "").partition("\n")
    if kept_state != state or not record_id:
        raise LogtoAPIError(400, "verification_record.not_found", "No social record is kept.")
    verified = client.verify_own_social(tokens, record_id, connector_data)
    client.link_own_identity(
        tokens, new_record_id=verified, verification_id=logto_verification.current(request)
    )
    return list(client.get_own_account(tokens).identities)


def unlink_social(ch: Change, target: str) -> None:
    tokens = _tokens(ch.request, "social")
    if tokens is None:
        get_client().unlink_identity(ch.sub, target)
        return
    get_client().unlink_own_identity(
        tokens, target, verification_id=logto_verification.current(ch.request)
    )


# ---------------------------------------------------------------------- avatar upload
# (Logto stores a picture only when the tenant has a storage provider, which most self-hosted
# ones have not; the Account API says so only when asked to store one: remembered tenant-wide.)

NO_AVATAR_STORAGE_KEY = "account_center:logto-no-avatar-storage"
NO_AVATAR_STORAGE_SECONDS = 60 * 60


def avatar_storage_at_logto(request: HttpRequest) -> bool:
    """Whether an uploaded picture goes to Logto's storage: the avatar goes through the Account
    API for this request, and Logto did not lately answer that the tenant has no storage."""
    if cache.get(NO_AVATAR_STORAGE_KEY):
        return False
    try:
        return uses_account_api(request, "avatar")
    except LogtoError:
        return False


def upload_avatar(ch: Change, content: bytes, filename: str, content_type: str) -> str | None:
    """The picture's address at Logto's storage, or ``None`` when Logto does not store it here
    (the Management API's way, or a tenant without storage)."""
    if cache.get(NO_AVATAR_STORAGE_KEY):
        return None
    tokens = _tokens(ch.request, "avatar")
    if tokens is None:
        return None
    try:
        return get_client().upload_own_avatar(
            tokens, content, filename=filename, content_type=content_type
        )
    except LogtoAPIError as error:
        if error.code != "storage.not_configured":
            raise
    cache.set(NO_AVATAR_STORAGE_KEY, True, NO_AVATAR_STORAGE_SECONDS)
    return None
