"""The OIDC provider half of the emulator: discovery, authorize + sign-in form, token, JWKS,
userinfo and end session, answering as Logto (node-oidc-provider underneath) does."""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from functools import partial
from typing import Any

import jwt

from logto_emulator import phrases, totp
from logto_emulator.connectors import CONNECTOR_IDS
from logto_emulator.http import (
    Request,
    Response,
    esc,
    html_page,
    json_response,
    redirect,
    with_query,
)
from logto_emulator.state import (
    SESSION_LIFETIME_SECONDS,
    TOKEN_LIFETIME_SECONDS,
    Application,
    EmulatorState,
    check_password,
    generate_id,
    now_ms,
)

SESSION_COOKIE = "logto_emulator_session"
MOCK_SOCIAL_CONNECTOR_ID = CONNECTOR_IDS["social"]
AUTH_CODE_LIFETIME_SECONDS = 60
SCOPES_SUPPORTED = [
    "openid",
    "offline_access",
    "profile",
    "email",
    "phone",
    "address",
    "custom_data",
    "identities",
    "roles",
    "urn:logto:scope:organizations",
    "urn:logto:scope:organization_roles",
    "urn:logto:scope:sessions",
]
# Logto's list, in its order (a real 1.37.1 discovery document).
CLAIMS_SUPPORTED = [
    "sub",
    "name",
    "family_name",
    "given_name",
    "middle_name",
    "nickname",
    "preferred_username",
    "profile",
    "picture",
    "website",
    "gender",
    "birthdate",
    "zoneinfo",
    "locale",
    "updated_at",
    "username",
    "created_at",
    "email",
    "email_verified",
    "phone_number",
    "phone_number_verified",
    "address",
    "custom_data",
    "identities",
    "sso_identities",
    "roles",
    "organizations",
    "organization_data",
    "organization_roles",
    "sid",
    "auth_time",
    "iss",
]


def issuer(request: Request) -> str:
    return f"{request.base_url}/oidc"


def discovery(state: EmulatorState, request: Request) -> Response:
    """Logto's discovery document, key for key (a real 1.37.1 answer, with this base URL).

    It lists endpoints and grants the emulator does not serve (introspection, revocation, pushed
    authorization requests, token exchange); an account center never calls them.
    """
    base = issuer(request)
    return json_response(
        {
            "authorization_endpoint": f"{base}/auth",
            "claims_parameter_supported": False,
            "claims_supported": CLAIMS_SUPPORTED,
            "code_challenge_methods_supported": ["S256"],
            "end_session_endpoint": f"{base}/session/end",
            "grant_types_supported": [
                "implicit",
                "authorization_code",
                "refresh_token",
                "client_credentials",
                "urn:ietf:params:oauth:grant-type:token-exchange",
            ],
            "issuer": base,
            "jwks_uri": f"{base}/jwks",
            "authorization_response_iss_parameter_supported": True,
            "response_modes_supported": ["form_post", "fragment", "query"],
            "response_types_supported": ["code id_token", "code", "id_token", "none"],
            "scopes_supported": SCOPES_SUPPORTED,
            "subject_types_supported": ["public"],
            # node-oidc-provider's defaults as Logto publishes them; web and M2M apps in fact
            # authenticate with client_secret_basic or client_secret_post.
            "token_endpoint_auth_methods_supported": [
                "client_secret_basic",
                "client_secret_jwt",
                "client_secret_post",
                "private_key_jwt",
                "none",
            ],
            "token_endpoint_auth_signing_alg_values_supported": [
                "HS256",
                "RS256",
                "PS256",
                "ES256",
                "EdDSA",
            ],
            "token_endpoint": f"{base}/token",
            "id_token_signing_alg_values_supported": ["ES384"],
            "pushed_authorization_request_endpoint": f"{base}/request",
            "request_parameter_supported": False,
            "request_uri_parameter_supported": False,
            "userinfo_endpoint": f"{base}/me",
            "introspection_endpoint": f"{base}/token/introspection",
            "revocation_endpoint": f"{base}/token/revocation",
            "backchannel_logout_supported": True,
            "backchannel_logout_session_supported": True,
            "claim_types_supported": ["normal"],
        }
    )


def jwks(state: EmulatorState, request: Request) -> Response:
    return json_response({"keys": [state.public_jwk()]})


# -- authorize --------------------------------------------------------------------------------
def _error_page(message: str, status: int = 400) -> Response:
    return html_page(
        "Sign-in error",
        f"<h1>oops! something went wrong</h1><p class='error' role='alert'>{esc(message)}</p>",
        status=status,
    )


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

    grant = {
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": " ".join(s for s in scopes if s in SCOPES_SUPPORTED),
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


def _lang(pending: dict[str, Any], request: Request) -> str:
    return phrases.language(pending.get("ui_locales"), request.headers.get("accept-language"))


def social_callback_uri(request: Request) -> str:
    """Where the mock social provider sends the browser back to finish a sign-in (Logto's
    ``/callback/{connectorId}``)."""
    return f"{request.base_url}/callback/{MOCK_SOCIAL_CONNECTOR_ID}"


def _social_buttons(state: EmulatorState, uid: str, request: Request, lang: str) -> str:
    """As Logto's sign-in page lists the tenant's social connectors: Mock Social while its
    connector is on."""
    if "social" not in state.connectors:
        return ""
    authorize = with_query(
        f"{request.base_url}/mock-social/authorize",
        {"state": uid, "redirect_uri": social_callback_uri(request), "scope": "email profile"},
    )
    label = phrases.say(lang, "Continue with Mock Social")
    return f'<p class="social"><a class="button" href="{esc(authorize)}">{esc(label)}</a></p>'


def _sign_in_form(
    uid: str,
    request: Request,
    lang: str,
    error: str | None = None,
    identifier: str = "",
    *,
    state: EmulatorState,
) -> Response:
    t = partial(phrases.say, lang)
    alert = f"<p class='error' role='alert' id='form-error'>{esc(t(error))}</p>" if error else ""
    described = " aria-describedby='form-error' aria-invalid='true'" if error else ""
    return html_page(
        t("Sign in"),
        f"""<h1>{esc(t("Sign in"))}</h1>{alert}
<form method="post" action="{esc(request.base_url)}/oidc/interaction/{esc(uid)}">
<label for="identifier">{esc(t("Username, email or phone"))}</label>
<input id="identifier" name="identifier" autocomplete="username" required value="{esc(identifier)}"{described}>
<label for="password">{esc(t("Password"))}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required{described}>
<button type="submit" name="action" value="sign_in">{esc(t("Sign in"))}</button>
<button type="submit" name="action" value="cancel" formnovalidate>{esc(t("Cancel"))}</button>
</form>{_social_buttons(state, uid, request, lang)}""",
        lang=lang,
    )


def _totp_form(uid: str, request: Request, lang: str, error: str | None = None) -> Response:
    t = partial(phrases.say, lang)
    alert = f"<p class='error' role='alert' id='form-error'>{esc(t(error))}</p>" if error else ""
    described = " aria-describedby='form-error' aria-invalid='true'" if error else ""
    label = t("6-digit code from your authenticator app, or a backup code")
    return html_page(
        t("2-step verification"),
        f"""<h1>{esc(t("2-step verification"))}</h1>{alert}
<form method="post" action="{esc(request.base_url)}/oidc/interaction/{esc(uid)}">
<label for="totp">{esc(label)}</label>
<input id="totp" name="totp" autocomplete="one-time-code" maxlength="10" required{described}>
<button type="submit" name="action" value="verify_totp">{esc(t("Continue"))}</button>
<button type="submit" name="action" value="cancel" formnovalidate>{esc(t("Cancel"))}</button>
</form>""",
        lang=lang,
    )


def interaction(state: EmulatorState, request: Request, uid: str) -> Response:
    with state.lock:
        pending = state.interactions.get(uid)
    if pending is None or time.time() - pending["created"] > 3600:
        return _error_page(
            "session_not_found: interaction session not found or expired", status=400
        )
    if request.method == "GET":
        if pending["pending_user"]:
            return _totp_form(uid, request, _lang(pending, request))
        return _sign_in_form(uid, request, _lang(pending, request), state=state)
    form = request.form()
    if form.get("action") == "cancel":
        with state.lock:
            state.interactions.pop(uid, None)
        return redirect(
            with_query(
                pending["redirect_uri"],
                {
                    "error": "access_denied",
                    "error_description": "End-User aborted interaction",
                    "state": pending["state"],
                    "iss": pending["issuer"],
                },
            )
        )
    if pending["pending_user"]:
        user = state.users.get(pending["pending_user"])
        if user is None:
            return _error_page("session_not_found: interaction session not found or expired")
        if not _verify_second_factor(state, user, form.get("totp", "")):
            return _totp_form(
                uid, request, _lang(pending, request), error="Invalid verification code."
            )
        with state.lock:
            state.interactions.pop(uid, None)
        return _complete(
            state,
            request,
            pending,
            user["id"],
            authenticated=True,
            identifier=pending["identifier"],
            verification=pending.get("verification", "Password"),
        )
    identifier = form.get("identifier", "")
    user = state.find_user_by_identifier(identifier)
    if user is None or not check_password(form.get("password", ""), user.get("_password")):
        return _sign_in_form(
            uid,
            request,
            _lang(pending, request),
            error="Incorrect account or password. Please check your input.",
            identifier=identifier,
            state=state,
        )
    if user["isSuspended"]:
        return _sign_in_form(
            uid,
            request,
            _lang(pending, request),
            error="This account is suspended.",
            identifier=identifier,
            state=state,
        )
    return _first_factor_passed(
        state, request, uid, pending, user, _identifier_of(user, identifier), "Password"
    )


def _first_factor_passed(
    state: EmulatorState,
    request: Request,
    uid: str,
    pending: dict[str, Any],
    user: dict[str, Any],
    identifier: dict[str, str],
    verification: str,
) -> Response:
    """The password (or the social provider) said yes: ask for the second factor where Logto
    would, else finish the sign-in."""
    mfa_config = user["logtoConfig"].get("mfa", {})
    # As Logto's MfaValidator.isMfaRequired: a user who switched it off (or skips it on sign-in)
    # is not asked; absent means asked whenever a factor exists.
    switched_off = mfa_config.get("enabled") is False or mfa_config.get("skipMfaOnSignIn")
    if not switched_off and any(f["type"] == "Totp" for f in user["_mfa"]):
        with state.lock:
            pending["pending_user"] = user["id"]
            pending["identifier"] = identifier
            pending["verification"] = verification
        return _totp_form(uid, request, _lang(pending, request))
    with state.lock:
        state.interactions.pop(uid, None)
    return _complete(
        state,
        request,
        pending,
        user["id"],
        authenticated=True,
        identifier=identifier,
        verification=verification,
    )


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


def _identifier_of(user: dict[str, Any], typed: str) -> dict[str, str]:
    if "@" in typed:
        return {"type": "email", "value": user["primaryEmail"]}
    if user.get("username") and typed.lower() == user["username"].lower():
        return {"type": "username", "value": user["username"]}
    return {"type": "phone", "value": user.get("primaryPhone") or typed}


def _verify_second_factor(state: EmulatorState, user: dict[str, Any], code: str) -> bool:
    code = code.strip().replace(" ", "")
    for factor in user["_mfa"]:
        # Logto records no lastUsedAt on TOTP or backup-code factors.
        if factor["type"] == "Totp" and factor["secret"] and totp.verify(factor["secret"], code):
            return True
    for factor in user["_mfa"]:
        # A backup code works once, as in Logto's sign-in.
        if factor["type"] == "BackupCode":
            for backup in factor["codes"]:
                if backup["usedAt"] is None and secrets.compare_digest(
                    backup["code"].lower(), code.lower()
                ):
                    backup["usedAt"] = now_ms()
                    return True
    return False


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
            {"sid": generate_id(21), "grantId": generate_id(21)},
        )
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


# -- token ------------------------------------------------------------------------------------
# Logto's English messages for oidc-provider errors (phrases errors/oidc.ts); an error without its
# own phrase gets provider_error_fallback, "An OIDC error occurred: {code}.".
OIDC_ERROR_MESSAGES = {
    "invalid_token": "Invalid token provided.",
    "invalid_request": "Request is invalid.",
    "invalid_grant": "Grant request is invalid.",
    "invalid_target": "Invalid resource indicator.",
    "unsupported_grant_type": "Unsupported `grant_type` requested.",
    "access_denied": "Access denied.",
}
OIDC_ERROR_URIS = {"invalid_grant": "https://openid.sh/debug/invalid_grant"}
# The grants each kind of Logto application may use at the token endpoint.
ALLOWED_GRANTS = {
    "Traditional": {"authorization_code", "refresh_token"},
    "MachineToMachine": {"client_credentials"},
}
KNOWN_GRANTS = {
    "authorization_code",
    "refresh_token",
    "client_credentials",
    "urn:ietf:params:oauth:grant-type:token-exchange",
}


def oidc_error_body(error: str, description: str) -> dict[str, Any]:
    """oidc-provider's ``{error, error_description}`` as Logto's error handler extends it."""
    code = f"oidc.{error}"
    body: dict[str, Any] = {
        "code": code,
        "message": OIDC_ERROR_MESSAGES.get(error, f"An OIDC error occurred: {code}."),
    }
    if error in OIDC_ERROR_URIS:
        body["error_uri"] = OIDC_ERROR_URIS[error]
    body.update(error=error, error_description=description)
    return body


def _oidc_error(
    status: int, error: str, description: str, headers: list[tuple[str, str]] | None = None
) -> Response:
    return json_response(
        oidc_error_body(error, description),
        status=status,
        headers=[("Cache-Control", "no-store"), *(headers or [])],
    )


def _authenticate_client(
    state: EmulatorState, request: Request, form: dict[str, str]
) -> Application | Response:
    """oidc-provider's client authentication, in its order: one mechanism, a known client, the secret.

    Logto accepts client_secret_basic and client_secret_post for web and M2M apps alike.
    """
    basic = request.basic_auth()
    if basic and ("client_secret" in form or "client_assertion" in form):
        return _oidc_error(
            400,
            "invalid_request",
            "client authentication must only be provided using one mechanism",
        )
    if basic:
        client_id, secret = basic
        if form.get("client_id") and form["client_id"] != client_id:
            return _oidc_error(
                400, "invalid_request", "mismatch in body and authorization client ids"
            )
        if not secret:
            return _oidc_error(
                400, "invalid_request", "client_secret must be provided in the Authorization header"
            )
    else:
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        if not client_id:
            return _oidc_error(
                400, "invalid_request", "no client authentication mechanism provided"
            )
    app = state.applications.get(client_id)
    if app is None:
        # An unknown client is a 400 naming it; a known one with a wrong secret is the 401 below.
        return _oidc_error(400, "invalid_client", f"invalid client {client_id}")
    if not secret or not secrets.compare_digest(secret.encode(), app.secret.encode()):
        # The Basic challenge is only sent back to a client that authenticated with Basic.
        challenge = (
            [
                (
                    "WWW-Authenticate",
                    f'Basic realm="{issuer(request)}", error="invalid_client", error_description="client authentication failed"',
                )
            ]
            if basic
            else []
        )
        return _oidc_error(401, "invalid_client", "client authentication failed", challenge)
    return app


def _sign(state: EmulatorState, claims: dict[str, Any], typ: str | None = None) -> str:
    headers: dict[str, Any] = {"kid": state.kid}
    if typ:
        headers["typ"] = typ
    return jwt.encode(claims, state.signing_key, algorithm="ES384", headers=headers)


def _at_hash(access_token: str) -> str:
    digest = hashlib.sha384(access_token.encode()).digest()
    return base64.urlsafe_b64encode(digest[: len(digest) // 2]).rstrip(b"=").decode()


def token(state: EmulatorState, request: Request) -> Response:
    form = request.form()
    client = _authenticate_client(state, request, form)
    if isinstance(client, Response):
        return client
    grant_type = form.get("grant_type")
    if not grant_type:
        return _oidc_error(400, "invalid_request", "missing required parameter 'grant_type'")
    if grant_type not in KNOWN_GRANTS:
        return _oidc_error(400, "unsupported_grant_type", "unsupported grant_type requested")
    if grant_type not in ALLOWED_GRANTS.get(client.type, set()):
        # Logto (oidc-provider) says invalid_request here, not unauthorized_client.
        return _oidc_error(
            400, "invalid_request", "requested grant type is not allowed for this client"
        )
    if grant_type == "authorization_code":
        return _authorization_code_grant(state, client, form)
    if grant_type == "refresh_token":
        if not form.get("refresh_token"):
            return _oidc_error(400, "invalid_request", "missing required parameter 'refresh_token'")
        # The emulator issues no refresh tokens, so none is ever valid.
        return _oidc_error(400, "invalid_grant", "grant request is invalid")
    return _client_credentials_grant(state, request, client, form)


def _authorization_code_grant(
    state: EmulatorState, client: Application, form: dict[str, str]
) -> Response:
    if not form.get("code"):
        return _oidc_error(400, "invalid_request", "missing required parameter 'code'")
    with state.lock:
        grant = state.authorization_codes.pop(form["code"], None)
    if (
        grant is None
        or grant["exp"] < time.time()
        or grant["client_id"] != client.id
        or grant["redirect_uri"] != form.get("redirect_uri")
    ):
        return _oidc_error(400, "invalid_grant", "grant request is invalid")
    if grant["code_challenge"]:
        verifier = form.get("code_verifier", "")
        computed = (
            base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            .rstrip(b"=")
            .decode()
        )
        if not verifier or not secrets.compare_digest(computed, grant["code_challenge"]):
            return _oidc_error(400, "invalid_grant", "grant request is invalid")
    user = state.users.get(grant["user_id"])
    if user is None or user["isSuspended"]:
        return _oidc_error(400, "invalid_grant", "grant request is invalid")
    access_token = secrets.token_urlsafe(32)
    scopes = grant["scope"].split()
    state.store_token(
        access_token,
        {"kind": "user", "sub": user["id"], "client_id": client.id, "scope": grant["scope"]},
    )
    now = int(time.time())
    claims: dict[str, Any] = {
        "sub": user["id"],
        **id_token_claims(user, scopes, state.extended_id_token_claims),
        "at_hash": _at_hash(access_token),
        "aud": client.id,
        "exp": now + TOKEN_LIFETIME_SECONDS,
        "iat": now,
        "iss": grant["issuer"],
        "auth_time": grant["auth_time"],
        "sid": grant["sid"],
    }
    if grant["nonce"]:
        claims["nonce"] = grant["nonce"]
    return json_response(
        {
            "access_token": access_token,
            "expires_in": TOKEN_LIFETIME_SECONDS,
            "id_token": _sign(state, claims),
            "scope": grant["scope"],
            "token_type": "Bearer",
        },
        headers=[("Cache-Control", "no-store")],
    )


def _client_credentials_grant(
    state: EmulatorState, request: Request, client: Application, form: dict[str, str]
) -> Response:
    resource = form.get("resource")
    if not resource:
        return _oidc_error(
            400, "invalid_target", "both `resource` and `organization_id` are not provided"
        )
    if resource != state.management_api_resource:
        return _oidc_error(400, "invalid_target", "resource indicator is missing, or unknown")
    # Scopes the app may not have are dropped, not refused; with none left the token carries no
    # scope and the Management API answers it 403 auth.forbidden.
    scope = "all" if "all" in form.get("scope", "").split() else ""
    now = int(time.time())
    claims: dict[str, Any] = {
        "jti": generate_id(21),
        "sub": client.id,
        "iat": now,
        "exp": now + TOKEN_LIFETIME_SECONDS,
    }
    if scope:
        claims["scope"] = scope
    claims.update(client_id=client.id, iss=issuer(request), aud=resource)
    access_token = _sign(state, claims, typ="at+jwt")
    state.store_token(access_token, {"kind": "m2m", "client_id": client.id, "scope": scope})
    with state.lock:
        state.m2m_tokens_issued += 1
    answer: dict[str, Any] = {
        "access_token": access_token,
        "expires_in": TOKEN_LIFETIME_SECONDS,
        "token_type": "Bearer",
    }
    if scope:
        answer["scope"] = scope
    return json_response(answer, headers=[("Cache-Control", "no-store")])


# -- claims -----------------------------------------------------------------------------------
# Logto's claims per scope (core-kit openid.ts): profile claims read the user, then user.profile.
_PROFILE_CLAIMS = {
    "family_name": "familyName",
    "given_name": "givenName",
    "middle_name": "middleName",
    "nickname": "nickname",
    "profile": "profile",
    "website": "website",
    "gender": "gender",
    "birthdate": "birthdate",
    "zoneinfo": "zoneinfo",
    "locale": "locale",
}
# Claims Logto puts in the ID token only when the tenant enables them ("extended ID token claims");
# the userinfo endpoint always serves them.
EXTENDED_CLAIMS_BY_SCOPE = {
    "custom_data": ["custom_data"],
    "identities": ["identities", "sso_identities"],
}


def _user_claims(user: dict[str, Any], scopes: list[str]) -> dict[str, Any]:
    claims: dict[str, Any] = {}
    profile = user["profile"]
    if "profile" in scopes:
        claims.update(name=user["name"], picture=user["avatar"], username=user["username"])
        claims.update(
            {
                claim: profile[key]
                for claim, key in _PROFILE_CLAIMS.items()
                if profile.get(key) is not None
            }
        )
        preferred = profile.get("preferredUsername") or user["username"]
        if preferred is not None:
            claims["preferred_username"] = preferred
        claims.update(created_at=user["createdAt"], updated_at=user["updatedAt"])
    if "email" in scopes:
        claims.update(email=user["primaryEmail"], email_verified=bool(user["primaryEmail"]))
    if "phone" in scopes:
        claims.update(
            phone_number=user["primaryPhone"], phone_number_verified=bool(user["primaryPhone"])
        )
    if "address" in scopes and profile.get("address") is not None:
        claims["address"] = profile["address"]
    return claims


def _extended_claims(
    user: dict[str, Any], scopes: list[str], allowed: set[str] | None
) -> dict[str, Any]:
    values = {
        "custom_data": lambda: user["customData"],
        "identities": lambda: user["identities"],
        "sso_identities": lambda: [
            {"issuer": s["issuer"], "identityId": s["identityId"], "detail": s.get("detail", {})}
            for s in user["_sso"]
        ],
    }
    claims: dict[str, Any] = {}
    for scope in scopes:
        for claim in EXTENDED_CLAIMS_BY_SCOPE.get(scope, []):
            if allowed is None or claim in allowed:
                claims[claim] = values[claim]()
    return claims


def id_token_claims(
    user: dict[str, Any], scopes: list[str], extended: set[str] | None = None
) -> dict[str, Any]:
    return {**_user_claims(user, scopes), **_extended_claims(user, scopes, extended or set())}


def userinfo_claims(user: dict[str, Any], scopes: list[str]) -> dict[str, Any]:
    return {"sub": user["id"], **_user_claims(user, scopes), **_extended_claims(user, scopes, None)}


def userinfo(state: EmulatorState, request: Request) -> Response:
    header = request.headers.get("authorization", "")
    token_value = (
        header[7:].strip()
        if header.lower().startswith("bearer ")
        else request.query.get("access_token", "")
    )
    info = state.token_info(token_value) if token_value else None
    challenge = [
        (
            "WWW-Authenticate",
            f'Bearer realm="{issuer(request)}", error="invalid_token", error_description="invalid token provided"',
        )
    ]
    if info is None or info["kind"] != "user" or info["sub"] not in state.users:
        return _oidc_error(401, "invalid_token", "invalid token provided", challenge)
    return json_response(userinfo_claims(state.users[info["sub"]], info["scope"].split()))


# -- end session ------------------------------------------------------------------------------
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
