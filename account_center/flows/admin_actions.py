"""What an admin does to linked users from Django admin, one user at a time, each audited.

The admin module runs these for each selected user and reports each user's outcome; a Logto
failure for one user never stops the others. The acting admin is recorded in every audit event.
Each decides on Logto's current data: the admin runs them past the kept reads
(:func:`account_center.logto.read_cache.fresh`), as every POST of the account pages is.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ..logto.client import get_client
from ..logto.errors import LogtoNotFound
from ..logto.models import LogtoUser
from ..models import LogtoIdentity
from . import audit
from .local_user import apply_details, sign_out_here


def record(
    request: HttpRequest, identity: LogtoIdentity, action: str, outcome: str, **detail: Any
) -> None:
    """An audit event about ``identity``'s user, made by the admin of ``request``."""
    by = request.user.get_username()
    audit.record(request, action, outcome, staff=True, about=identity, by=by, **detail)


def set_suspended(identity: LogtoIdentity, suspended: bool) -> None:
    """Suspend or restore at Logto (which then refuses their sign-in and ends their Logto
    sessions); a suspended user is also signed out of this site at their next request."""
    get_client().set_suspended(identity.sub, suspended)
    if suspended:
        sign_out_here(identity)


def sign_out_everywhere(identity: LogtoIdentity) -> dict[str, Any]:
    """End every session of the user on this site (at their next request), then every Logto
    session (with its grants, so no app keeps a refresh token).

    This site's sign-out comes first and holds whatever Logto answers: a failure to end a Logto
    session is raised after it. Answers ``{"sessions": n}``, or ``{"sessions": None, "logto":
    "unsupported"}`` where this Logto has no sessions API (a plain 404, as older versions answer:
    their sessions end when they expire), or ``"not_found"`` where Logto has no such user."""
    sign_out_here(identity)
    client = get_client()
    try:
        sessions = client.list_sessions(identity.sub)
    except LogtoNotFound as error:
        return {"sessions": None, "logto": "not_found" if error.code else "unsupported"}
    ended = 0
    for session in sessions:
        try:
            client.revoke_session(identity.sub, session.uid, revoke_grants_target="all")
        except LogtoNotFound:
            pass  # ended meanwhile
        ended += 1
    return {"sessions": ended}


def refresh(identity: LogtoIdentity, account: LogtoUser) -> list[str]:
    """Copy the user's Logto details (from the admin's batched read) to the local user."""
    return apply_details(identity, {"primaryEmail": account.primary_email, "name": account.name})


def reset_mfa(identity: LogtoIdentity) -> int:
    """Remove every second factor (authenticator app, backup codes, passkeys); answer how many.
    Backup codes go first: Logto keeps no backup codes without another factor."""
    client = get_client()
    factors = sorted(
        client.list_mfa_verifications(identity.sub), key=lambda f: f.type != "BackupCode"
    )
    removed = 0
    for factor in factors:
        try:
            client.delete_mfa_verification(identity.sub, factor.id)
        except LogtoNotFound:
            continue  # removed meanwhile
        removed += 1
    return removed
