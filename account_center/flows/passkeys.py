"""Adding and renaming passkeys (removing one is :func:`.mfa.remove_factor`'s, as any factor).

A passkey is made in three steps, Logto deciding each: the app asks Logto for a WebAuthn
registration (its creation options, and a verification record that the credential will prove),
the browser makes the credential with them (``passkeys.js``), and the app hands it to Logto to
verify and bind (the user's own verification record as proof of identity). Only the Account API
registers passkeys (:func:`.gateway_mfa.passkeys_addable`). Between the first and the last step
the registration's record id is kept in the session, sealed, for this user, and no longer than
Logto keeps the record (600 s).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from ..clock import now
from ..sealing import seal, unseal
from . import actions, gateway_mfa
from .changes import change, require_step_up
from .errors import FlowError
from .identity import logto_user_id

WEBAUTHN = "WebAuthn"
PENDING_KEY = "account_center_pending_passkey"
SEALED_AS = "pending-passkey"
PENDING_SECONDS = 600  # Logto's verification records
NAME_MAX = 64

ACCOUNT_API_ONLY = gateway_mfa.ACCOUNT_API_ONLY
EXPIRED = _("This passkey's setup has expired. Start again.")
NOT_MADE = _(
    "No passkey was made: your browser or device stopped it, or it took too long. "
    "You can try again."
)


def addable(request: HttpRequest) -> bool:
    """Whether this site can add a passkey for the user (only through Logto's Account API)."""
    return gateway_mfa.passkeys_addable(request)


@sensitive_variables("registration")
def start(request: HttpRequest) -> dict[str, Any]:
    """Start a registration: Logto's creation options for the browser. The record that the
    credential will prove is kept sealed in the session until :func:`finish` or :func:`cancel`."""
    require_step_up(request, actions.PASSKEY_ADD)
    registration = gateway_mfa.start_passkey(request)
    until = now() + PENDING_SECONDS
    if registration.record.expires_at is not None:
        until = min(until, registration.record.expires_at.timestamp())
    payload = json.dumps({"id": registration.record.id, "sub": logto_user_id(request)})
    request.session[PENDING_KEY] = {"sealed": seal(payload, SEALED_AS), "until": until}
    return dict(registration.options)


@sensitive_variables("kept", "payload", "data")
def pending(request: HttpRequest) -> str | None:
    """The registration's record id while it holds (this user's, not expired), else ``None``."""
    kept = request.session.get(PENDING_KEY)
    if not isinstance(kept, dict) or now() >= float(kept.get("until", 0)):
        return None
    payload = unseal(kept.get("sealed"), SEALED_AS)
    try:
        data = json.loads(payload) if payload else None
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("sub") != logto_user_id(request):
        return None
    return str(data.get("id") or "") or None


def cancel(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)


@sensitive_variables("credential", "record_id")
def finish(
    request: HttpRequest, credential: Mapping[str, Any], *, user_agent: str | None
) -> None:
    """Have Logto verify and bind the browser's new credential (``PublicKeyCredential``'s JSON).
    :class:`FlowError` when the registration is no longer kept; Logto's refusals go on."""
    with change(request, actions.PASSKEY_ADD, sender=__name__, factor=WEBAUTHN) as ch:
        record_id = pending(request)
        if record_id is None:
            cancel(request)
            raise FlowError(EXPIRED, code="passkey_expired")
        try:
            gateway_mfa.add_passkey(ch, record_id, credential, user_agent=user_agent)
        finally:
            # A registration's record proves one credential once: never tried twice.
            cancel(request)
        ch.done(signal_args={"factor": WEBAUTHN, "replaced": False})


def rename(request: HttpRequest, factor_id: str, name: str) -> None:
    with change(request, actions.PASSKEY_RENAME, sender=__name__, name=name) as ch:
        gateway_mfa.rename_passkey(ch, factor_id, name)
        ch.done()
