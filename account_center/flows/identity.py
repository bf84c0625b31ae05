"""Who the signed-in user is at Logto, and where the request comes from."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest


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
    from ..adapter import get_adapter

    return get_adapter().get_client_ip(request)
