"""The one check every redirect target of the account center goes through."""

from __future__ import annotations

from typing import TypeVar

from django.http import HttpRequest

from .site_adapter import get_adapter

D = TypeVar("D", str, None)


def safe_redirect_url(request: HttpRequest, url: str | None, default: D) -> str | D:
    """``url`` when the adapter finds it safe (this site, same or safer scheme), else ``default``."""
    if url and get_adapter().is_safe_url(request, url):
        return url
    return default
