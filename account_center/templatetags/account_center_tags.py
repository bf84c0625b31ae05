"""Presentation helpers of the account center's templates: phone numbers, avatars, the host site."""

from __future__ import annotations

import hashlib
from typing import Any

from django import template
from django.contrib.messages import get_messages
from django.utils.translation import gettext as _

from ..conf import features
from ..conf.app_settings import app_settings
from ..flows import view_as
from ..flows.identity import DISPLAY_NAME_KEY
from ..flows.profile import formatted_address, initial_from_user
from ..formatting import international_phone
from ..forms.profile import PROFILE_GROUPS
from ..labels import PROFILE_LABELS
from ..profile_choices import GENDERS, locales

register = template.Library()

# Initials avatars take one of this many background colours, ``.ac-avatar--c0`` to
# ``.ac-avatar--c7`` in the stylesheet (classes, not inline styles, so a Content-Security-Policy
# without 'unsafe-inline' styles holds).
AVATAR_COLOURS = 8


@register.filter
def phone(value: object) -> str:
    """Logto's phone number in international format (``+44 20 7946 0958``)."""
    return international_phone(value)


@register.filter
def initials(name: object) -> str:
    """Up to two initials of a name (first letters of its first and last words)."""
    words = [w for w in str(name or "").split() if w[:1].isalnum()]
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()


@register.filter
def avatar_colour(user_id: object) -> str:
    """The class of a background colour derived from the Logto user id: stable for a user,
    varied across users."""
    digest = hashlib.sha256(str(user_id or "").encode()).digest()
    return f"ac-avatar--c{digest[0] % AVATAR_COLOURS}"


@register.simple_tag(takes_context=True)
def top_bar_name(context: template.Context) -> str:
    """The signed-in user's name as the account pages call them (Logto's profile name, kept in
    the session from sign-in and every read of the account); the local names otherwise."""
    request = context.get("request")
    session = getattr(request, "session", None)
    kept = session.get(DISPLAY_NAME_KEY) if session is not None else None
    user = context.get("user")
    if kept or user is None:
        return str(kept or "")
    return str(user.get_full_name() or user.get_username())


@register.simple_tag(takes_context=True)
def flash_messages(context: template.Context) -> Any:
    """Django's messages for this request (consumed: each is shown once); none without the
    messages middleware."""
    request = context.get("request")
    return get_messages(request) if request is not None else []


@register.simple_tag
def site_link() -> dict[str, str]:
    """The host site's URL and the link's words (``ACCOUNT_CENTER_SITE_URL``/``_SITE_NAME``)."""
    name = app_settings.SITE_NAME
    label = _("Back to %(site)s") % {"site": name} if name else _("Back to the site")
    return {"url": app_settings.SITE_URL, "label": label}


@register.filter
def profile_facts(account: Any) -> list[tuple[Any, list[tuple[Any, str]]]]:
    """The profile's filled-in fields as ``(group, [(label, value), ...])``, in the form's
    groups and words (gender, language and address as people read them)."""
    values = initial_from_user(account)
    address = account.profile.get("address") or {}
    shown = set(features.profile_fields())
    genders = dict(GENDERS)
    languages = dict(locales())
    groups = []
    for legend, names in PROFILE_GROUPS:
        rows: list[tuple[Any, str]] = []
        for name in names:
            key = "address" if name.startswith("address_") else name
            if key not in shown or name in ("name", "avatar", "gender_other"):
                continue
            if key == "address":
                continue
            value = str(values.get(name) or "")
            if not value:
                continue
            if name == "gender":
                value = str(genders.get(value, value))
            elif name == "locale":
                code = value
                if code in languages:
                    value = str(languages[code])
                elif code.split("-")[0] in languages:  # e.g. en-US: "English (en-US)"
                    value = f"{languages[code.split('-')[0]]} ({code})"
            elif name == "zoneinfo":
                value = value.replace("_", " ")
            rows.append((PROFILE_LABELS[name], value))
        if legend == PROFILE_GROUPS[2][0] and "address" in shown:
            line = address.get("formatted") or formatted_address(address)
            if line:
                rows.append((legend, line))
        if rows:
            groups.append((legend, rows))
    return groups


@register.filter
def feature_editable(names: str) -> bool:
    """``{% if "username"|feature_editable %}``: actions are offered only for what is Edit;
    ``"name,avatar"`` is true when any of them is (the server refuses the rest anyway)."""
    return any(features.editable(name.strip()) for name in str(names).split(","))


@register.filter
def feature_shown(names: str) -> bool:
    """``{% if "passkeys"|feature_shown %}``: hidden when Off (any of ``"a,b"`` not Off)."""
    return any(features.shown(name.strip()) for name in str(names).split(","))


@register.inclusion_tag("account_center/elements/view_as_banner.html", takes_context=True)
def view_as_banner(context: template.Context) -> dict[str, Any]:
    """The "viewing as" banner, while support views the account as its user (else nothing)."""
    request = context.get("request")
    banner = view_as.banner_context(request) if request is not None else None
    return {"request": request, "csrf_token": context.get("csrf_token"), **(banner or {})}
