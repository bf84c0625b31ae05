"""The signed-in user's own trusted devices through the Account API
(``routes/account/trusted-device.ts``): registered only with Logto's development features on,
like the Management API's (a plain 404 otherwise: :class:`LogtoUnsupported`, remembered in the
same memory).

Both need proof of identity (``verification_id``, even to list), the ``trustedDevice`` field
ReadOnly or Edit (Edit to forget one, from a first-party app) and the token's
``urn:logto:scope:trusted_devices`` scope. ``is_current`` needs Logto's trusted-device cookie,
which a server calling for the user does not have: it is always false here.
"""

from __future__ import annotations

from account_center.logto import unsupported
from account_center.logto.access_models import TrustedDevice
from account_center.logto.errors import LogtoUnsupported
from account_center.logto.transport import Transport, _segment, _typed
from account_center.logto.user_token import UserTokenProvider

_DEVICES = "/api/my-account/trusted-devices"


class MyAccountTrustedDevices(Transport):
    # ------------------------------------------------------------------ trusted devices

    def list_own_trusted_devices(
        self, user: UserTokenProvider, *, verification_id: str
    ) -> list[TrustedDevice]:
        if unsupported.known(unsupported.TRUSTED_DEVICES):
            raise LogtoUnsupported(unsupported.TRUSTED_DEVICES)
        with unsupported.probing(unsupported.TRUSTED_DEVICES):
            data = self._user_request(
                user,
                "GET",
                _DEVICES,
                params={"page": "1", "page_size": "100"},
                verification_id=verification_id,
                shape="list",
            )
        return _typed(lambda: [TrustedDevice.from_api(item) for item in data])

    def delete_own_trusted_device(
        self, user: UserTokenProvider, trusted_device_id: str, *, verification_id: str
    ) -> None:
        """404 ``entity.not_found`` when it is gone."""
        if unsupported.known(unsupported.TRUSTED_DEVICES):
            raise LogtoUnsupported(unsupported.TRUSTED_DEVICES)
        with unsupported.probing(unsupported.TRUSTED_DEVICES):
            self._user_request(
                user,
                "DELETE",
                f"{_DEVICES}/{_segment(trusted_device_id)}",
                verification_id=verification_id,
            )
