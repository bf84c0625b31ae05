"""``/oidc/auth``: the authorization endpoint. A registered client and redirect URI, then the
sign-in form (an interaction), or straight back with a code when a session may be reused."""

from __future__ import annotations

import time

from logto_emulator.http import Request, Response, esc, html_page, redirect, with_query
from logto_emulator.oidc.discovery import SCOPES_SUPPORTED, issuer
from logto_emulator.oidc.session import _complete, _session_from_cookie
from logto_emulator.routes import route
from logto_emulator.state import EmulatorState, generate_id


# UserScope.TrustedDevices: only the Account API's trusted devices read it.
TRUSTED_DEVICES = "urn:logto:scope:trusted_devices"


def _error_page(message: str, status: int = 400) -> Response:
    return html_page(
        "Sign-in error",
        f"<h1>oops! something went wrong</h1><p class='error' role='alert'>{esc(message)}</p>",
        status=status,
    )


@route(None, r"/oidc/auth")
def authorize(state: EmulatorState, request: Request) -> Response:
    params = dict(request.query)
    if request.method == "POST":
        params.update(request.form())
    client_id = params.get("client_id", "")
    app = state.applications.get(client_id)
    if app is None or app.type != "Traditional":
        return _error_page("invalid_client: client is invalid")
    redirect_uri = params.get("redirect_uri", "")
    # An unregistered redirect_uri is never redirected to: that would make the emulator an open
    # redirector, and real Logto shows an error page too.
    if redirect_uri not in app.redirect_uris:
        return _error_page(
            "invalid_redirect_uri: redirect_uri did not match any of the client's registered redirect_uris"
        )
    state_param = params.get("state")

    def error_redirect(error: str, description: str) -> Response:
        return redirect(
            with_query(
                redirect_uri,
                {
                    "error": error,
                    "error_description": description,
                    "state": state_param,
                    "iss": issuer(request),
                },
            )
        )

    if params.get("response_type") != "code":
        return error_redirect("unsupported_response_type", "unsupported response_type requested")
    scopes = params.get("scope", "").split()
    if "openid" not in scopes:
        return error_redirect("invalid_scope", "openid scope must be requested for this request")
    challenge = params.get("code_challenge")
    method = params.get("code_challenge_method", "plain" if challenge else None)
    if challenge and method != "S256":
        return error_redirect("invalid_request", "not supported value of code_challenge_method")
    prompts = set(params.get("prompt", "").split())
    max_age = params.get("max_age")
    if "consent" not in prompts:
        # oidc-provider (check_scope.js) ignores offline_access without prompt=consent: no
        # refresh token then.
        scopes = [s for s in scopes if s != "offline_access"]

    grant = {
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        # The trusted devices' scope is newer than the recorded discovery document's list.
        "scope": " ".join(s for s in scopes if s in SCOPES_SUPPORTED or s == TRUSTED_DEVICES),
        "state": state_param,
        "nonce": params.get("nonce"),
        "ui_locales": params.get("ui_locales"),
        "code_challenge": challenge,
        "issuer": issuer(request),
    }
    session = _session_from_cookie(state, request)
    force_login = "login" in prompts
    if session is not None and max_age not in (None, ""):
        try:
            force_login = force_login or time.time() - session["loginTs"] > int(max_age)
        except ValueError:
            return error_redirect("invalid_request", "invalid max_age parameter value")
    if session is not None and not force_login:
        return _complete(state, request, grant, session["accountId"], authenticated=False)
    if "none" in prompts:
        return error_redirect("login_required", "End-User authentication is required")
    uid = generate_id(21)
    with state.lock:
        state.interactions[uid] = {**grant, "created": time.time(), "pending_user": None}
    return redirect(f"{request.base_url}/oidc/interaction/{uid}")
