"""The adapter this site uses: the class ``ACCOUNT_CENTER_ADAPTER`` names (see
:mod:`account_center.adapter`).

Views and flows ask :func:`get_adapter`; the default adapter is built on the flows (step-up,
signing out elsewhere, the words for Logto's errors). Kept apart from the class, this module is
all the flows import, so the adapter and the flows never import each other.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from .conf.app_settings import app_settings

if TYPE_CHECKING:
    from .adapter import DefaultAccountCenterAdapter


@lru_cache(maxsize=1)
def _adapter(path: str) -> DefaultAccountCenterAdapter:
    adapter: DefaultAccountCenterAdapter = import_string(path)()
    return adapter


def get_adapter() -> DefaultAccountCenterAdapter:
    """The adapter ``ACCOUNT_CENTER_ADAPTER`` names (one instance per class, made once)."""
    return _adapter(app_settings.ADAPTER)


@receiver(setting_changed)
def _reset_adapter(*, setting: str, **kwargs: Any) -> None:
    # The instance may have read settings when it was made: rebuild it after any change.
    if setting.startswith("ACCOUNT_CENTER_"):
        _adapter.cache_clear()
