"""Developer tokens (Logto's personal access tokens): list, create (value shown once), rename,
delete. One section swapped in place with htmx; without JavaScript the same URLs answer with the
page. The answer that shows a new token's value is never cached and the value is kept nowhere."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _

from ..credential_forms import RenameTokenForm, TokenForm
from ..flows import tokens
from ..flows.errors import FlowError
from ..flows.messages import UNAVAILABLE, for_code
from ..logto.errors import LogtoAPIError, LogtoError
from ..secret_text import SecretText
from .base import AccountView, is_htmx
from .outcome import not_confirmed

PAGE = "account_center/tokens.html"
SECTION = "account_center/partials/tokens.html"


class TokensView(AccountView):
    section = "tokens"
    page_title = _("Developer tokens")

    def show(self, status: int = 200, **extra: Any) -> HttpResponse:
        """The list (fresh from Logto) with ``extra``; the section alone for htmx."""
        extra.setdefault("form", TokenForm())
        try:
            rows = tokens.list_tokens(self.sub)
        except LogtoError:
            rows, extra["unavailable"], status = [], UNAVAILABLE, 503
        context = self.context(tokens=rows, **extra)
        return self.page_or_section(PAGE, SECTION, context, status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.show()

    def post(self, request: HttpRequest) -> HttpResponse:
        # StepUpRequired from the flows reaches the one error path (AccountView.dispatch).
        return self.handle(request)

    def handle(self, request: HttpRequest) -> HttpResponse:
        form = TokenForm(request.POST)
        if not form.is_valid():
            return self.show(form=form)
        name = form.cleaned_data["name"]
        try:
            created = tokens.create(request, name, form.cleaned_data["expires_at"])
        except (FlowError, LogtoError) as error:
            return self._refused(form, error)
        response = self.show(created=created.token, created_value=SecretText(created.value))
        add_never_cache_headers(response)
        return response

    def _refused(self, form: Any, error: FlowError | LogtoError, **extra: Any) -> HttpResponse:
        if isinstance(error, FlowError):
            field = error.field if error.field in form.fields else NON_FIELD_ERRORS
            form.add_error(field, str(error.message))
        elif isinstance(error, LogtoAPIError):
            form.add_error(NON_FIELD_ERRORS, str(for_code(error.code)[1]))
        else:
            return self.show(status=503, form=form, unavailable=not_confirmed(error), **extra)
        return self.show(form=form, **extra)

    def done(self, message: Any) -> HttpResponse:
        if not is_htmx(self.request):
            messages.success(self.request, message, fail_silently=True)
            return HttpResponseRedirect(reverse("account_center:tokens"))
        return self.show(notice=message)


class RenameTokenView(TokensView):
    def handle(self, request: HttpRequest) -> HttpResponse:
        current = request.POST.get("current_name", "")
        form = RenameTokenForm(request.POST)
        if not current or not form.is_valid():
            return self.show(rename_form=form, rename_of=current)
        name = form.cleaned_data["name"]
        if name == current:
            return self.done(_("Nothing to change."))
        try:
            tokens.rename(request, current, name)
        except FlowError as error:
            form.add_error(
                "name" if error.field == "name" else NON_FIELD_ERRORS, str(error.message)
            )
            return self.show(rename_form=form, rename_of=current)
        except LogtoAPIError as error:
            form.add_error(NON_FIELD_ERRORS, str(for_code(error.code)[1]))
            return self.show(rename_form=form, rename_of=current)
        except LogtoError as error:
            return self.show(
                status=503, rename_form=form, rename_of=current, unavailable=not_confirmed(error)
            )
        return self.done(_("Renamed to “%(name)s”.") % {"name": name})


class DeleteTokenView(TokensView):
    def handle(self, request: HttpRequest) -> HttpResponse:
        name = request.POST.get("name", "")
        if not name:
            return self.show()
        try:
            tokens.delete(request, name)
        except (FlowError, LogtoAPIError) as error:
            message = error.message if isinstance(error, FlowError) else for_code(error.code)[1]
            return self.show(error=message)
        except LogtoError as error:
            return self.show(status=503, unavailable=not_confirmed(error))
        return self.done(
            _("Token “%(name)s” deleted. Scripts using it stop working.") % {"name": name}
        )
