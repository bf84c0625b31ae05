"""Developer tokens (Logto's personal access tokens): list, create (value shown once), rename,
delete. One section swapped in place with htmx; without JavaScript the same URLs answer with the
page. The answer that shows a new token's value is never cached and the value is kept nowhere."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _

from ..forms.tokens import TOKEN_NAME_MAX, RenameTokenForm, TokenForm
from ..flows import tokens
from ..flows.messages import UNAVAILABLE
from ..secret_text import SecretText
from .base import AccountView

PAGE = "account_center/tokens.html"
SECTION = "account_center/partials/tokens.html"


class TokensView(AccountView):
    section = "tokens"
    management_reads = ("tokens",)
    page_title = _("Developer tokens")
    section_page = PAGE
    partial = SECTION

    def section_context(self, partial: str, status: int, extra: dict[str, Any]) -> dict[str, Any]:
        """The list, fresh from Logto; when it cannot be read, the section says so."""
        extra.setdefault("form", TokenForm())
        rows = self.or_none(tokens.list_tokens, self.sub)
        if rows is None:
            rows = []
            extra.setdefault("unavailable", UNAVAILABLE)
        return {"tokens": rows, "token_name_max": TOKEN_NAME_MAX, **extra}

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.show()

    def post(self, request: HttpRequest) -> HttpResponse:
        # StepUpRequired from the flows reaches the one error path (AccountView.dispatch).
        form = TokenForm(request.POST)
        if not form.is_valid():
            return self.show(form=form)
        name = form.cleaned_data["name"]
        with self.on_failure(form=form):
            created = tokens.create(request, name, form.cleaned_data["expires_at"])
        response = self.show(created=created.token, created_value=SecretText(created.value))
        add_never_cache_headers(response)
        return response


class RenameTokenView(TokensView):
    def post(self, request: HttpRequest) -> HttpResponse:
        current = request.POST.get("current_name", "")
        form = RenameTokenForm(request.POST)
        if not current or not form.is_valid():
            return self.show(rename_form=form, rename_of=current)
        name = form.cleaned_data["name"]
        if name == current:
            return self.changed(_("Nothing to change."))
        with self.on_failure(form=form, form_name="rename_form", rename_of=current):
            tokens.rename(request, current, name)
        return self.changed(_("Renamed to “%(name)s”.") % {"name": name})


class DeleteTokenView(TokensView):
    def post(self, request: HttpRequest) -> HttpResponse:
        name = request.POST.get("name", "")
        if not name:
            return self.show()
        with self.on_failure():
            tokens.delete(request, name)
        return self.changed(
            _("Token “%(name)s” deleted. Scripts using it stop working.") % {"name": name}
        )
