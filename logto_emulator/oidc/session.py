"""The provider's sign-in session (its cookie) and the end of every sign-in: the session kept or
started, and an authorization code sent back to the client."""

from __future__ import annotations

import secrets
import time
from typing import Any

from logto_emulator.http import Request, Response, redirect, with_query
from logto_emulator.state import SESSION_LIFETIME_SECONDS, EmulatorState, generate_id, now_ms


SESSION_COOKIE = "logto_emulator_session"
AUTH_CODE_LIFETIME_SECONDS = 60


def _session_from_cookie(state: EmulatorState, request: Request) -> dict[str, Any] | None:
    uid = request.cookies.get(SESSION_COOKIE)
    if not uid:
        return None
    with state.lock:
        session = state.sessions.get(uid)
    if session is None or session["exp"] < time.time():
        return None
    user = state.users.get(session["accountId"])
    if user is None or user["isSuspended"]:
        return None
    return session


def _iso_now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())


def _complete(
    state: EmulatorState,
    request: Request,
    grant: dict[str, Any],
    user_id: str,
    *,
    authenticated: bool,
    identifier: dict[str, str] | None = None,
    verification: str = "Password",
) -> Response:
    now = time.time()
    session = _session_from_cookie(state, request)
    with state.lock:
        if session is None or session["accountId"] != user_id:
            session = {
                "uid": generate_id(43),  # oidc-provider's session uids are 43 characters
                "jti": generate_id(21),
                "accountId": user_id,
                "loginTs": int(now),
                "iat": int(now),
                "exp": int(now) + SESSION_LIFETIME_SECONDS,
                "authorizations": {},
                "lastSubmission": None,
                "clientId": grant["client_id"],
            }
            state.sessions[session["uid"]] = session
        if authenticated:
            session["loginTs"] = int(now)
            session["lastSubmission"] = {
                "interactionEvent": "SignIn",
                "userId": user_id,
                # What the sessions page shows: where the sign-in came from.
                "signInContext": {
                    "ip": request.environ.get("REMOTE_ADDR", ""),
                    "userAgent": request.headers.get("user-agent", ""),
                },
                "verificationRecords": [
                    {
                        "id": generate_id(21),
                        "type": verification,
                        "identifier": identifier or {"type": "userId", "value": user_id},
                        "verified": True,
                    }
                ],
            }
            user = state.users.get(user_id)
            if user is not None:
                user["lastSignInAt"] = now_ms()
                user["applicationId"] = grant["client_id"]  # the app signed in to, as Logto
        authorization = session["authorizations"].setdefault(
            grant["client_id"],
            # oidc-provider's grant ids are 43 characters (a token exchange's: Logto's nanoid, 21).
            {"sid": generate_id(21), "grantId": generate_id(43)},
        )
        if "offline_access" in grant["scope"].split():
            # oidc-provider keeps a grant with refresh tokens past this session's sign-out.
            authorization["persistsLogout"] = True
        code = secrets.token_urlsafe(32)
        state.authorization_codes[code] = {
            **grant,
            "user_id": user_id,
            "auth_time": session["loginTs"],
            "sid": authorization["sid"],
            "session_uid": session["uid"],
            "exp": now + AUTH_CODE_LIFETIME_SECONDS,
        }
    cookie = (
        f"{SESSION_COOKIE}={session['uid']}; Path={request.cookie_path}; HttpOnly; SameSite=Lax"
    )
    location = with_query(
        grant["redirect_uri"], {"code": code, "state": grant["state"], "iss": grant["issuer"]}
    )
    return redirect(location, [("Set-Cookie", cookie)])
