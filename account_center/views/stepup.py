"""The step-up dialog (with htmx) and page (without JavaScript).

A sensitive htmx POST made without a fresh verification is answered with the verification panel,
retargeted into the layout's ``<dialog id="ac-step-up">``: the refused form stays in the page as
the user filled it, and nothing of it is kept on the server. The panel carries the refused form's
id (htmx's ``HX-Trigger``); a successful verification answers with the ``accountCenterVerified``
event naming that form, and ``account_center.js`` closes the dialog and submits the form again,
where the server checks step-up once more.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from django_htmx.http import (
    HttpResponseClientRedirect,
    reswap,
    retarget,
    trigger_client_event,
)

from ..flows import stepup, verification
from ..flows.identity import logto_user_id
from ..formatting import international_phone
from ..forms import StepUpCodeForm, StepUpPasswordForm
from ..logto.client import get_client
from ..redirects import safe_redirect_url
from .base import AccountView, is_htmx

# Only ids we could have written ourselves go back into the page and the event.
_FORM_ID_RE = re.compile(r"^[A-Za-z][\w-]{0,63}$")
DIALOG_CONTENT = "#ac-step-up-content"  # inside the layout's <dialog id="ac-step-up">
PANEL_ID = "ac-step-up-panel"
VERIFIED_EVENT = "accountCenterVerified"
# What a refused form may carry through the step-up round trip when the browser cannot keep it
# (no JavaScript, or signing in again): identifiers the user typed, kept in the session for the
# form's own page to show once. Never a password or a code; never in a URL (browser history and
# server logs keep those).
KEPT_FIELDS = ("username", "email", "phone")
TYPED_KEY = "account_center_typed_values"


def _form_id(value: str | None) -> str:
    """``value`` if it is a plain element id, else ``""`` (then nothing is resumed)."""
    return value if value and _FORM_ID_RE.match(value) else ""


def _overview() -> str:
    return reverse("account_center:overview")


def _reauthenticate_url(next_url: str) -> str | None:
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
    htmx = getattr(request, "htmx", None)
    current = getattr(htmx, "current_url_abs_path", None) if htmx else None
    return safe_redirect_url(request, current, _overview())


def _dialog_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    user = get_client().get_user(logto_user_id(request))
    next_url = extra.pop("next_url")
    return {
        "account": user,
        "methods": verification.available_methods(user),
        "next_url": next_url,
        "reauthenticate_url": extra.pop("reauthenticate_url", None)
        or _reauthenticate_url(next_url),
        "code_sent": request.session.get(verification.CODE_SENT_KEY),
        "password_form": extra.pop("password_form", None) or StepUpPasswordForm(),
        "code_form": extra.pop("code_form", None) or StepUpCodeForm(),
        **extra,
    }


def refuse(request: HttpRequest) -> HttpResponse:
    """Answer a sensitive POST made without a fresh verification."""
    if is_htmx(request):
        form_id = _form_id(getattr(request, "htmx").trigger)  # noqa: B009 - HttpRequest has no htmx type
        # Signing in again leaves the page: come back to the form's own page, refilled.
        again = _reauthenticate_url(safe_redirect_url(request, request.path, _overview()))
        extra = {"reauthenticate_url": again} if keep_typed_values(request) else {}
        context = AccountView.or_none(
            lambda: _dialog_context(
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
    next_url = safe_redirect_url(request, request.path, _overview())
    return HttpResponseRedirect(reverse("account_center:step_up") + "?next=" + quote(next_url))


@method_decorator(sensitive_post_parameters("password", "code"), name="dispatch")
class StepUpView(AccountView):
    """``GET`` shows the ways to verify; ``POST`` checks one of them."""

    page_title = _("Confirm it's you")
    nav_current = ""  # not a section of the menu
    page_template = "account_center/step_up_page.html"

    def _next(self) -> str:
        raw = self.request.POST.get("next") or self.request.GET.get("next")
        return safe_redirect_url(self.request, raw, _overview())

    def _show(self, status: int = 200, **extra: Any) -> HttpResponse:
        request = self.request
        form_id = _form_id(request.POST.get("form_id") or request.GET.get("form_id"))
        context = self.or_none(
            lambda: _dialog_context(request, next_url=self._next(), form_id=form_id, **extra)
        )
        if context is None:
            return self.respond(
                "account_center/partials/unavailable.html", status=503, target_id=PANEL_ID
            )
        return self.respond("account_center/partials/step_up.html", status=status, **context)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._show()

    def post(self, request: HttpRequest) -> HttpResponse:
        action = request.POST.get("action", "")
        password_form = StepUpPasswordForm(request.POST) if action == "password" else None
        verifying = action in ("verify_email", "verify_phone")
        code_form = StepUpCodeForm(request.POST) if verifying else None
        # A refusal goes next to the field it concerns, else above the dialog's forms; Logto
        # refusing (e.g. no email connector) is said and the dialog stays usable.
        with self.on_failure(
            self._show,
            form=code_form or password_form,
            form_name="code_form" if verifying else "password_form",
            password_form=password_form,
        ):
            if password_form is not None:
                if not password_form.is_valid():
                    return self._show(password_form=password_form)
                verification.verify_password(request, password_form.cleaned_data["password"])
            elif action in ("send_email", "send_phone"):
                user = get_client().get_user(self.sub)
                method = action.removeprefix("send_")
                verification.send_code(request, user, method)
                target = (
                    user.primary_email
                    if method == "email"
                    else international_phone(user.primary_phone)
                )
                return self._show(notice=_("We sent a code to %(target)s.") % {"target": target})
            elif code_form is not None:
                if not code_form.is_valid():
                    return self._show(code_form=code_form)
                user = get_client().get_user(self.sub)
                verification.verify_code(
                    request, user, action.removeprefix("verify_"), code_form.cleaned_data["code"]
                )
            else:
                return self._show()
        return self._succeeded()

    def _succeeded(self) -> HttpResponse:
        request = self.request
        form_id = _form_id(request.POST.get("form_id"))
        if is_htmx(request) and form_id:
            # The browser re-submits the refused form, which it kept; we only name it.
            request.session.pop(TYPED_KEY, None)
            response = render(request, "account_center/partials/step_up_verified.html")
            return trigger_client_event(response, VERIFIED_EVENT, {"formId": form_id})
        messages.success(request, _("Confirmed. You can go on now."), fail_silently=True)
        if is_htmx(request):
            return HttpResponseClientRedirect(self._next())
        return HttpResponseRedirect(self._next())
