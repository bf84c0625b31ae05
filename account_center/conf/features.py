"""Off, ReadOnly or Edit for every part of the account center, as Logto's own account center
controls its fields (``AccountCenterControlValue``).

A *feature* is one name: ``name``, ``avatar``, ``profile.<field>`` for each profile field,
``custom_data.<key>`` for each custom-data field, ``username``, ``email``, ``phone``,
``password``, ``social``, ``enterprise_sso``, ``mfa``, ``passkeys``, ``tokens``, ``sessions``,
``apps`` (connected apps), ``trusted_devices`` (remembered devices), ``organizations`` (the
overview's read-only card), ``deletion``. ``profile`` and ``custom_data`` set every field of their group at once.

Where a level comes from, first found wins: the superuser's choice on the admin settings page
(:mod:`account_center.conf.site_settings`), ``ACCOUNT_CENTER_FEATURES``, the deprecated
``ACCOUNT_CENTER_SECTIONS`` / ``ACCOUNT_CENTER_PROFILE_FIELDS``, then Edit.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import tenant_fields
from .app_settings import PROFILE_FIELDS, app_settings
from ..labels import PROFILE_LABELS

OFF, READ_ONLY, EDIT = "off", "readonly", "edit"
LEVELS = (OFF, READ_ONLY, EDIT)
LEVEL_LABELS = {OFF: _("Off"), READ_ONLY: _("Read-only"), EDIT: _("Edit")}
_RANK = {OFF: 0, READ_ONLY: 1, EDIT: 2}

# The menu's sections (a page each, named as their URL) and the features each shows; also what
# each name of the deprecated ACCOUNT_CENTER_SECTIONS switched on or off.
SECTION_FEATURES: dict[str, tuple[str, ...]] = {
    "profile": ("name", "avatar", "profile", "custom_data"),
    "security": ("username", "email", "phone", "password"),
    "mfa": ("mfa", "passkeys"),
    "social": ("social", "enterprise_sso"),
    "tokens": ("tokens",),
    "sessions": ("sessions",),
    "apps": ("apps",),
    "trusted_devices": ("trusted_devices",),
    "deletion": ("deletion",),
}
SECTIONS = tuple(SECTION_FEATURES)
# ACCOUNT_CENTER_SECTIONS may name three sections as they were named before 0.1.0.
OLD_SECTION_NAMES = {"mfa": "two_step", "social": "connections", "deletion": "danger"}

FIXED_LABELS: dict[str, Any] = {
    "name": _("Name"),
    "avatar": _("Profile picture"),
    "address": _("Address"),  # the profile form labels its parts, not the whole
    "username": _("Username"),
    "email": _("Email address"),
    "phone": _("Phone number"),
    "password": _("Password"),
    "social": _("Linked social accounts"),
    "enterprise_sso": _("Organisation sign-in (enterprise SSO)"),
    "mfa": _("Two-step verification"),
    "passkeys": _("Passkeys"),
    "tokens": _("Developer tokens"),
    "sessions": pgettext_lazy("account center", "Sessions"),
    "apps": _("Connected apps"),
    "trusted_devices": _("Remembered devices"),
    "organizations": _("Organizations"),
    "deletion": _("Account deletion"),
}
# Enterprise SSO identities belong to the organisation, and membership of an organization to its
# admins: Logto offers the user no change to them, so Edit means the same as ReadOnly there.
READ_ONLY_BY_NATURE = frozenset({"enterprise_sso", "organizations"})


def normalise(value: Any) -> str | None:
    """``"ReadOnly"``, ``"read_only"``, ``"readonly"`` ... as one of :data:`LEVELS`, else None."""
    text = str(value or "").strip().lower().replace("_", "").replace("-", "")
    return text if text in LEVELS else None


def profile_field_names() -> tuple[str, ...]:
    """Profile fields other than name and avatar (those have a feature of their own)."""
    return tuple(name for name in PROFILE_FIELDS if name not in ("name", "avatar"))


def custom_data_keys() -> tuple[str, ...]:
    return tuple(
        str(spec["key"]) for spec in getattr(settings, "ACCOUNT_CENTER_CUSTOM_DATA_FIELDS", [])
    )


def all_features() -> list[tuple[str, Any]]:
    """Every feature name with its label, in the order of the pages."""
    found: list[tuple[str, Any]] = [
        ("name", FIXED_LABELS["name"]),
        ("avatar", FIXED_LABELS["avatar"]),
    ]
    found += [
        (f"profile.{name}", PROFILE_LABELS.get(name) or FIXED_LABELS.get(name, name))
        for name in profile_field_names()
    ]
    labels = {
        str(spec["key"]): spec.get("label") or spec["key"]
        for spec in getattr(settings, "ACCOUNT_CENTER_CUSTOM_DATA_FIELDS", [])
    }
    found += [(f"custom_data.{key}", labels[key]) for key in custom_data_keys()]
    found += [
        (name, label)
        for name, label in FIXED_LABELS.items()
        if name not in ("name", "avatar", "address")
    ]
    return found


def _group(feature: str) -> str | None:
    head, dot, _rest = feature.partition(".")
    return head if dot else None


def configured_defaults() -> dict[str, str]:
    """The levels the Django settings give (deprecated settings first, so the new one wins)."""
    levels: dict[str, str] = {}
    sections = getattr(settings, "ACCOUNT_CENTER_SECTIONS", None)
    if sections is not None:
        for section, features in SECTION_FEATURES.items():
            old = OLD_SECTION_NAMES.get(section)
            if section not in sections and (old is None or old not in sections):
                levels.update(dict.fromkeys(features, OFF))
    fields = getattr(settings, "ACCOUNT_CENTER_PROFILE_FIELDS", None)
    if fields is not None:
        for name in ("name", "avatar"):
            if name not in fields:
                levels[name] = OFF
        for name in profile_field_names():
            if name not in fields:
                levels[f"profile.{name}"] = OFF
    for name, value in (getattr(settings, "ACCOUNT_CENTER_FEATURES", None) or {}).items():
        level = normalise(value)
        if level is not None:
            levels[str(name)] = level
    return levels


def _lookup(levels: dict[str, str], feature: str) -> str | None:
    if feature in levels:
        return levels[feature]
    group = _group(feature)
    return levels.get(group) if group else None


def default_level(feature: str) -> str:
    """The level without the admin page's override: what its "default" choice means."""
    return _lookup(configured_defaults(), feature) or EDIT


def level(feature: str) -> str:
    """The level in force for ``feature`` (a group name stands for its most open member)."""
    if feature in ("profile", "custom_data"):
        members = profile_field_names() if feature == "profile" else custom_data_keys()
        return best(f"{feature}.{name}" for name in members)
    overridden = _lookup(app_settings.FEATURE_LEVELS, feature)
    found = overridden or default_level(feature)
    if feature in READ_ONLY_BY_NATURE and found == EDIT:
        return READ_ONLY
    # Never more open than Logto's own settings allow (the Account API as gateway).
    return tenant_fields.at_most(feature, found)


def best(features: Iterable[str]) -> str:
    """The most open level among ``features`` (Off when there are none)."""
    return max((level(name) for name in features), key=_RANK.__getitem__, default=OFF)


def shown(feature: str) -> bool:
    return level(feature) != OFF


def editable(feature: str) -> bool:
    return level(feature) == EDIT


def profile_feature(field: str) -> str:
    """The feature of a profile field (name and avatar have their own)."""
    return field if field in ("name", "avatar") else f"profile.{field}"


def profile_fields(*, edit: bool = False) -> tuple[str, ...]:
    """The profile fields shown, or with ``edit`` the editable ones, in the form's order."""
    wanted = editable if edit else shown
    return tuple(name for name in PROFILE_FIELDS if wanted(profile_feature(name)))


def custom_data_fields(*, edit: bool = False) -> list[dict[str, Any]]:
    """The custom-data field specs shown, or with ``edit`` the editable ones."""
    wanted = editable if edit else shown
    specs = getattr(settings, "ACCOUNT_CENTER_CUSTOM_DATA_FIELDS", [])
    return [spec for spec in specs if wanted(f"custom_data.{spec['key']}")]


def section_shown(section: str) -> bool:
    """A section (menu item, page) is shown while any of its features is."""
    return best(SECTION_FEATURES.get(section, ())) != OFF


def shown_sections() -> tuple[str, ...]:
    return tuple(section for section in SECTIONS if section_shown(section))
