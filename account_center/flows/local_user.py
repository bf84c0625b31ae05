"""The local copy of a user's Logto details (name, email), for the admin and mails.

Logto's username is never copied to the Django ``username``: that stays the adapter's
``logto_<sub>`` (unique, stable, and nothing a user chooses). A Logto user free to rename
themselves ``admin``, or to a name a local account already holds, would otherwise pose as it
in the admin, or fail every save of theirs with a unique-constraint error. The admin reads
Logto's username from Logto.
"""

from __future__ import annotations

from typing import Any

from ..models import LogtoIdentity
from ..site_adapter import get_adapter
from .sign_out_elsewhere import ADMIN, end_sessions


def apply_details(identity: LogtoIdentity, details: dict[str, Any]) -> list[str]:
    """Copy Logto's ``primaryEmail`` and ``name`` (Logto's JSON keys) onto the local user; answer
    the fields that changed. Identity stays the ``sub``: neither is one, nor is the username,
    which is never copied (see the module's docstring)."""
    claims = {
        "sub": identity.sub,
        "email": details.get("primaryEmail") or "",
        "name": details.get("name"),
    }
    user = identity.user
    fields = get_adapter().user_fields(claims)
    changed = [name for name, value in fields.items() if getattr(user, name, value) != value]
    for name in changed:
        setattr(user, name, fields[name])
    if changed:
        user.save(update_fields=changed)
    return changed


def sign_out_here(identity: LogtoIdentity) -> None:
    """Every Django session of the user ends at its next request (the session epoch), told that
    an administrator signed them out (or, once Logto says so, that the account is suspended or
    gone): the admin's actions and Logto's webhooks call this."""
    end_sessions(identity, ADMIN)
