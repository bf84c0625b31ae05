"""Remembered devices: where Logto skips the second step; forget one or all (asked in place
first). Where this Logto has none, the page says so in a sentence."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..flows import trusted_devices
from .removable_rows import RemovableRowsView

PAGE = "account_center/trusted_devices.html"
SECTION = "account_center/partials/trusted_devices.html"


class TrustedDevicesView(RemovableRowsView):
    section = "trusted_devices"
    page_title = _("Remembered devices")
    section_page = PAGE
    partial = SECTION
    rows_name = "devices"
    id_field = "device"
    remove_action = "forget"
    remove_all_action = "forget_all"
    # Whether this Logto has remembered devices at all: the list and each forget say so.
    unsupported = (trusted_devices.TrustedDevicesUnsupported,)

    def section_context(self, partial: str, status: int, extra: dict[str, Any]) -> dict[str, Any]:
        # The tenant's sign-in settings remembering no device come before the list.
        if not trusted_devices.settings_remember_devices():
            return {"devices": [], "settings_off": True, **extra}
        return super().section_context(partial, status, extra)

    def read_rows(self) -> list[trusted_devices.DeviceRow]:
        return trusted_devices.list_devices(self.sub)

    def remove_one(self, request: HttpRequest, row_id: str) -> str:
        words = trusted_devices.forget(request, row_id)
        return str(
            _("%(device)s forgotten: it asks for the second step at its next sign-in.")
            % {"device": words}
        )

    def remove_all(self, request: HttpRequest) -> str:
        count = trusted_devices.forget_all(request)
        return ngettext(
            "%(count)d device forgotten: each asks for the second step at its next sign-in.",
            "%(count)d devices forgotten: each asks for the second step at its next sign-in.",
            count,
        ) % {"count": count}
