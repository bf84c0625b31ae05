"""Connected apps: the third-party apps the user authorised, and removing one's access (asked
in place first: it cannot be undone, the app must ask for consent again)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ..flows import apps
from .removable_rows import RemovableRowsView

PAGE = "account_center/apps.html"
SECTION = "account_center/partials/apps.html"


class AppsView(RemovableRowsView):
    section = "apps"
    page_title = _("Connected apps")
    section_page = PAGE
    partial = SECTION
    rows_name = "apps"
    id_field = "grant"

    def read_rows(self) -> list[apps.AppRow]:
        return apps.list_apps(self.request, self.sub)

    def remove_one(self, request: HttpRequest, row_id: str) -> Any:
        name = apps.remove_access(request, row_id)
        return _("“%(name)s” no longer has access to your account.") % {"name": name}
