"""System checks of the per-feature settings (Off / ReadOnly / Edit).

Ids: ``account_center.W101`` (a deprecated setting is in use), ``account_center.E101`` (a level
that is not off, readonly or edit), ``account_center.W102`` (a feature name nobody reads).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register

from . import features


def _suggested() -> str:
    """``ACCOUNT_CENTER_FEATURES`` equivalent to the deprecated settings, to paste."""
    levels = {
        key: value for key, value in features.configured_defaults().items() if value == features.OFF
    }
    return f"ACCOUNT_CENTER_FEATURES = {levels!r}" if levels else "ACCOUNT_CENTER_FEATURES = {}"


def _deprecations() -> list[CheckMessage]:
    found: list[CheckMessage] = []
    for name in ("ACCOUNT_CENTER_SECTIONS", "ACCOUNT_CENTER_PROFILE_FIELDS"):
        if hasattr(settings, name):
            found.append(
                Warning(
                    f"{name} is deprecated; it is still honoured, as Off for what it leaves out.",
                    hint=f"Remove {name} and set the same with "
                    f"{_suggested()} (values 'off', 'readonly' or 'edit' per feature; "
                    "see the documentation, 'Off, read-only or editable').",
                    id="account_center.W101",
                )
            )
    return found


def _feature_errors() -> list[CheckMessage]:
    given = getattr(settings, "ACCOUNT_CENTER_FEATURES", None) or {}
    if not isinstance(given, dict):
        return [
            Error(
                "ACCOUNT_CENTER_FEATURES must be a dict of feature name to level.",
                hint="e.g. {'username': 'readonly', 'tokens': 'off'}",
                id="account_center.E101",
            )
        ]
    known = {name for name, _label in features.all_features()} | {"profile", "custom_data"}
    found: list[CheckMessage] = []
    for name, value in given.items():
        if features.normalise(value) is None:
            found.append(
                Error(
                    f"ACCOUNT_CENTER_FEATURES[{name!r}] is {value!r}.",
                    hint="Use 'off', 'readonly' or 'edit'.",
                    id="account_center.E101",
                )
            )
        if name not in known:
            found.append(
                Warning(
                    f"ACCOUNT_CENTER_FEATURES names {name!r}, which is no feature.",
                    hint="Known: " + ", ".join(sorted(known)),
                    id="account_center.W102",
                )
            )
    return found


@register()
def check_features(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Levels of ``ACCOUNT_CENTER_FEATURES`` and the settings it replaces."""
    return [*_deprecations(), *_feature_errors()]
