"""Who the signed-in user is at Logto, and where the request comes from."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from ..logto import read_cache
from ..logto.client import get_client
from ..logto.errors import LogtoError, LogtoNotFound
from ..site_adapter import get_adapter

ACTIVE, DELETED, SUSPENDED = "active", "deleted", "suspended"


def logto_user_id(request: HttpRequest) -> str:
    """The signed-in user's Logto id (``sub``), from the local link, never from the request."""
    user = getattr(request, "user", None)
    identity = getattr(user, "logto_identity", None) if user is not None else None
    if not user or not user.is_authenticated or identity is None:
        # A local-only user (e.g. a superuser made with createsuperuser) has no Logto account.
        raise PermissionDenied("No Logto account is linked to this user.")
    return identity.sub


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as the adapter decides (``REMOTE_ADDR`` unless proxies are trusted)."""
    return get_adapter().get_client_ip(request)


def account_status(sub: str) -> str | None:
    """Logto's word now (past the kept reads) on the user's account: :data:`ACTIVE`,
    :data:`DELETED` or :data:`SUSPENDED`; None when Logto cannot say (down, or an answer that is
    not Logto's), which is never taken as an answer."""
    try:
        with read_cache.fresh():
            account = get_client().get_user(sub)
    except LogtoNotFound:
        return DELETED
    except LogtoError:
        return None
    return SUSPENDED if account.is_suspended else ACTIVE
