"""Personal access tokens: the user's own keys for scripts calling APIs protected by Logto.

Logto's list answer carries every token's secret value; the service layer drops it, so only the
answer to creating a token ever holds one, and it goes straight to the page that shows it once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ..clock import utcnow
from ..logto.client import get_client
from ..logto.errors import LogtoAPIError
from ..logto.models import CreatedPersonalAccessToken
from . import actions
from .changes import change
from .errors import FlowError

NAME_TAKEN = _("You already have a token with this name. Choose another name.")
NOT_FOUND = _("This token no longer exists. It may have been deleted already.")


@dataclass(frozen=True)
class TokenRow:
    """A token as the page lists it: never its value."""

    name: str
    created_at: datetime | None
    expires_at: datetime | None
    expired: bool


def list_tokens(sub: str) -> list[TokenRow]:
    """Working tokens first (newest first), then expired ones; Logto's list has no order."""
    moment = utcnow()
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


def create(
    request: HttpRequest, name: str, expires_at: datetime | None
) -> CreatedPersonalAccessToken:
    """Create a token; the answer is the only place its value ever appears."""
    try:
        with change(request, actions.TOKEN_CREATE, sender=__name__, name=name) as ch:
            client = get_client()
            created = client.create_personal_access_token(ch.sub, name, expires_at=expires_at)
            ch.done(
                expires_at=expires_at.isoformat() if expires_at else None,
                signal_args={"name": name, "expires_at": expires_at},
            )
    except LogtoAPIError as error:
        raise _refusal(error) or error from None
    return created


def rename(request: HttpRequest, current_name: str, name: str) -> None:
    try:
        with change(request, actions.TOKEN_RENAME, sender=__name__, name=current_name) as ch:
            get_client().rename_personal_access_token(ch.sub, current_name, name)
            ch.done(new_name=name, signal_args={"old_name": current_name, "name": name})
    except LogtoAPIError as error:
        raise _refusal(error) or error from None


def delete(request: HttpRequest, name: str) -> None:
    try:
        with change(request, actions.TOKEN_DELETE, sender=__name__, name=name) as ch:
            get_client().delete_personal_access_token(ch.sub, name)
            ch.done(signal_args={"name": name})
    except LogtoAPIError as error:
        raise _refusal(error) or error from None
