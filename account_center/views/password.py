"""The password section of Sign-in & security: set or change it (step-up first)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters

from ..flows import password as password_flow
from ..forms.password import PasswordForm
from .security import SensitiveView


@method_decorator(sensitive_post_parameters("password", "confirm"), name="dispatch")
class PasswordView(SensitiveView):
    page_title = _("Password")
    feature_names = ("password",)
    partial = "account_center/partials/password.html"
    form_partial = "account_center/partials/password_form.html"
    target_id = "ac-password"

    def form_for(self, account: Any = None) -> PasswordForm:
        return PasswordForm()

    def post(self, request: HttpRequest) -> HttpResponse:
        form = PasswordForm(request.POST)
        if not form.is_valid():
            return self.show(self.form_partial, form=form)
        # The policy's reasons go next to the password; Logto's refusals above the form.
        with self.on_failure(self.form_partial, form=form):
            account, signed_out = password_flow.set_password(request, form.cleaned_data["password"])
        return self.done(account, signed_out_elsewhere=signed_out)
