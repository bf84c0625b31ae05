"""The devices a user told Logto to remember for the second step
(``routes/admin-user/trusted-device.ts``).

Logto 1.43's candidate registers these routes only with its development features on: a
production build answers a plain 404, raised as :class:`LogtoUnsupported` and remembered an hour
(:mod:`account_center.logto.unsupported`), so a page asks Logto once, not on every visit.
"""

from __future__ import annotations

from account_center.logto import unsupported
from account_center.logto.access_models import TrustedDevice
from account_center.logto.errors import LogtoUnsupported
from account_center.logto.transport import Transport, _segment, _typed

# Logto pages the list (koaPagination, 20 by default); no account has more than this.
PAGE_SIZE = "100"


class TrustedDevices(Transport):
    # ------------------------------------------------------------------ trusted devices

    def list_trusted_devices(self, user_id: str) -> list[TrustedDevice]:
        """The user's remembered devices (not expired). :class:`LogtoUnsupported` where this
        Logto has no such route (without asking again within the hour); 404
        ``entity.not_found`` for an unknown user."""
        if unsupported.known(unsupported.TRUSTED_DEVICES):
            raise LogtoUnsupported(unsupported.TRUSTED_DEVICES)
        with unsupported.probing(unsupported.TRUSTED_DEVICES):
            data = self._request(
                "GET",
                self._user_path(user_id, "trusted-devices"),
                params={"page": "1", "page_size": PAGE_SIZE},
                shape="list",
            )
        return _typed(lambda: [TrustedDevice.from_api(item) for item in data])

    def delete_trusted_device(self, user_id: str, trusted_device_id: str) -> None:
        """Forget one device: its next sign-in asks for the second step again. 404
        ``entity.not_found`` when it is gone; :class:`LogtoUnsupported` as for the list."""
        if unsupported.known(unsupported.TRUSTED_DEVICES):
            raise LogtoUnsupported(unsupported.TRUSTED_DEVICES)
        with unsupported.probing(unsupported.TRUSTED_DEVICES):
            self._request(
                "DELETE",
                self._user_path(user_id, "trusted-devices", _segment(trusted_device_id)),
            )
