"""The adapter this site uses: the class ``ACCOUNT_CENTER_ADAPTER`` names (see
:mod:`account_center.adapter`).

Views and flows ask :func:`get_adapter`; the default adapter is built on the flows (step-up,
signing out elsewhere, the words for Logto's errors). Kept apart from the class, this module is
all the flows import, so the adapter and the flows never import each other; it types the adapter
by :class:`~account_center.adapter_protocol.AccountCenterAdapter`, so not even a type-only
import leads back to the class.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from .adapter_protocol import AccountCenterAdapter
from .conf.app_settings import app_settings


@lru_cache(maxsize=1)
def _adapter(path: str) -> AccountCenterAdapter:
    adapter: AccountCenterAdapter = import_string(path)()
    return adapter


def get_adapter() -> AccountCenterAdapter:
    """The adapter ``ACCOUNT_CENTER_ADAPTER`` names (one instance per class, made once)."""
    return _adapter(app_settings.ADAPTER)


@receiver(setting_changed)
def _reset_adapter(*, setting: str, **kwargs: Any) -> None:
    # The instance may have read settings when it was made: rebuild it after any change.
    if setting.startswith("ACCOUNT_CENTER_"):
        _adapter.cache_clear()
