"""Real values for the profile form's lists: languages from Django's own table, time zones from
the IANA database (``zoneinfo``), and the gender choices OpenID Connect names."""

from __future__ import annotations

import re
import zoneinfo
from functools import cache

from django.conf.locale import LANG_INFO
from django.utils.translation import gettext_lazy as _

GENDERS = (("female", _("Female")), ("male", _("Male")))
OTHER = "other"
_BCP47 = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def bcp47(code: str) -> str:
    """Django's ``pt-br``/``zh-hans`` as BCP 47 writes them: ``pt-BR``, ``zh-Hans``."""
    parts = code.split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        out.append(part.upper() if len(part) == 2 else part.title() if len(part) == 4 else part)
    return "-".join(out)


@cache
def locales() -> tuple[tuple[str, str], ...]:
    """``(code, "Local name (English name)")`` for every language Django knows, by code."""
    items = []
    for code, info in LANG_INFO.items():
        if "name" not in info:  # fallback entries such as "zh-cn" -> "zh-hans"
            continue
        local, english = info.get("name_local") or info["name"], info["name"]
        label = local if local == english else f"{local} ({english})"
        items.append((bcp47(code), label))
    return tuple(sorted(items))


def normalise_locale(value: str) -> str | None:
    """The BCP 47 form of ``value`` when its language is a real one (``en-US`` is fine: ``en``
    is), else ``None``."""
    text = value.strip().replace("_", "-")
    if not _BCP47.match(text):
        return None
    known = {code.lower(): code for code, _label in locales()}
    if text.lower() in known:
        return known[text.lower()]
    if text.split("-")[0].lower() in known:
        return bcp47(text)
    return None


@cache
def time_zones() -> tuple[str, ...]:
    """IANA time zone names, without the legacy aliases (``US/Pacific``, ``Etc/GMT+1`` ...)."""
    names = zoneinfo.available_timezones()
    return tuple(
        sorted(
            n
            for n in names
            if "/" in n and not n.startswith(("Etc/", "SystemV/", "US/", "posix/", "right/"))
        )
        + ["UTC"]
    )
