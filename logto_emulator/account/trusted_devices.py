"""``/api/my-account/trusted-devices`` (``routes/account/trusted-device.ts``): only with Logto's
development features on, like the Management API's. ``isCurrent`` would need Logto's
trusted-device cookie, which a server calling for the user never sends: false here."""

from __future__ import annotations

from logto_emulator.account.api import (
    AccountAuth,
    require_editable,
    require_first_party,
    require_readable,
    require_scope,
    require_verified,
)
from logto_emulator.http import Request, Response, empty
from logto_emulator.management.trusted_devices import (
    active_devices,
    device_json,
    forget_device,
    paged,
)
from logto_emulator.routes import route
from logto_emulator.state import EmulatorState

TRUSTED_DEVICES_SCOPE = "urn:logto:scope:trusted_devices"


def _can(auth: AccountAuth, *, edit: bool) -> None:
    require_verified(auth)
    (require_editable if edit else require_readable)(auth.control("trustedDevice"))
    require_scope(auth, TRUSTED_DEVICES_SCOPE)


@route("GET", r"/api/my-account/trusted-devices", dev_feature=True)
def list_own_trusted_devices(
    state: EmulatorState, request: Request, auth: AccountAuth
) -> Response:
    _can(auth, edit=False)
    devices = [
        {**device_json(d), "isCurrent": False} for d in active_devices(state, auth.user_id)
    ]
    return paged(request, devices)


@route("DELETE", r"/api/my-account/trusted-devices/([^/]+)", dev_feature=True)
def forget_own_trusted_device(
    state: EmulatorState, request: Request, auth: AccountAuth, device_id: str
) -> Response:
    _can(auth, edit=True)
    require_first_party(state, auth)
    forget_device(state, auth.user_id, device_id)
    return empty()
