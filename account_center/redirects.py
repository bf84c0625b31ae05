"""The one check every redirect target of the account center goes through."""

from __future__ import annotations

from typing import TypeVar

from django.http import HttpRequest

D = TypeVar("D", str, None)


def safe_redirect_url(request: HttpRequest, url: str | None, default: D) -> str | D:
    """``url`` when the adapter finds it safe (this site, same or safer scheme), else ``default``."""
    from .adapter import get_adapter

    if url and get_adapter().is_safe_url(request, url):
        return url
    return default
