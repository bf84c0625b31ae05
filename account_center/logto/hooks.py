"""The tenant's webhooks (read only: ``account_center_check`` reports whether one reaches this
site; they are made in the Logto console)."""

from __future__ import annotations

from account_center.logto.models import Hook
from account_center.logto.transport import Transport, _typed


class Hooks(Transport):
    def list_hooks(self) -> list[Hook]:
        data = self._request("GET", "/api/hooks", params={"page_size": "100"}, shape="list")
        return _typed(lambda: [Hook.from_api(item) for item in data])
