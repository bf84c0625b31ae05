"""``/api/my-account/logto-configs`` (``routes/account/logto-config.ts``): the user's MFA and
passkey sign-in skips, read and changed under the ``passkey`` (else ``mfa``) field."""

from __future__ import annotations

from logto_emulator.account.api import (
    AccountAuth,
    require_editable,
    require_first_party,
    require_readable,
    require_scope,
    require_verified,
)
from logto_emulator.http import (
    Request,
    Response,
    check_type,
    guard_error,
    json_response,
    type_issue,
)
from logto_emulator.management.common import _touch, _user
from logto_emulator.management.logto_configs import _logto_config_json
from logto_emulator.routes import route
from logto_emulator.state import EmulatorState

# userMfaDataGuard and userPasskeySignInDataGuard: every key optional.
_KEYS = {
    "mfa": {"enabled", "skipped", "skipMfaOnSignIn", "additionalBindingSuggestionSkipped"},
    "passkeySignIn": {"skipped"},
}


@route("GET", r"/api/my-account/logto-configs")
def get_configs(state: EmulatorState, request: Request, auth: AccountAuth) -> Response:
    require_scope(auth, "identities")
    require_readable(auth.passkey_control())
    return json_response(_logto_config_json(_user(state, auth.user_id)))


@route("PATCH", r"/api/my-account/logto-configs")
def update_configs(state: EmulatorState, request: Request, auth: AccountAuth) -> Response:
    body = request.json_object()
    for section, keys in _KEYS.items():
        part = check_type(body, section, "object", optional=True)
        for key in keys & set(part or ()):
            if not isinstance(part[key], bool):
                raise guard_error(type_issue(f"{section}.{key}", "boolean", part[key]))
    require_verified(auth)
    require_scope(auth, "identities")
    require_first_party(state, auth)
    require_editable(auth.passkey_control())
    user = _user(state, auth.user_id)
    for section, keys in _KEYS.items():
        if isinstance(body.get(section), dict):
            current = user["logtoConfig"].setdefault(section, {})
            current.update({k: v for k, v in body[section].items() if k in keys})
    _touch(user)
    return json_response(_logto_config_json(user))
