"""Connected apps: the third-party apps the user authorised, and removing one's access (asked
in place first: it cannot be undone, the app must ask for consent again)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from ..flows import apps
from ..flows.messages import UNAVAILABLE
from .base import AccountView

PAGE = "account_center/apps.html"
SECTION = "account_center/partials/apps.html"
ID_MAX = 128


class AppsView(AccountView):
    section = "apps"
    page_title = _("Connected apps")
    section_page = PAGE
    partial = SECTION

    def section_context(self, partial: str, status: int, extra: dict[str, Any]) -> dict[str, Any]:
        """The apps, fresh from Logto; when they cannot be read, the section says so."""
        rows = self.or_none(apps.list_apps, self.request, self.sub)
        if rows is None:
            rows = []
            extra.setdefault("unavailable", UNAVAILABLE)
        return {"apps": rows, **extra}

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.show()

    def post(self, request: HttpRequest) -> HttpResponse:
        # StepUpRequired from the flow reaches the one error path (AccountView.dispatch).
        grant = request.POST.get("grant", "")
        if not grant or len(grant) > ID_MAX:
            return self.show()
        with self.on_failure():
            name = apps.remove_access(request, grant)
        return self.changed(
            _("“%(name)s” no longer has access to your account.") % {"name": name}
        )
