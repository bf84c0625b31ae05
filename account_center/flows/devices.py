"""The devices and browsers each user signed in from, so that a sign-in from a new one is told
to the user by mail (the ``new_device`` security alert), as Google and GitHub do.

A device is what the user agent says in names: the browser and the system ("Firefox", "Linux"),
the same words the sessions and activity pages show. Kept in a small table of its own rather
than read back from the audit trail's sign-ins: that trail keeps whole user agents, a new
browser version would read as a new device, and every sign-in would scan the user's history.
The first sign-in a user ever makes (or the first after this table came) sends nothing: every
device is new then.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from .. import clock
from ..models import KnownDevice
from ..user_agents import browser, in_words, system


def _names(user_agent: str | None) -> tuple[str, str]:
    agent = user_agent or ""
    return (browser(agent) or "")[:64], (system(agent) or "")[:64]


def note_sign_in(sub: str, user_agent: str | None) -> bool:
    """Remember that ``sub`` signed in from this device; answers True when the user had signed in
    before, but never from it."""
    name, platform = _names(user_agent)
    known = KnownDevice.objects.filter(sub=sub)
    if known.filter(browser=name, system=platform).update(last_seen=clock.utcnow()):
        return False
    first_ever = not known.exists()
    try:
        with transaction.atomic():
            KnownDevice.objects.create(sub=sub, browser=name, system=platform)
    except IntegrityError:
        return False  # a sign-in from the same device raced this one and told the user
    return not first_ever


def forget(sub: str) -> None:
    """The account is gone: its devices too."""
    KnownDevice.objects.filter(sub=sub).delete()


def for_download(sub: str) -> list[dict[str, Any]]:
    """The user's known devices as "Download my data" holds them: names and dates only."""
    rows = []
    for device in KnownDevice.objects.filter(sub=sub).order_by("-last_seen", "pk"):
        rows.append(
            {
                "device": in_words(device.browser, device.system),
                "browser": device.browser,
                "system": device.system,
                "first_seen": device.first_seen,
                "last_seen": device.last_seen,
            }
        )
    return rows
