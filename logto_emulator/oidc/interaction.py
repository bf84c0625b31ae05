"""``/oidc/interaction/{uid}``: the sign-in pages (identifier and password, then the second
factor where Logto asks for it; Mock Social beside them), in the user's language."""

from __future__ import annotations

import secrets
import time
from functools import partial
from typing import Any

from logto_emulator import phrases, totp
from logto_emulator.connectors import CONNECTOR_IDS
from logto_emulator.http import Request, Response, esc, html_page, redirect, with_query
from logto_emulator.oidc.authorize import _error_page
from logto_emulator.oidc.session import _complete
from logto_emulator.routes import route
from logto_emulator.state import EmulatorState, check_password, now_ms


MOCK_SOCIAL_CONNECTOR_ID = CONNECTOR_IDS["social"]


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


@route(None, r"/oidc/interaction/([A-Za-z0-9_-]+)")
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
