"""Who the signed-in user is at Logto, and where the request comes from."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from ..site_adapter import get_adapter

ACTIVE, DELETED, SUSPENDED = "active", "deleted", "suspended"
# The audit action of an admin removing a user's link: it also lets that user's next sign-in link
# the same local user again (adapter.create_user).
LINK_REMOVED_ACTION = "identity_link_deleted"
# The Logto user a session signed in as, kept in the session at sign-in (auth/backends.py).
SIGNED_IN_SUB_KEY = "account_center_sub"
# Session key: the name the top bar shows, Logto's profile name (else username) as last read.
DISPLAY_NAME_KEY = "account_center_display_name"


def logto_user_id(request: HttpRequest) -> str:
    """The signed-in user's Logto id (``sub``), from the local link, never from the request."""
    user = getattr(request, "user", None)
    identity = getattr(user, "logto_identity", None) if user is not None else None
    if not user or not user.is_authenticated or identity is None:
        # A local-only user (e.g. a superuser made with createsuperuser) has no Logto account.
        raise PermissionDenied("No Logto account is linked to this user.")
    return identity.sub


def link_removed(request: HttpRequest) -> bool:
    """True when this session signed in with Logto but its user is no longer linked to that
    Logto user (an admin removed the link): it must end, since every account page needs the link.
    A user signed in otherwise (the admin's password form) never had one to lose."""
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    if user is None or session is None or not user.is_authenticated:
        return False
    signed_in_as = session.get(SIGNED_IN_SUB_KEY)
    if not signed_in_as:
        return False
    identity = getattr(user, "logto_identity", None)
    return identity is None or identity.sub != signed_in_as


def display_name_of(name: object, username: object) -> str:
    """What the account center calls the user: the profile name, as the page heading does."""
    return str(name or username or "")


def remember_display_name(request: HttpRequest, name: str) -> bool:
    """Keep ``name`` for the top bar; answer whether it changed."""
    session = getattr(request, "session", None)
    if session is None or not name or session.get(DISPLAY_NAME_KEY) == name:
        return False
    session[DISPLAY_NAME_KEY] = name
    return True


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as the adapter decides (``REMOTE_ADDR`` unless proxies are trusted)."""
    return get_adapter().get_client_ip(request)
