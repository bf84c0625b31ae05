"""Pages for people (outbox, mock social provider) and JSON helpers for tests (``/_emulator/``)."""

from __future__ import annotations

import secrets
import time
from typing import Any
from urllib.parse import quote, unquote

from logto_emulator.guard import require_own_json
from logto_emulator.http import (
    Request,
    Response,
    esc,
    html_page,
    json_response,
    redirect,
    with_query,
)
from logto_emulator.oidc.interaction import social_callback_uri
from logto_emulator.routes import route
from logto_emulator.state import EmulatorState

PROVIDER_COOKIE = "mock_social_user"


@route("GET", r"/?")
def index_page(state: EmulatorState, request: Request) -> Response:
    base = esc(request.base_url)
    return html_page(
        "Logto emulator",
        f"""<h1>Logto emulator</h1>
<ul>
<li><a href="{base}/oidc/.well-known/openid-configuration">OIDC discovery</a></li>
<li><a href="{base}/outbox">Outbox of sent verification codes</a></li>
</ul>""",
    )


@route("GET", r"/outbox")
def outbox_page(state: EmulatorState, request: Request) -> Response:
    with state.lock:
        messages = list(reversed(state.outbox))
    rows = "".join(
        f"<tr><td>{esc(m['to'])}</td><td>{esc(m['type'])}</td><td><code>{esc(m['code'])}</code></td>"
        f"<td><time datetime='{esc(_iso(m['sentAt']))}'>{esc(_iso(m['sentAt']))}</time></td></tr>"
        for m in messages
    )
    table = (
        "<table><caption>Newest first</caption><thead><tr><th scope='col'>Recipient</th><th scope='col'>Channel</th>"
        f"<th scope='col'>Code</th><th scope='col'>Sent at (UTC)</th></tr></thead><tbody>{rows}</tbody></table>"
        if messages
        else "<p>No messages sent yet.</p>"
    )
    return html_page(
        "Outbox", f"<h1>Outbox</h1><p>Verification codes the emulator has “sent”.</p>{table}"
    )


def _iso(ms: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ms / 1000))


@route("GET", r"/_emulator/outbox")
def outbox_json(state: EmulatorState, request: Request) -> Response:
    with state.lock:
        return json_response(list(reversed(state.outbox)))


@route("GET", r"/_emulator/stats")
def stats_json(state: EmulatorState, request: Request) -> Response:
    with state.lock:
        return json_response(
            {
                "management_api_calls": state.management_api_calls,
                "m2m_tokens_issued": state.m2m_tokens_issued,
                "requests_served": state.requests_served,
                "users": len(state.users),
                "sessions": len(state.sessions),
            }
        )


@route("POST", r"/_emulator/reset")
def reset_json(state: EmulatorState, request: Request) -> Response:
    """``POST {}``: forget every user, session and code (the applications stay)."""
    require_own_json(request)
    state.reset()
    return Response(204)


@route("POST", r"/_emulator/connectors")
def connectors_json(state: EmulatorState, request: Request) -> Response:
    """``POST {"on": false, "kinds": ["email"]}``: switch mock connectors off (or on), e.g. to
    try the app's "sending codes is not set up" path; no kinds means all three."""
    require_own_json(request)
    body = request.json_object()
    kinds = [k for k in body.get("kinds") or () if k in ("email", "sms", "social")]
    state.set_connectors(bool(body.get("on")), *kinds)
    return json_response({"connectors": sorted(state.connectors)})


@route(None, r"/mock-social/authorize")
def mock_social_authorize(state: EmulatorState, request: Request) -> Response:
    """Stands in for a social provider's consent page: a person types the social identity to link
    and is sent back to the app with ``code`` and ``state``, like the mock social connector."""
    params = dict(request.query)
    redirect_uri = params.get("redirect_uri", "")
    # A provider sends codes only to the callbacks registered with it; anything else would make
    # this page hand a fresh code to whichever site a link names.
    with state.lock:
        registered = redirect_uri in state.social_redirect_uris
    registered = registered or redirect_uri == social_callback_uri(request)
    if not registered:
        return html_page(
            "Mock social",
            "<p class='error' role='alert'>Missing or unregistered redirect_uri.</p>",
            status=400,
        )
    if request.method == "POST":
        form = request.form()
        if form.get("action") == "cancel":
            return redirect(
                with_query(redirect_uri, {"error": "access_denied", "state": params.get("state")})
            )
        social_id = form.get("userId", "").strip() or f"mock-social-sub-{secrets.token_hex(8)}"
        # The provider remembers who signed in at it in this browser, as a real one does, so the
        # identity linked earlier is the one offered when signing in with it.
        remembered = (
            f"{PROVIDER_COOKIE}={quote(social_id)}; Path={request.script_name}/mock-social; "
            "HttpOnly; SameSite=Lax"
        )
        code = secrets.token_urlsafe(16)
        identity: dict[str, Any] = {"userId": social_id}
        for key in ("email", "name"):
            if form.get(key, "").strip():
                identity[key] = form[key].strip()
        with state.lock:
            state.social_codes[code] = identity
        # The callback query carries the mock connector's data, as its getUserInfo expects it.
        return redirect(
            with_query(redirect_uri, {"code": code, "state": params.get("state"), **identity}),
            [("Set-Cookie", remembered)],
        )
    signed_in_as = unquote(request.cookies.get(PROVIDER_COOKIE, "")) or (
        f"mock-social-sub-{secrets.token_hex(4)}"
    )
    return html_page(
        "Mock social sign-in",
        f"""<h1>Mock Social</h1>
<p>Pretend to sign in at a social provider: the identity below goes back to the app.</p>
<form method="post">
<label for="userId">Social account id</label>
<input id="userId" name="userId" value="{esc(signed_in_as)}" required>
<label for="email">Email at the provider (optional)</label>
<input id="email" name="email" type="email">
<label for="name">Name at the provider (optional)</label>
<input id="name" name="name">
<button type="submit" name="action" value="allow">Continue</button>
<button type="submit" name="action" value="cancel" formnovalidate>Cancel</button>
</form>""",
    )
