"""The local copy of a user's Logto details (name, email, username), for the admin and mails."""

from __future__ import annotations

from typing import Any

from django.db.models import F

from ..models import LogtoIdentity
from ..site_adapter import get_adapter


def apply_details(identity: LogtoIdentity, details: dict[str, Any]) -> list[str]:
    """Copy Logto's ``primaryEmail``, ``name`` and ``username`` (Logto's JSON keys) onto the local
    user; answer the fields that changed. Identity stays the ``sub``: none of these is one."""
    claims = {
        "sub": identity.sub,
        "email": details.get("primaryEmail") or "",
        "name": details.get("name"),
    }
    user = identity.user
    fields = get_adapter().user_fields(claims)
    username = details.get("username")
    if username and hasattr(user, "username"):
        fields.setdefault("username", str(username)[:150])
    changed = [name for name, value in fields.items() if getattr(user, name, value) != value]
    for name in changed:
        setattr(user, name, fields[name])
    if changed:
        user.save(update_fields=changed)
    return changed


def sign_out_here(identity: LogtoIdentity) -> None:
    """Every Django session of the user ends at its next request (the session epoch)."""
    LogtoIdentity.objects.filter(pk=identity.pk).update(session_epoch=F("session_epoch") + 1)
