"""Danger zone: download my data, and delete my account (step-up and a typed phrase first)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event

from ..app_settings import app_settings
from ..flows import deletion
from ..flows.errors import FlowError
from ..forms import AccessibleForm
from ..logto.client import get_client
from .base import AccountView, is_htmx


PAGE = "account_center/danger.html"
DELETE_SECTION = "account_center/partials/danger_delete.html"
DOWNLOAD_EVENT = "accountCenterDownload"
DOWNLOAD_FORM_ID = "ac-download-form"


class DeleteAccountForm(AccessibleForm):
    confirmation = forms.CharField(
        label=_("Type the words shown above"),
        max_length=300,
        error_messages={"required": _("Type the words shown above to confirm.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class DangerView(AccountView):
    section = "danger"
    page_title = _("Danger zone")
    # Downloading one's data changes nothing: it stays offered while deletion is read-only.
    read_actions = frozenset({"download"})

    def show(self, form: DeleteAccountForm | None = None, status: int = 200) -> HttpResponse:
        account = get_client().get_user(self.sub)
        context = self.context(
            phrase=deletion.confirmation_phrase(account),
            form=form or DeleteAccountForm(),
            deletion_note=app_settings.DELETION_NOTE,
        )
        return self.page_or_section(PAGE, DELETE_SECTION, context, status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.show()

    def post(self, request: HttpRequest) -> HttpResponse:
        if request.POST.get("action") == "download":
            if is_htmx(request):
                # A file cannot come through htmx: once step-up holds (the dialog asked in place),
                # the page posts the form itself and the browser downloads the answer.
                deletion.check_download(request)
                return trigger_client_event(
                    HttpResponse(), DOWNLOAD_EVENT, {"formId": DOWNLOAD_FORM_ID}
                )
            data = deletion.export_data(request)
            response = HttpResponse(
                json.dumps(data, indent=2, ensure_ascii=False),
                content_type="application/json; charset=utf-8",
            )
            response["Content-Disposition"] = 'attachment; filename="my-account-data.json"'
            add_never_cache_headers(response)
            return response
        form = DeleteAccountForm(request.POST)
        if not form.is_valid():
            return self.show(form)
        try:
            deletion.delete_account(request, form.cleaned_data["confirmation"])
        except FlowError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, str(error.message))
            return self.show(form)
        done = reverse("account_center:account_ended") + "?reason=closed"
        if is_htmx(request):
            return HttpResponseClientRedirect(done)
        return HttpResponseRedirect(done)

    def context(self, **extra: Any) -> dict[str, Any]:
        return super().context(**extra)
