"""``GET /callback/{connectorId}``: where the mock social provider sends a browser back to
finish a social sign-in, as Logto's own callback route."""

from __future__ import annotations

import time

from logto_emulator.http import Request, Response
from logto_emulator.oidc.authorize import _error_page
from logto_emulator.oidc.interaction import (
    MOCK_SOCIAL_CONNECTOR_ID,
    _first_factor_passed,
    _lang,
    _sign_in_form,
)
from logto_emulator.routes import route
from logto_emulator.state import EmulatorState


@route("GET", r"/callback/([A-Za-z0-9_-]+)")
def social_callback(state: EmulatorState, request: Request, connector_id: str) -> Response:
    """The mock social provider sends the browser back here (``state`` is the sign-in's
    interaction): a user whose linked Mock Social identity it names is signed in, as by Logto's
    social sign-in; an identity nobody linked is refused in Logto's words."""
    uid = request.query.get("state", "")
    with state.lock:
        pending = state.interactions.get(uid)
    if (
        connector_id != MOCK_SOCIAL_CONNECTOR_ID
        or pending is None
        or time.time() - pending["created"] > 3600
    ):
        return _error_page("session_not_found: interaction session not found or expired")
    lang = _lang(pending, request)
    with state.lock:
        issued = state.social_codes.pop(request.query.get("code", ""), None)
    if issued is None:  # cancelled at the provider, or a code not issued there
        return _sign_in_form(uid, request, lang, state=state)
    user = next(
        (
            u
            for u in state.users.values()
            if u["identities"].get("mock-social", {}).get("userId") == issued["userId"]
        ),
        None,
    )
    if user is None:
        return _sign_in_form(
            uid, request, lang, error="The social account has not been registered yet.", state=state
        )
    if user["isSuspended"]:
        return _sign_in_form(uid, request, lang, error="This account is suspended.", state=state)
    identifier = {"type": "social", "value": issued["userId"]}
    return _first_factor_passed(state, request, uid, pending, user, identifier, "Social")
