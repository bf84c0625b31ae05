"""Sign-in & security: username, email, phone and password, each edited in place."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters

from .. import ratelimit
from ..flows import identifiers, sign_out_elsewhere
from ..flows import password as password_flow
from ..flows.stepup import remaining_seconds
from ..formatting import international_phone
from ..forms import CodeForm, EmailForm, PasswordForm, PhoneForm, UsernameForm
from ..logto.client import get_client
from ..logto.errors import LogtoAPIError
from ..site_adapter import get_adapter
from .base import AccountView, is_htmx
from .step_up_answer import KEPT_FIELDS, take_typed_values

SAVED = _("Saved.")
SIGNED_OUT_ELSEWHERE = _("Saved. You were signed out everywhere else.")


class SecurityView(AccountView):
    section = "security"
    page_title = _("Sign-in & security")

    def get(self, request: HttpRequest) -> HttpResponse:
        # Logto's failures go to the one error path (AccountView.dispatch).
        account = get_client().get_user(self.sub, include_sso_identities=True)
        return render(
            request,
            "account_center/security.html",
            self.context(
                account=account,
                pending_email=identifiers.pending(request, "email"),
                pending_phone=identifiers.pending(request, "phone"),
                step_up_seconds=remaining_seconds(request),
            ),
        )


class SensitiveView(AccountView):
    """A security section whose every POST needs step-up (checked again inside the flows)."""

    section = "security"
    display_partial = ""
    edit_form_on_get = True

    def show_read_only(self) -> HttpResponse:
        return self.show_display()

    def post(self, request: HttpRequest) -> HttpResponse:
        # The input is validated first: a request refused anyway must not open "Confirm it's
        # you". The flows then require a fresh step-up before they change anything, and their
        # StepUpRequired reaches the one error path (AccountView.dispatch), which asks for it.
        return self.handle(request)

    def handle(self, request: HttpRequest) -> HttpResponse:  # pragma: no cover - abstract
        raise NotImplementedError

    def done(
        self, account: Any, *, signed_out_elsewhere: bool = False, **extra: Any
    ) -> HttpResponse:
        said = SIGNED_OUT_ELSEWHERE if signed_out_elsewhere else SAVED
        if not is_htmx(self.request):
            # Without JavaScript the section page says it, once (Django's messages).
            messages.success(self.request, said, fail_silently=True)
            return HttpResponseRedirect(reverse("account_center:security"))
        if signed_out_elsewhere:
            return self.respond(self.display_partial, account=account, notice=said, **extra)
        return self.respond(self.display_partial, account=account, saved=True, **extra)

    def respond(self, partial: str, status: int = 200, **extra: Any) -> HttpResponse:
        # A form shown again after an error still needs the account: its heading ("Change" or
        # "Set a password") and its "Remove ..." buttons depend on what the user has.
        if partial == self.form_partial and "account" not in extra and status != 503:
            extra["account"] = self.or_none(get_client().get_user, self.sub)
        return super().respond(partial, status=status, **extra)

    def typed(self, name: str) -> str:
        """A value typed into this form before a step-up round trip (never a secret)."""
        if not hasattr(self, "_typed"):
            get = self.request.method == "GET"
            self._typed = take_typed_values(self.request) if get else {}
        return self._typed.get(name, "") if name in KEPT_FIELDS else ""

    def show_display(self) -> HttpResponse:
        account = get_client().get_user(self.sub)
        return self.respond(self.display_partial, account=account, **self.display_extra())

    def display_extra(self) -> dict[str, Any]:
        return {}

    def form_for(self, account: Any = None) -> Any:  # pragma: no cover - abstract
        """The section's form, filled from ``account`` when given."""
        raise NotImplementedError

    def get(self, request: HttpRequest) -> HttpResponse:
        """The form swapped in for editing, or (``?cancel``) the section as it is."""
        if "cancel" in request.GET:
            return self.show_display()
        account = get_client().get_user(self.sub)
        return self.respond(self.form_partial, account=account, form=self.form_for(account))

    target_id = ""


class UsernameView(SensitiveView):
    page_title = _("Username")
    feature_names = ("username",)
    display_partial = "account_center/partials/username.html"
    form_partial = "account_center/partials/username_form.html"
    target_id = "ac-username"

    def form_for(self, account: Any = None) -> UsernameForm:
        if self.typed("username"):
            return UsernameForm(initial={"username": self.typed("username")})
        if account is None:
            return UsernameForm()
        return UsernameForm(initial={"username": account.username or ""})

    def handle(self, request: HttpRequest) -> HttpResponse:
        remove = request.POST.get("action") == "remove"
        form = UsernameForm(request.POST)
        if not remove and not form.is_valid():
            return self.respond(self.form_partial, form=form)
        with self.on_failure(self.show_form, form=UsernameForm() if remove else form):
            account = identifiers.change_username(
                request, None if remove else form.cleaned_data["username"]
            )
        return self.done(account)


@method_decorator(sensitive_post_parameters("code"), name="dispatch")
class IdentifierView(SensitiveView):
    """Email or phone: new address -> code sent to it -> code checked -> address saved."""

    kind = "email"
    display_partial = "account_center/partials/identifier.html"
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

    def show_code(
        self, status: int = 200, form: CodeForm | None = None, **extra: Any
    ) -> HttpResponse:
        target = identifiers.pending(self.request, self.kind) or ""
        return self.respond(
            self.code_partial,
            status=status,
            form=form or CodeForm(),
            pending=target,
            cooldown=ratelimit.cooldown_remaining(self.sub, target) if target else 0,
            **extra,
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        if "cancel" in request.GET:
            identifiers.cancel(request, self.kind)
            if not is_htmx(request):
                # Back to the security page, which no longer speaks of a code on its way.
                return HttpResponseRedirect(reverse("account_center:security"))
            return self.show_display()
        typed = self.typed(self.kind)
        if identifiers.pending(request, self.kind) and "change" not in request.GET and not typed:
            return self.show_code()
        form = self.address_form(initial={self.kind: typed}) if typed else self.address_form()
        account = get_client().get_user(self.sub)
        return self.respond(self.form_partial, account=account, form=form)

    def handle(self, request: HttpRequest) -> HttpResponse:
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
            return self.respond(self.form_partial, form=form)
        with self.on_failure(self.show_form, form=form, field=self.kind):
            identifiers.send_code(request, self.kind, form.cleaned_data[self.kind])
        if not is_htmx(request):
            messages.info(request, _("We sent a code. Enter it below."), fail_silently=True)
            return HttpResponseRedirect(reverse(f"account_center:{self.kind}"))
        return self.show_code(notice=_("We sent a code. Enter it below."))

    def _resend(self, request: HttpRequest) -> HttpResponse:
        target = identifiers.pending(request, self.kind)
        if not target:
            return self.respond(self.form_partial, form=self.address_form())
        with self.on_failure(self.show_code):
            identifiers.send_code(request, self.kind, target, check_current=False)
        return self.show_code(notice=_("We sent a new code."))

    def _verify(self, request: HttpRequest) -> HttpResponse:
        form = CodeForm(request.POST)
        if not form.is_valid():
            return self.show_code(form=form)
        # Every refusal is about the code, but one: the address was taken after all.
        self.verifying = identifiers.pending(request, self.kind) or ""
        with self.on_failure(self.show_code, form=form, field="code"):
            account = identifiers.confirm_change(request, self.kind, form.cleaned_data["code"])
        return self.done(
            account, pending=None, signed_out_elsewhere=sign_out_elsewhere.happened(request)
        )

    def failed(self, error: Any, show: Any, **options: Any) -> HttpResponse:
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
                return self.respond(self.form_partial, form=address)
        return super().failed(error, show, **options)

    def _remove(self, request: HttpRequest) -> HttpResponse:
        # Refusals of a removal concern the whole form, not the (empty) address field.
        with self.on_failure(self.show_form, form=self.address_form(), field=NON_FIELD_ERRORS):
            account = identifiers.remove(request, self.kind)
        return self.done(account, pending=None)


class EmailView(IdentifierView):
    kind = "email"


class PhoneView(IdentifierView):
    kind = "phone"


@method_decorator(sensitive_post_parameters("password", "confirm"), name="dispatch")
class PasswordView(SensitiveView):
    page_title = _("Password")
    feature_names = ("password",)
    display_partial = "account_center/partials/password.html"
    form_partial = "account_center/partials/password_form.html"
    target_id = "ac-password"

    def form_for(self, account: Any = None) -> PasswordForm:
        return PasswordForm()

    def handle(self, request: HttpRequest) -> HttpResponse:
        form = PasswordForm(request.POST)
        if not form.is_valid():
            return self.respond(self.form_partial, form=form)
        # The policy's reasons go next to the password; Logto's refusals above the form.
        with self.on_failure(self.show_form, form=form):
            account, signed_out = password_flow.set_password(request, form.cleaned_data["password"])
        return self.done(account, signed_out_elsewhere=signed_out)
