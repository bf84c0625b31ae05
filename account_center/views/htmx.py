"""The one test of how a request wants its answer: a partial (htmx) or a whole page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def htmx_of(request: HttpRequest) -> Any:
    """django-htmx's details of a request that wants a partial, else ``None``.

    A boosted request is htmx's, but it expects a whole page, so it gets one.
    """
    htmx = getattr(request, "htmx", None)
    if not htmx or htmx.boosted:
        return None
    return htmx


def is_htmx(request: HttpRequest) -> bool:
    """Whether to answer with the partial alone (see :func:`htmx_of`)."""
    return htmx_of(request) is not None
