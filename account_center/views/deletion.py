"""Danger zone: download my data, and delete my account (step-up and a typed phrase first)."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django_htmx.http import trigger_client_event

from ..conf.app_settings import app_settings
from ..flows import deletion, reads
from ..flows.errors import FlowError
from ..forms.deletion import DeleteAccountForm
from .base import AccountView
from .htmx import is_htmx

PAGE = "account_center/deletion.html"
DELETE_SECTION = "account_center/partials/deletion.html"
DOWNLOAD_EVENT = "accountCenterDownload"
DOWNLOAD_FORM_ID = "ac-download-form"


class DeletionView(AccountView):
    section = "deletion"
    page_title = _("Danger zone")
    # Downloading one's data changes nothing: it stays offered while deletion is read-only.
    read_actions = frozenset({"download"})
    section_page = PAGE
    partial = DELETE_SECTION

    def section_context(self, partial: str, status: int, extra: dict[str, Any]) -> dict[str, Any]:
        return {
            "phrase": deletion.confirmation_phrase(reads.account(self.sub)),
            "form": DeleteAccountForm(),
            "deletion_note": app_settings.DELETION_NOTE,
            **extra,
        }

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
            return self.show(form=form)
        try:
            deletion.delete_account(request, form.cleaned_data["confirmation"])
        except FlowError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, str(error.message))
            return self.show(form=form)
        return self.go_to(reverse("account_center:account_ended") + "?reason=closed")
