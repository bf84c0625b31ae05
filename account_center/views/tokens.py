"""Developer tokens (Logto's personal access tokens): list, create (value shown once), rename,
delete. One section swapped in place with htmx; without JavaScript the same URLs answer with the
page. The answer that shows a new token's value is never cached and the value is kept nowhere."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _

from ..credential_forms import TOKEN_NAME_MAX, RenameTokenForm, TokenForm
from ..flows import tokens
from ..flows.messages import UNAVAILABLE
from ..secret_text import SecretText
from .base import AccountView, is_htmx

PAGE = "account_center/tokens.html"
SECTION = "account_center/partials/tokens.html"


class TokensView(AccountView):
    section = "tokens"
    page_title = _("Developer tokens")

    def show(self, status: int = 200, **extra: Any) -> HttpResponse:
        """The list (fresh from Logto) with ``extra``; the section alone for htmx."""
        extra.setdefault("form", TokenForm())
        rows = self.or_none(tokens.list_tokens, self.sub)
        if rows is None:
            rows, status = [], 503
            extra.setdefault("unavailable", UNAVAILABLE)
        context = self.context(tokens=rows, token_name_max=TOKEN_NAME_MAX, **extra)
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
        with self.on_failure(self.show, form=form):
            created = tokens.create(request, name, form.cleaned_data["expires_at"])
        response = self.show(created=created.token, created_value=SecretText(created.value))
        add_never_cache_headers(response)
        return response

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
        with self.on_failure(self.show, form=form, form_name="rename_form", rename_of=current):
            tokens.rename(request, current, name)
        return self.done(_("Renamed to “%(name)s”.") % {"name": name})


class DeleteTokenView(TokensView):
    def handle(self, request: HttpRequest) -> HttpResponse:
        name = request.POST.get("name", "")
        if not name:
            return self.show()
        with self.on_failure(self.show):
            tokens.delete(request, name)
        return self.done(
            _("Token “%(name)s” deleted. Scripts using it stop working.") % {"name": name}
        )
