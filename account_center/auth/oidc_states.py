"""Our fields on the ``oidc_states`` entry mozilla-django-oidc keeps in the session for each trip
to Logto: why the trip was made and where to come back to. Written by the sign-in views and by
the middleware's silent refresh, read when Logto sends the browser back."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.http import HttpRequest


def _state_of(redirect_url: str) -> str:
    return parse_qs(urlsplit(redirect_url).query).get("state", [""])[0]


def annotate_state(request: HttpRequest, redirect_url: str, **extra: Any) -> None:
    """Add our fields to the ``oidc_states`` entry mozilla just created for this redirect."""
    state = _state_of(redirect_url)
    states = request.session.get("oidc_states") or {}
    if state in states:
        states[state].update(extra)
        request.session["oidc_states"] = states
        request.session.modified = True
