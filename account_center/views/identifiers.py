"""The identifiers of Sign-in & security: username, email address and phone number, each edited
in place (a new email or phone verified by a code first)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters

from .. import ratelimit
from ..flows import identifiers, reads, sign_out_elsewhere
from ..formatting import international_phone
from ..forms.base import CodeForm
from ..forms.identifiers import EmailForm, PhoneForm, UsernameForm
from ..logto.errors import LogtoAPIError
from ..site_adapter import get_adapter
from .security import SensitiveView


class UsernameView(SensitiveView):
    page_title = _("Username")
    feature_names = ("username",)
    partial = "account_center/partials/username.html"
    form_partial = "account_center/partials/username_form.html"
    target_id = "ac-username"

    def form_for(self, account: Any = None) -> UsernameForm:
        if self.typed("username"):
            return UsernameForm(initial={"username": self.typed("username")})
        if account is None:
            return UsernameForm()
        return UsernameForm(initial={"username": account.username or ""})

    def post(self, request: HttpRequest) -> HttpResponse:
        remove = request.POST.get("action") == "remove"
        form = UsernameForm(request.POST)
        if not remove and not form.is_valid():
            return self.show(self.form_partial, form=form)
        with self.on_failure(self.form_partial, form=UsernameForm() if remove else form):
            account = identifiers.change_username(
                request, None if remove else form.cleaned_data["username"]
            )
        return self.done(account)


@method_decorator(sensitive_post_parameters("code"), name="dispatch")
class IdentifierView(SensitiveView):
    """Email or phone: new address -> code sent to it -> code checked -> address saved."""

    kind = "email"
    partial = "account_center/partials/identifier.html"
    verifying = ""  # the address whose code is being checked
    form_partial = "account_center/partials/identifier_form.html"
    code_partial = "account_center/partials/identifier_code.html"

    @property
    def target_id(self) -> str:  # type: ignore[override]
        return f"ac-{self.kind}"

    def features_for(self, request: HttpRequest) -> tuple[str, ...]:
        return (self.kind,)

    @property
    def page_title(self) -> Any:
        return _("Email address") if self.kind == "email" else _("Phone number")

    def address_form(self, *args: Any, **kwargs: Any) -> EmailForm | PhoneForm:
        return (EmailForm if self.kind == "email" else PhoneForm)(*args, **kwargs)

    def context(self, **extra: Any) -> dict[str, Any]:
        return super().context(**{"kind": self.kind, "target_id": self.target_id, **extra})

    def display_extra(self) -> dict[str, Any]:
        return {"pending": identifiers.pending(self.request, self.kind)}

    def section_context(self, partial: str, status: int, extra: dict[str, Any]) -> dict[str, Any]:
        if partial != self.code_partial:
            return super().section_context(partial, status, extra)
        target = identifiers.pending(self.request, self.kind) or ""
        return {
            "form": CodeForm(),
            "pending": target,
            "cooldown": ratelimit.cooldown_remaining(self.sub, target) if target else 0,
            **{k: v for k, v in extra.items() if k != "form" or v is not None},
        }

    def get(self, request: HttpRequest) -> HttpResponse:
        if "cancel" in request.GET:
            identifiers.cancel(request, self.kind)
            # Without JavaScript, back to the security page, which no longer speaks of a code.
            return self.changed(None)
        typed = self.typed(self.kind)
        if identifiers.pending(request, self.kind) and "change" not in request.GET and not typed:
            return self.show(self.code_partial)
        form = self.address_form(initial={self.kind: typed}) if typed else self.address_form()
        account = reads.account(self.sub)
        return self.show(self.form_partial, account=account, form=form)

    def post(self, request: HttpRequest) -> HttpResponse:
        action = request.POST.get("action", "send")
        if action == "verify":
            return self._verify(request)
        if action == "resend":
            return self._resend(request)
        if action == "remove":
            return self._remove(request)
        return self._send(request)

    def _send(self, request: HttpRequest) -> HttpResponse:
        form = self.address_form(request.POST)
        if not form.is_valid():
            return self.show(self.form_partial, form=form)
        with self.on_failure(self.form_partial, form=form, field=self.kind):
            identifiers.send_code(request, self.kind, form.cleaned_data[self.kind])
        # Without JavaScript, on to this address's own page: its code form.
        to = reverse(f"account_center:{self.kind}")
        return self.changed(_("We sent a code. Enter it below."), self.code_partial, to=to)

    def _resend(self, request: HttpRequest) -> HttpResponse:
        target = identifiers.pending(request, self.kind)
        if not target:
            return self.show(self.form_partial, form=self.address_form())
        with self.on_failure(self.code_partial):
            identifiers.send_code(request, self.kind, target, check_current=False)
        return self.show(self.code_partial, notice=_("We sent a new code."))

    def _verify(self, request: HttpRequest) -> HttpResponse:
        form = CodeForm(request.POST)
        if not form.is_valid():
            return self.show(self.code_partial, form=form)
        # Every refusal is about the code, but one: the address was taken after all.
        self.verifying = identifiers.pending(request, self.kind) or ""
        with self.on_failure(self.code_partial, form=form, field="code"):
            account = identifiers.confirm_change(request, self.kind, form.cleaned_data["code"])
        return self.done(
            account, pending=None, signed_out_elsewhere=sign_out_elsewhere.happened(request)
        )

    def failed(self, error: Any, partial: Any = "", **options: Any) -> HttpResponse:
        if isinstance(error, LogtoAPIError) and options.get("field") == "code":
            concerns, message = get_adapter().message_for(error.code)
            if concerns == self.kind:
                # The code was right but the address is taken after all: back to the address,
                # with Logto's reason next to it.
                target = self.verifying
                shown = international_phone(target) if self.kind == "phone" else target
                address = self.address_form({self.kind: shown})
                address.is_valid()
                address.add_error(self.kind, message)
                return self.show(self.form_partial, form=address)
        return super().failed(error, partial, **options)

    def _remove(self, request: HttpRequest) -> HttpResponse:
        # Refusals of a removal concern the whole form, not the (empty) address field.
        with self.on_failure(self.form_partial, form=self.address_form(), field=NON_FIELD_ERRORS):
            account = identifiers.remove(request, self.kind)
        return self.done(account, pending=None)


class EmailView(IdentifierView):
    kind = "email"


class PhoneView(IdentifierView):
    kind = "phone"
