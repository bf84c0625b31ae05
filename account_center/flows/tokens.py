"""Personal access tokens: the user's own keys for scripts calling APIs protected by Logto.

Logto's list answer carries every token's secret value; the service layer drops it, so only the
answer to creating a token ever holds one, and it goes straight to the page that shows it once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .. import signals
from ..logto.client import get_client
from ..logto.errors import LogtoAPIError
from ..logto.models import CreatedPersonalAccessToken
from ..site_adapter import get_adapter
from . import audit, stepup
from .errors import FlowError
from .identity import logto_user_id

NAME_TAKEN = _("You already have a token with this name. Choose another name.")
NOT_FOUND = _("This token no longer exists. It may have been deleted already.")


def now() -> datetime:
    """The clock; tests monkeypatch it."""
    return datetime.now(tz=UTC)


@dataclass(frozen=True)
class TokenRow:
    """A token as the page lists it: never its value."""

    name: str
    created_at: datetime | None
    expires_at: datetime | None
    expired: bool


def list_tokens(sub: str) -> list[TokenRow]:
    """Working tokens first (newest first), then expired ones; Logto's list has no order."""
    moment = now()
    rows = [
        TokenRow(
            name=token.name,
            created_at=token.created_at,
            expires_at=token.expires_at,
            expired=token.expires_at is not None and token.expires_at <= moment,
        )
        for token in get_client().list_personal_access_tokens(sub)
    ]
    oldest = datetime.min.replace(tzinfo=UTC)
    rows.sort(key=lambda row: (row.expired, -(row.created_at or oldest).timestamp(), row.name))
    return rows


def _refusal(error: LogtoAPIError) -> FlowError | None:
    if error.code == "user.personal_access_token_name_exists":
        return FlowError(NAME_TAKEN, field="name", code=error.code)
    if error.code in ("entity.not_exists", "entity.not_found"):
        return FlowError(NOT_FOUND, code=error.code)
    return None


def _send(request: HttpRequest, signal: str, sub: str, **extra: object) -> None:
    getattr(signals, signal).send(
        sender=__name__, request=request, user=request.user, logto_user_id=sub, **extra
    )


def create(
    request: HttpRequest, name: str, expires_at: datetime | None
) -> CreatedPersonalAccessToken:
    """Create a token; the answer is the only place its value ever appears."""
    stepup.require(request, "personal_access_token")
    sub = logto_user_id(request)
    try:
        created = get_client().create_personal_access_token(sub, name, expires_at=expires_at)
    except LogtoAPIError as error:
        audit.record(request, "token_create", audit.FAILURE, name=name, reason=error.code)
        raise _refusal(error) or error from None
    audit.record(
        request,
        "token_create",
        audit.SUCCESS,
        name=name,
        expires_at=expires_at.isoformat() if expires_at else None,
    )
    _send(request, "personal_access_token_created", sub, name=name, expires_at=expires_at)
    get_adapter().on_credentials_changed(request, "personal_access_token")
    return created


def rename(request: HttpRequest, current_name: str, name: str) -> None:
    stepup.require(request, "personal_access_token")
    sub = logto_user_id(request)
    try:
        get_client().rename_personal_access_token(sub, current_name, name)
    except LogtoAPIError as error:
        audit.record(request, "token_rename", audit.FAILURE, name=current_name, reason=error.code)
        raise _refusal(error) or error from None
    audit.record(request, "token_rename", audit.SUCCESS, name=current_name, new_name=name)
    _send(request, "personal_access_token_renamed", sub, old_name=current_name, name=name)


def delete(request: HttpRequest, name: str) -> None:
    stepup.require(request, "personal_access_token")
    sub = logto_user_id(request)
    try:
        get_client().delete_personal_access_token(sub, name)
    except LogtoAPIError as error:
        audit.record(request, "token_delete", audit.FAILURE, name=name, reason=error.code)
        raise _refusal(error) or error from None
    audit.record(request, "token_delete", audit.SUCCESS, name=name)
    _send(request, "personal_access_token_deleted", sub, name=name)
