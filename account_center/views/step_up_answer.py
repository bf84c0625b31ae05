"""The answer to a sensitive change made without a fresh verification: the step-up dialog (htmx)
or the step-up page (without JavaScript).

Below :class:`~account_center.views.base.AccountView`, whose one error path gives this answer,
and below the step-up view (``views/step_up.py``), which shows the same dialog.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django_htmx.http import reswap, retarget

from ..flows import reads, verification
from ..flows.identity import logto_user_id
from ..forms.step_up import StepUpCodeForm, StepUpPasswordForm
from ..redirects import safe_redirect_url
from .htmx import htmx_of

# Only ids we could have written ourselves go back into the page and the event.
_FORM_ID_RE = re.compile(r"^[A-Za-z][\w-]{0,63}$")
DIALOG_CONTENT = "#ac-step-up-content"  # inside the layout's <dialog id="ac-step-up">
PANEL_ID = "ac-step-up-panel"
# What a refused form may carry through the step-up round trip when the browser cannot keep it
# (no JavaScript, or signing in again): identifiers the user typed, kept in the session for the
# form's own page to show once. Never a password or a code; never in a URL (browser history and
# server logs keep those).
KEPT_FIELDS = ("username", "email", "phone")
TYPED_KEY = "account_center_typed_values"


def form_id_of(value: str | None) -> str:
    """``value`` if it is a plain element id, else ``""`` (then nothing is resumed)."""
    return value if value and _FORM_ID_RE.match(value) else ""


def overview_url() -> str:
    return reverse("account_center:overview")


def reauthenticate_url(next_url: str) -> str | None:
    try:
        return reverse("account_center:reauthenticate") + "?next=" + quote(next_url, safe="/")
    except NoReverseMatch:  # the sign-in area is not installed
        return None


def keep_typed_values(request: HttpRequest) -> bool:
    """Keep the refused POST's :data:`KEPT_FIELDS` for its page (:func:`take_typed_values`);
    answer whether there were any."""
    values = {}
    if request.method == "POST" and request.POST.get("action") != "remove":
        values = {k: request.POST[k][:256] for k in KEPT_FIELDS if request.POST.get(k, "").strip()}
    if values:
        request.session[TYPED_KEY] = {"path": request.path, "values": values}
    else:
        request.session.pop(TYPED_KEY, None)
    return bool(values)


def take_typed_values(request: HttpRequest) -> dict[str, str]:
    """The values kept for this page by :func:`keep_typed_values`, once."""
    kept = request.session.get(TYPED_KEY)
    if not isinstance(kept, dict) or kept.get("path") != request.path:
        return {}
    del request.session[TYPED_KEY]
    values = kept.get("values")
    return {k: str(v) for k, v in values.items() if k in KEPT_FIELDS} if values else {}


def _current_page(request: HttpRequest) -> str:
    """Where the user was (htmx tells us), checked to be on this host; path only."""
    htmx = htmx_of(request)
    current = getattr(htmx, "current_url_abs_path", None) if htmx else None
    return safe_redirect_url(request, current, overview_url())


def dialog_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    """What the dialog shows: the ways this user can verify, and where it goes on from."""
    user = reads.account(logto_user_id(request))
    next_url = extra.pop("next_url")
    return {
        "account": user,
        "methods": verification.available_methods(user),
        "next_url": next_url,
        "reauthenticate_url": extra.pop("reauthenticate_url", None)
        or reauthenticate_url(next_url),
        "code_sent": request.session.get(verification.CODE_SENT_KEY),
        "password_form": extra.pop("password_form", None) or StepUpPasswordForm(),
        "code_form": extra.pop("code_form", None) or StepUpCodeForm(),
        **extra,
    }


def refuse(request: HttpRequest) -> HttpResponse:
    """Answer a sensitive POST made without a fresh verification."""
    htmx = htmx_of(request)
    if htmx is not None:
        form_id = form_id_of(htmx.trigger)
        # Signing in again leaves the page: come back to the form's own page, refilled.
        again = reauthenticate_url(safe_redirect_url(request, request.path, overview_url()))
        extra = {"reauthenticate_url": again} if keep_typed_values(request) else {}
        context = reads.or_none(
            lambda: dialog_context(
                request, next_url=_current_page(request), form_id=form_id, **extra
            )
        )
        if context is None:
            response = render(
                request,
                "account_center/partials/unavailable.html",
                {"target_id": PANEL_ID},
                status=503,
            )
        else:
            response = render(request, "account_center/partials/step_up.html", context)
        # Into the dialog, not over the refused form: what the user typed stays where it is.
        return reswap(retarget(response, DIALOG_CONTENT), "innerHTML")
    keep_typed_values(request)
    next_url = safe_redirect_url(request, request.path, overview_url())
    return HttpResponseRedirect(reverse("account_center:step_up") + "?next=" + quote(next_url))
