"""Remembered devices: where Logto skips the second step; forget one or all (asked in place
first). Where this Logto has none, the page says so in a sentence."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..flows import trusted_devices
from ..flows.messages import UNAVAILABLE
from .base import AccountView

PAGE = "account_center/trusted_devices.html"
SECTION = "account_center/partials/trusted_devices.html"
ID_MAX = 128


class TrustedDevicesView(AccountView):
    section = "trusted_devices"
    page_title = _("Remembered devices")
    section_page = PAGE
    partial = SECTION

    def section_context(self, partial: str, status: int, extra: dict[str, Any]) -> dict[str, Any]:
        """The devices, fresh from Logto; this Logto having none and Logto failing are said."""
        if not trusted_devices.settings_remember_devices():
            return {"devices": [], "settings_off": True, **extra}
        try:
            rows = self.or_none(trusted_devices.list_devices, self.sub)
        except trusted_devices.TrustedDevicesUnsupported:
            rows, extra["unsupported"] = [], True
        if rows is None:
            rows = []
            extra.setdefault("unavailable", UNAVAILABLE)
        return {"devices": rows, **extra}

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.show()

    def post(self, request: HttpRequest) -> HttpResponse:
        # StepUpRequired from the flow reaches the one error path (AccountView.dispatch).
        try:
            return self._change(request)
        except trusted_devices.TrustedDevicesUnsupported:
            return self.show()  # this Logto has no remembered devices: the page says so

    def _change(self, request: HttpRequest) -> HttpResponse:
        action = request.POST.get("action", "")
        device = request.POST.get("device", "")
        with self.on_failure():
            if action == "forget_all":
                count = trusted_devices.forget_all(request)
                message = ngettext(
                    "%(count)d device forgotten: each asks for the second step at its next sign-in.",
                    "%(count)d devices forgotten: each asks for the second step at its next sign-in.",
                    count,
                ) % {"count": count}
            elif action == "forget" and device and len(device) <= ID_MAX:
                words = trusted_devices.forget(request, device)
                message = str(
                    _("%(device)s forgotten: it asks for the second step at its next sign-in.")
                    % {"device": words}
                )
            else:
                return self.show()
        return self.changed(message)
