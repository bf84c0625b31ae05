"""The step-up dialog (with htmx) and page (without JavaScript): where the user verifies.

A sensitive htmx POST made without a fresh verification is answered with the verification panel
(``views/step_up_answer.py``),
retargeted into the layout's ``<dialog id="ac-step-up">``: the refused form stays in the page as
the user filled it, and nothing of it is kept on the server. The panel carries the refused form's
id (htmx's ``HX-Trigger``); a successful verification answers with the ``accountCenterVerified``
event naming that form, and ``account_center.js`` closes the dialog and submits the form again,
where the server checks step-up once more.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from django_htmx.http import trigger_client_event

from ..flows import reads, verification
from ..flows.messages import UNAVAILABLE
from ..formatting import international_phone
from ..forms.step_up import StepUpCodeForm, StepUpPasswordForm
from ..redirects import safe_redirect_url
from .base import AccountView
from .htmx import is_htmx
from .step_up_answer import (
    PANEL_ID,
    TYPED_KEY,
    dialog_context,
    form_id_of,
    overview_url,
)

VERIFIED_EVENT = "accountCenterVerified"


@method_decorator(sensitive_post_parameters("password", "code"), name="dispatch")
class StepUpView(AccountView):
    """``GET`` shows the ways to verify; ``POST`` checks one of them."""

    page_title = _("Confirm it's you")
    nav_current = ""  # not a section of the menu
    page_template = "account_center/step_up.html"
    partial = "account_center/partials/step_up.html"

    def _next(self) -> str:
        raw = self.request.POST.get("next") or self.request.GET.get("next")
        return safe_redirect_url(self.request, raw, overview_url())

    def section_context(self, partial: str, status: int, extra: dict[str, Any]) -> dict[str, Any]:
        request = self.request
        form_id = form_id_of(request.POST.get("form_id") or request.GET.get("form_id"))
        context = self.or_none(
            lambda: dialog_context(request, next_url=self._next(), form_id=form_id, **extra)
        )
        if context is None:
            unavailable = "account_center/partials/unavailable.html"
            return {"partial": unavailable, "target_id": PANEL_ID, "unavailable": UNAVAILABLE}
        return context

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.show()

    def post(self, request: HttpRequest) -> HttpResponse:
        action = request.POST.get("action", "")
        password_form = StepUpPasswordForm(request.POST) if action == "password" else None
        verifying = action in ("verify_email", "verify_phone")
        code_form = StepUpCodeForm(request.POST) if verifying else None
        # A refusal goes next to the field it concerns, else above the dialog's forms; Logto
        # refusing (e.g. no email connector) is said and the dialog stays usable.
        with self.on_failure(
            form=code_form or password_form,
            form_name="code_form" if verifying else "password_form",
            password_form=password_form,
        ):
            if password_form is not None:
                if not password_form.is_valid():
                    return self.show(password_form=password_form)
                verification.verify_password(request, password_form.cleaned_data["password"])
            elif action in ("send_email", "send_phone"):
                user = reads.account(self.sub)
                method = action.removeprefix("send_")
                verification.send_code(request, user, method)
                target = (
                    user.primary_email
                    if method == "email"
                    else international_phone(user.primary_phone)
                )
                return self.show(notice=_("We sent a code to %(target)s.") % {"target": target})
            elif code_form is not None:
                if not code_form.is_valid():
                    return self.show(code_form=code_form)
                user = reads.account(self.sub)
                verification.verify_code(
                    request, user, action.removeprefix("verify_"), code_form.cleaned_data["code"]
                )
            else:
                return self.show()
        return self._succeeded()

    def _succeeded(self) -> HttpResponse:
        request = self.request
        form_id = form_id_of(request.POST.get("form_id"))
        if is_htmx(request) and form_id:
            # The browser re-submits the refused form, which it kept; we only name it.
            request.session.pop(TYPED_KEY, None)
            response = render(request, "account_center/partials/step_up_verified.html")
            return trigger_client_event(response, VERIFIED_EVENT, {"formId": form_id})
        return self.go_to(self._next(), said=_("Confirmed. You can go on now."))
