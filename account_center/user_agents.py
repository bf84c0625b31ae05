"""A browser's user agent in words ("Firefox on Linux"), for sessions and recent activity.

Only the common browsers and systems are told apart; anything else is "Unknown browser" rather
than a guess. The order matters: Edge and Opera also say "Chrome", Chrome also says "Safari".
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

_BROWSERS = (
    (re.compile(r"Edg(e|A|iOS)?/"), "Edge"),
    (re.compile(r"OPR/|Opera"), "Opera"),
    (re.compile(r"SamsungBrowser/"), "Samsung Internet"),
    (re.compile(r"Firefox/|FxiOS/"), "Firefox"),
    (re.compile(r"HeadlessChrome/"), "Headless Chrome"),
    (re.compile(r"Chrome/|CriOS/|Chromium/"), "Chrome"),
    (re.compile(r"Version/[\d.]+.*Safari/"), "Safari"),
    (re.compile(r"^curl/"), "curl"),
    (re.compile(r"python-requests/"), "Python requests"),
)
_SYSTEMS = (
    (re.compile(r"iPhone"), "iPhone"),
    (re.compile(r"iPad"), "iPad"),
    (re.compile(r"Android"), "Android"),
    (re.compile(r"CrOS"), "ChromeOS"),
    (re.compile(r"Windows"), "Windows"),
    (re.compile(r"Mac OS X|Macintosh"), "macOS"),
    (re.compile(r"Linux|X11"), "Linux"),
)


def browser(user_agent: str) -> str | None:
    return next((name for pattern, name in _BROWSERS if pattern.search(user_agent)), None)


def system(user_agent: str) -> str | None:
    return next((name for pattern, name in _SYSTEMS if pattern.search(user_agent)), None)


def describe(user_agent: str | None) -> str:
    """``"Firefox on Linux"``, ``"Chrome"``, ``"a device on Windows"`` or ``"Unknown device"``."""
    agent = user_agent or ""
    return in_words(browser(agent), system(agent))


def in_words(name: str | None, platform: str | None) -> str:
    """A browser's and a system's names (:func:`browser`, :func:`system`) in words."""
    if name and platform:
        return _("%(browser)s on %(system)s") % {"browser": name, "system": platform}
    if name:
        return name
    if platform:
        return _("A browser on %(system)s") % {"system": platform}
    return _("Unknown device")
