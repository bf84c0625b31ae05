"""What an admin does to linked users from Django admin, one user at a time, each audited.

The admin module runs these for each selected user and reports each user's outcome; a Logto
failure for one user never stops the others. The acting admin is recorded in every audit event.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ..logto.client import get_client
from ..logto.errors import LogtoNotFound
from ..logto.models import LogtoUser
from ..models import AuditEvent, LogtoIdentity
from .identity import client_ip
from .local_user import apply_details, sign_out_here


def record(
    request: HttpRequest, identity: LogtoIdentity, action: str, outcome: str, **detail: Any
) -> None:
    """An audit event about ``identity``'s user, made by the admin of ``request``."""
    AuditEvent.objects.create(
        user=identity.user,
        sub=identity.sub,
        action=action,
        outcome=outcome,
        detail={"by": request.user.get_username(), **detail},
        ip_address=client_ip(request),
    )


def set_suspended(identity: LogtoIdentity, suspended: bool) -> None:
    """Suspend or restore at Logto (which then refuses their sign-in and ends their Logto
    sessions); a suspended user is also signed out of this site at their next request."""
    get_client().set_suspended(identity.sub, suspended)
    if suspended:
        sign_out_here(identity)


def sign_out_everywhere(identity: LogtoIdentity) -> int:
    """End every Logto session of the user (with its grants, so no app keeps a refresh token)
    and every session on this site; answer how many Logto sessions ended."""
    client = get_client()
    sessions = client.list_sessions(identity.sub)
    ended = 0
    for session in sessions:
        try:
            client.revoke_session(identity.sub, session.uid, revoke_grants_target="all")
        except LogtoNotFound:
            pass  # ended meanwhile
        ended += 1
    sign_out_here(identity)
    return ended


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
