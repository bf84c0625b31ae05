"""What Logto says now of a user's account, and why a signed-in session lost its link.

Apart from :mod:`account_center.flows.identity` (who the signed-in user is), which the gateway and
the change path stand on: this asks Logto through the gateway.
"""

from __future__ import annotations

from ..logto import read_cache
from ..logto.errors import LogtoError, LogtoNotFound
from ..models import AuditEvent
from . import gateway
from .identity import ACTIVE, DELETED, LINK_REMOVED_ACTION, SUSPENDED


def account_status(sub: str) -> str | None:
    """Logto's word now (past the kept reads) on the user's account: :data:`ACTIVE`,
    :data:`DELETED` or :data:`SUSPENDED`; None when Logto cannot say (down, or an answer that is
    not Logto's), which is never taken as an answer."""
    try:
        with read_cache.fresh():
            account = gateway.account(sub)
    except LogtoNotFound:
        return DELETED
    except LogtoError:
        return None
    return SUSPENDED if account.is_suspended else ACTIVE


def why_unlinked(sub: str) -> str:
    """Why a signed-in user's link to ``sub`` is gone, in the words of the "signed out" page:
    "unlinked" when an admin removed it, else what Logto says now of the account ("deleted": a
    deactivated local user loses its link too), else "ended"."""

    if AuditEvent.objects.filter(sub=sub, action=LINK_REMOVED_ACTION).exists():
        return "unlinked"
    status = account_status(sub)
    return status if status in (DELETED, SUSPENDED) else "ended"
