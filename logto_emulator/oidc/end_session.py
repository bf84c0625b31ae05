"""``/oidc/session/end``: sign out of the provider, back to a registered post-logout URI."""

from __future__ import annotations

import jwt

from logto_emulator.http import Request, Response, html_page, redirect, with_query
from logto_emulator.oidc.authorize import _error_page
from logto_emulator.oidc.session import SESSION_COOKIE
from logto_emulator.routes import route
from logto_emulator.state import EmulatorState


@route(None, r"/oidc/session/end")
def end_session(state: EmulatorState, request: Request) -> Response:
    params = dict(request.query)
    if request.method == "POST":
        params.update(request.form())
    client_id = params.get("client_id")
    hint = params.get("id_token_hint")
    if hint:
        try:
            # oidc-provider accepts an expired id_token_hint: it only proves who asks.
            claims = jwt.decode(
                hint,
                state.signing_key.public_key(),
                algorithms=["ES384"],
                options={"verify_exp": False, "verify_aud": False},
            )
        except jwt.PyJWTError:
            return _error_page("invalid_request: could not validate id_token_hint")
        if client_id and client_id != claims.get("aud"):
            return _error_page("invalid_request: client_id mismatch")
        client_id = claims.get("aud")
    uri = params.get("post_logout_redirect_uri")
    app = state.applications.get(client_id or "")
    if uri:
        if app is None:
            return _error_page(
                "invalid_request: post_logout_redirect_uri can only be used in combination with id_token_hint or client_id"
            )
        if uri not in app.post_logout_redirect_uris:
            return _error_page("invalid_request: post_logout_redirect_uri not registered")
    uid = request.cookies.get(SESSION_COOKIE)
    if uid:
        with state.lock:
            state.sessions.pop(uid, None)
    clear = [
        (
            "Set-Cookie",
            f"{SESSION_COOKIE}=; Path={request.cookie_path}; HttpOnly; SameSite=Lax; Max-Age=0",
        )
    ]
    if uri:
        return redirect(with_query(uri, {"state": params.get("state")}), clear)
    return html_page(
        "Signed out", "<h1>Signed out</h1><p>You have been signed out.</p>", headers=clear
    )
