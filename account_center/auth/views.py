"""Sign-in, sign-out and reauthentication with Logto (OIDC authorization code + PKCE).

Every OIDC round trip leaves an entry in ``session["oidc_states"][state]`` (mozilla-django-oidc's
format: nonce, code_verifier, added_on) to which we add ``purpose`` (``login``, ``refresh`` or
``reauth``), the checked ``next`` URL and, for reauthentication, the expected ``sub``. The callback
pops the entry: a ``state`` is good for one callback only.

Nothing here answers 500 for a refused sign-in: the friendly page says what went wrong in words.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.contrib import auth, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_variables
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from .. import clock
from ..flows import audit, stepup
from ..flows.sign_out_elsewhere import EPOCH_KEY
from ..flows.verification import reauthentication_offered
from ..logto.errors import LogtoError
from ..redirects import safe_redirect_url
from . import oidc_settings, user_tokens
from .backends import CLOCK_LEEWAY, REQUEST_ATTR, LogtoBackend
from .exceptions import REASONS, SignInFailed
from .messages import failure_message
from .oidc_states import annotate_state

logger = logging.getLogger(__name__)

BACKEND_PATH = "account_center.auth.backends.LogtoBackend"

# A reauthentication proves presence only if Logto's auth_time is this recent.
REAUTH_MAX_AGE = 300

# Errors Logto answers a silent (prompt=none) refresh with when the user must sign in again.
_INTERACTION_ERRORS = frozenset(
    {"login_required", "interaction_required", "consent_required", "account_selection_required"}
)


def _default_next() -> str:
    return resolve_url(oidc_settings.oidc_setting("LOGIN_REDIRECT_URL"))


def render_failure(
    request: HttpRequest, reason: str, *, retry_url: str | None = None
) -> HttpResponse:
    """The friendly "sign-in did not work" page, with a way to try again."""
    reason = reason if reason in REASONS else "generic"
    if retry_url is None:
        retry_url = reverse("account_center:login")
    response = render(
        request,
        "account_center/auth/login_failed.html",
        {"reason": reason, "message": failure_message(reason), "retry_url": retry_url},
        status=REASONS[reason],
    )
    response["Cache-Control"] = "no-store"
    return response


def _retry_url(entry: dict[str, Any] | None) -> str:
    entry = entry or {}
    reauth = entry.get("purpose") == "reauth"
    url = reverse("account_center:reauthenticate" if reauth else "account_center:login")
    if entry.get("next"):
        url += "?" + urlencode({"next": entry["next"]})
    return url


@method_decorator(never_cache, name="dispatch")
class LoginView(OIDCAuthenticationRequestView):
    """GET ``login/?next=``: send the browser to Logto's authorization endpoint."""

    purpose = "login"

    def __init__(self, **kwargs: Any) -> None:
        # mozilla reads the endpoints here; we read them in get() where a failure can be shown.
        View.__init__(self, **kwargs)

    @staticmethod
    def get_settings(attr: str, *args: Any) -> Any:
        return oidc_settings.oidc_setting(attr, *args)

    def get(self, request: HttpRequest) -> HttpResponse:
        next_url = safe_redirect_url(request, request.GET.get("next"), None)
        try:
            self.OIDC_OP_AUTH_ENDPOINT = self.get_settings("OIDC_OP_AUTHORIZATION_ENDPOINT")
            self.OIDC_RP_CLIENT_ID = self.get_settings("OIDC_RP_CLIENT_ID")
        except LogtoError as exc:
            logger.warning("Cannot start sign-in, Logto discovery failed: %s", exc)
            return render_failure(request, "unavailable", retry_url=request.get_full_path())
        response = super().get(request)
        # mozilla keeps one global "oidc_login_next"; two tabs would overwrite each other's.
        request.session.pop("oidc_login_next", None)
        annotate_state(request, response["Location"], **self.state_fields(request, next_url))
        return response

    def state_fields(self, request: HttpRequest, next_url: str | None) -> dict[str, Any]:
        return {"purpose": self.purpose, "next": next_url}

    def get_extra_params(self, request: HttpRequest) -> dict[str, Any]:
        # Logto's sign-in page in the site's language (OIDC ``ui_locales``).
        params = dict(super().get_extra_params(request))
        locales = ui_locales(translation.get_language())
        if locales:
            params["ui_locales"] = locales
        if "offline_access" in str(self.get_settings("OIDC_RP_SCOPES", "")).split():
            # Logto (oidc-provider) drops offline_access, and issues no refresh token, unless
            # the request says prompt=consent; a first-party app is consented without a page.
            params.setdefault("prompt", "consent")
        return params


def ui_locales(language: str | None) -> str:
    """Django's language as Logto's language tags, best first: Logto names Traditional Chinese
    ``zh-TW`` and Simplified ``zh-CN``; other codes are BCP 47 already (``en``, ``pt-BR``)."""
    if not language:
        return ""
    code = language.lower()
    if code in ("zh-hant", "zh-tw", "zh-hk"):
        return "zh-TW zh-Hant"
    if code in ("zh-hans", "zh-cn"):
        return "zh-CN zh-Hans"
    base, _, region = code.partition("-")
    return f"{base}-{region.upper()}" if region and len(region) == 2 else code


class ReauthenticateView(LoginView):
    """GET ``reauthenticate/?next=``: sign in again at Logto (step-up), MFA included."""

    purpose = "reauth"

    def get(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            login = reverse("account_center:login")
            return HttpResponseRedirect(f"{login}?{urlencode({'next': request.get_full_path()})}")
        # Not sent to Logto for a sign-in that would not count (the callback checks again).
        next_url = safe_redirect_url(request, request.GET.get("next"), None)
        refused = refuse_unless_offered(request, next_url, retry_url=request.get_full_path())
        return refused or super().get(request)

    def get_extra_params(self, request: HttpRequest) -> dict[str, Any]:
        # prompt=login makes Logto ask again even with a live Logto session; max_age=0 makes
        # the new ID token carry auth_time, which the callback checks.
        return {**super().get_extra_params(request), "prompt": "login", "max_age": "0"}

    def state_fields(self, request: HttpRequest, next_url: str | None) -> dict[str, Any]:
        return {
            "purpose": self.purpose,
            "next": next_url,
            "sub": _signed_in_sub(request),
            "started_at": clock.now(),
        }


def refuse_unless_offered(
    request: HttpRequest, next_url: str | None, *, retry_url: str
) -> HttpResponse | None:
    """``None`` when signing in again passes step-up for the signed-in user (the site offers it,
    or it is their last way left); else, audited as denied, the step-up page with the ways that
    do count and why. Logto unreachable: the friendly page, offering ``retry_url``."""
    sub = _signed_in_sub(request)
    if sub is None:
        return None  # the callback refuses a signed-out or unlinked browser in its own words
    try:
        offered = reauthentication_offered(sub)
    except LogtoError as exc:
        logger.warning("Cannot tell whether signing in again is offered: %s", exc)
        return render_failure(request, "unavailable", retry_url=retry_url)
    if offered:
        return None
    audit.record(request, "reauthentication", audit.DENIED, reason="not_offered")
    messages.error(
        request,
        _("Signing in again is not a way to confirm it's you on this site. Use one shown here."),
        fail_silently=True,
    )
    step_up = reverse("account_center:step_up")
    if next_url:
        step_up += "?" + urlencode({"next": next_url})
    return HttpResponseRedirect(step_up)


def _signed_in_sub(request: HttpRequest) -> str | None:
    if not request.user.is_authenticated:
        return None
    identity = getattr(request.user, "logto_identity", None)
    return identity.sub if identity is not None else None


# How long a sign-in started here may take before its callback is refused.
STATE_MAX_AGE = 10 * 60


def _added_on(entry: Any) -> float:
    value = entry.get("added_on") if isinstance(entry, dict) else None
    return float(value) if isinstance(value, (int, float)) else 0.0


def _loggable(value: str) -> str:
    """A visitor-supplied value made safe for a log line: no line breaks or control characters
    (which would forge log entries), at most 64 characters."""
    cleaned = "".join(c if c.isprintable() else "?" for c in value[:64])
    return repr(cleaned)


@method_decorator(never_cache, name="dispatch")
class CallbackView(View):
    """GET ``oidc/callback/``: where Logto sends the browser back, for every purpose."""

    http_method_names = ["get"]

    # Every frame below holds a sign-in secret (the state entries' nonces and PKCE verifiers, the
    # tokens), in this module as in mozilla-django-oidc's and requests': reports show none.
    @sensitive_variables()
    def get(self, request: HttpRequest) -> HttpResponse:
        state = request.GET.get("state", "")
        states = request.session.get("oidc_states")
        entry = None
        if isinstance(states, dict) and states:
            # One use only, also when Logto answers an error (replay protection); entries older
            # than STATE_MAX_AGE are dropped unused: a sign-in link left open is not valid forever.
            entry = states.pop(state, None)
            oldest = clock.now() - STATE_MAX_AGE
            for stale in [k for k, v in states.items() if _added_on(v) < oldest]:
                del states[stale]
            if entry is not None and _added_on(entry) < oldest:
                entry = None
            request.session["oidc_states"] = states
            request.session.modified = True

        error = request.GET.get("error")
        if error:
            return self.provider_error(request, error, entry)
        if entry is None:
            logger.info("OIDC callback with an unknown state")
            return render_failure(request, "state")
        if entry.get("purpose") == "reauth":
            return self.reauthenticated(request, entry)
        return self.signed_in(request, entry)

    def provider_error(
        self, request: HttpRequest, error: str, entry: dict[str, Any] | None
    ) -> HttpResponse:
        # The parameter is the visitor's to write: logged as a short, printable word only.
        logger.info("Logto answered the sign-in with error=%s", _loggable(error))
        purpose = (entry or {}).get("purpose")
        if purpose == "refresh":
            # The silent refresh failed: the Logto session is over, so is ours.
            auth.logout(request)
            if error in _INTERACTION_ERRORS:
                login = reverse("account_center:login")
                query = urlencode({"next": entry["next"]}) if entry and entry.get("next") else ""
                return HttpResponseRedirect(f"{login}?{query}" if query else login)
        # An error with an unknown state changes nothing: a forged link must not sign anyone out.
        reason = "denied" if error == "access_denied" else "provider"
        return render_failure(request, reason, retry_url=_retry_url(entry))

    def signed_in(self, request: HttpRequest, entry: dict[str, Any]) -> HttpResponse:
        next_url = safe_redirect_url(request, entry.get("next"), None)
        try:
            user = auth.authenticate(
                request=request,
                nonce=entry.get("nonce"),
                code_verifier=entry.get("code_verifier"),
                landing_reads=_landing_reads(next_url or _default_next()),
            )
        except SignInFailed as exc:
            logger.warning("Sign-in refused (%s): %s", exc.reason, exc.detail)
            return render_failure(request, exc.reason, retry_url=_retry_url(entry))
        if user is None:
            return render_failure(request, "generic", retry_url=_retry_url(entry))
        if not user.is_active:
            return render_failure(request, "inactive", retry_url=_retry_url(entry))

        stash: dict[str, Any] = getattr(request, REQUEST_ATTR, None) or {}
        same_user = request.user.is_authenticated and request.user.pk == user.pk
        if not same_user:
            # login() rotates the session key (and flushes another user's session), which is
            # why the tokens are written only afterwards.
            auth.login(request, user, backend=BACKEND_PATH)
        request.session.update(stash)
        _renew_expiry(request)
        identity = getattr(user, "logto_identity", None)
        if identity is not None:
            # Sessions signed in under an older epoch end when the credentials change again.
            request.session[EPOCH_KEY] = identity.session_epoch
        return HttpResponseRedirect(next_url or _default_next())

    def reauthenticated(self, request: HttpRequest, entry: dict[str, Any]) -> HttpResponse:
        retry = _retry_url(entry)
        expected = entry.get("sub")
        current = _signed_in_sub(request)
        if current is None:
            login_again = _retry_url({"next": entry.get("next")})
            return render_failure(request, "reauth_signed_out", retry_url=login_again)
        if expected != current:
            # Signed in as someone else since the reauthentication started.
            return render_failure(request, "reauth_mismatch", retry_url=retry)
        try:
            tokens = LogtoBackend().verify_callback(
                request, nonce=entry.get("nonce"), code_verifier=entry.get("code_verifier")
            )
        except SignInFailed as exc:
            logger.warning("Reauthentication refused (%s): %s", exc.reason, exc.detail)
            return render_failure(request, exc.reason, retry_url=retry)
        claims = tokens["claims"]
        if claims.get("sub") != current:
            logger.warning("Reauthentication came back as another Logto user; refused")
            audit.record(request, "reauthentication", audit.DENIED, reason="another_user")
            return render_failure(request, "reauth_mismatch", retry_url=retry)
        auth_time = claims.get("auth_time")
        oldest = max(float(entry.get("started_at") or 0), clock.now() - REAUTH_MAX_AGE)
        if not isinstance(auth_time, (int, float)) or auth_time < oldest - CLOCK_LEEWAY:
            return render_failure(request, "reauth_stale", retry_url=retry)
        # The check that counts: the method may have been switched off since the user left.
        refused = refuse_unless_offered(
            request, safe_redirect_url(request, entry.get("next"), None), retry_url=retry
        )
        if refused is not None:
            return refused

        request.session.update(
            {
                "oidc_id_token": tokens["id_token"],
                "account_center_sid": claims.get("sid")
                or request.session.get("account_center_sid"),
                "account_center_auth_time": auth_time,
            }
        )
        _renew_expiry(request)  # a fresh ID token: the session is good for another period
        stepup.record_verification(request, method="reauthentication")
        # Back where the change was started (with what was typed, if the URL carries it): say so.
        messages.success(
            request,
            _("You signed in again. You can go on now."),
            fail_silently=True,
        )
        next_url = safe_redirect_url(request, entry.get("next"), None)
        return HttpResponseRedirect(next_url or _default_next())


def _landing_reads(url: str) -> tuple[str, ...] | None:
    """For a sign-in landing on one of the account center's pages (which wait for Logto's
    tenant-wide things): the features it reads only through the Management API (the view's
    ``management_reads``); ``None`` for a page of the host project's."""
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return None
    if "account_center" not in match.namespaces:
        return None
    return tuple(getattr(getattr(match.func, "view_class", None), "management_reads", ()))


def _renew_expiry(request: HttpRequest) -> None:
    request.session["oidc_id_token_expiration"] = clock.now() + oidc_settings.oidc_setting(
        "OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS", 15 * 60
    )


@method_decorator(never_cache, name="dispatch")
@method_decorator(csrf_protect, name="dispatch")
class LogoutView(View):
    """POST ``logout/``: revoke the refresh token the session keeps, end the Django session, then
    Logto's (end_session). GET asks first.

    Sign-out is POST-only so that an image tag or a link on another site cannot sign people out.
    """

    http_method_names = ["get", "post"]

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "account_center/auth/logout.html", {})

    @sensitive_variables("id_token", "params")
    def post(self, request: HttpRequest) -> HttpResponse:
        after_path = resolve_url(oidc_settings.oidc_setting("LOGOUT_REDIRECT_URL"))
        after = request.build_absolute_uri(after_path)
        if not request.user.is_authenticated:
            return HttpResponseRedirect(after)
        id_token = request.session.get("oidc_id_token")
        user_tokens.revoke_at_sign_out(request)
        auth.logout(request)
        try:
            end_session = oidc_settings.oidc_setting("OIDC_OP_LOGOUT_ENDPOINT", None)
        except LogtoError as exc:
            # Signed out here; Logto's session outlives it, but the user is not stuck.
            logger.warning("Signed out locally only, Logto discovery failed: %s", exc)
            end_session = None
        if not end_session:
            return HttpResponseRedirect(after)
        params = {"post_logout_redirect_uri": after}
        if id_token:
            params["id_token_hint"] = id_token
        else:
            params["client_id"] = oidc_settings.oidc_setting("OIDC_RP_CLIENT_ID")
        separator = "&" if "?" in end_session else "?"
        return HttpResponseRedirect(f"{end_session}{separator}{urlencode(params)}")


@never_cache
def login_failed(request: HttpRequest) -> HttpResponse:
    """GET ``login/failed/?reason=``: the friendly page, for links and other apps."""
    reason = request.GET.get("reason", "generic")
    return render_failure(request, reason if reason in REASONS else "generic")
