"""Session refresh against Logto that htmx can follow.

mozilla-django-oidc's ``SessionRefresh`` sends a GET whose ID token is older than
``OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS`` (default 15 min) to Logto with ``prompt=none``. For an htmx
request that 302 is followed by the browser's XHR, cross-origin, and fails silently: we answer
``HX-Redirect`` instead, so the whole page goes to Logto and comes back to the page (not to the
fragment URL).

It also guards what an expired or outdated session may do:

* A POST (or any unsafe method) whose ID token has expired is answered 401 and changes nothing:
  the refresh round trip through Logto would lose the form, and the session is not known to be
  good any more. htmx requests get ``HX-Redirect`` to sign in again, back to the page.
* While support views an account as its user (``flows/view_as.py``), every POST (any unsafe
  method) of the site is refused with words and audited before its view runs, but the way back
  and signing out (both end the view); the view ends by itself when its time is up; and every
  HTML page of the site carries the banner with the way back.
* A session signed in before the user's credentials changed (see
  ``flows/sign_out_elsewhere.py``), or whose Logto session was signed out from another session
  (``flows/sessions.py``), is signed out at its next request, on any page of the site: one cache
  read (the revoked ``sid``) beside the epoch check, never a Logto call.

Place it after ``AuthenticationMiddleware`` and ``django_htmx.middleware.HtmxMiddleware``.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from django.contrib import auth
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget
from mozilla_django_oidc.middleware import SessionRefresh

from .auth import oidc_settings, user_tokens
from .auth.oidc_states import annotate_state
from .clock import now
from .flows import audit, identity, sessions, sign_out_elsewhere, view_as
from .flows.account_status import account_status, why_unlinked
from .flows.identity import DELETED, SUSPENDED
from .logto.errors import LogtoError
from .redirects import safe_redirect_url

logger = logging.getLogger(__name__)

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")

# The sign-in area itself must never be interrupted by a refresh.
EXEMPT_URL_NAMES = (
    "account_center:login",
    "account_center:login_failed",
    "account_center:oidc_callback",
    "account_center:logout",
    "account_center:reauthenticate",
)

# While viewing as someone, the POSTs that end the view rather than being refused.
VIEW_AS_END = "admin:account_center_logtoidentity_view_as_end"
VIEW_AS_SIGN_OUT = "account_center:logout"
VIEW_AS_BANNER_ID = b'id="ac-view-as"'


class LogtoSessionRefresh(SessionRefresh):
    """mozilla's ``SessionRefresh``, lazy about Logto, and htmx-aware."""

    def __init__(self, get_response: Any) -> None:
        # mozilla reads the authorization endpoint here, at server start: with Logto down the
        # site would not start. Everything is read per refresh instead.
        super(SessionRefresh, self).__init__(get_response)

    @staticmethod
    def get_settings(attr: str, *args: Any) -> Any:
        return oidc_settings.oidc_setting(attr, *args)

    @property
    def OIDC_EXEMPT_URLS(self) -> list[Any]:  # noqa: N802
        return list(self.get_settings("OIDC_EXEMPT_URLS", []))

    @property
    def exempt_urls(self) -> set[str]:
        urls: set[str] = set()
        for url in [*self.OIDC_EXEMPT_URLS, *EXEMPT_URL_NAMES]:
            if not isinstance(url, str):
                continue  # compiled patterns: see exempt_url_patterns
            if url.startswith("/"):
                urls.add(url)
                continue
            try:
                urls.add(reverse(url))
            except NoReverseMatch:
                logger.warning("OIDC_EXEMPT_URLS names an unknown URL: %s", url)
        return urls

    @property
    def exempt_url_patterns(self) -> set[Any]:
        return {url for url in self.OIDC_EXEMPT_URLS if not isinstance(url, str)}

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        if not hasattr(request, "session"):
            return None
        if view_as.is_viewing(request) and not view_as.seconds_left(request):
            return self._view_as_ended(request, view_as.EXPIRED)
        if identity.link_removed(request):
            return self._link_removed(request)
        # The epoch first: a password change both raises it and revokes the other Logto
        # sessions, and the page should name the change, not the revocation.
        if sign_out_elsewhere.is_stale(request):
            return self._signed_out_elsewhere(request)
        if sessions.is_revoked_here(request):
            return self._signed_out_elsewhere(request, revoked=True)
        # The cheap test first: on most requests the ID token is still fresh, and working out
        # the exempt URLs (several reverse() calls) would be wasted on every page.
        if request.session.get("oidc_id_token_expiration", 0) > now():
            return None
        if request.method not in SAFE_METHODS and self._is_oidc_session_url(request):
            return self._expired_change(request)
        if not self.is_refreshable_url(request):
            return None
        try:
            self.OIDC_OP_AUTHORIZATION_ENDPOINT = self.get_settings(
                "OIDC_OP_AUTHORIZATION_ENDPOINT"
            )
            self.OIDC_RP_CLIENT_ID = self.get_settings("OIDC_RP_CLIENT_ID")
        except LogtoError as exc:
            # Logto is down: keep serving; the pages say so where they need Logto.
            logger.warning("Session refresh skipped, Logto discovery failed: %s", exc)
            return None
        self.OIDC_STATE_SIZE = self.get_settings("OIDC_STATE_SIZE", 32)
        self.OIDC_AUTHENTICATION_CALLBACK_URL = self.get_settings(
            "OIDC_AUTHENTICATION_CALLBACK_URL"
        )
        self.OIDC_RP_SCOPES = self.get_settings("OIDC_RP_SCOPES")
        self.OIDC_USE_NONCE = self.get_settings("OIDC_USE_NONCE", True)
        self.OIDC_NONCE_SIZE = self.get_settings("OIDC_NONCE_SIZE", 32)

        response = super().process_request(request)
        if response is None or not response.has_header("Location"):
            return response  # mozilla's JSON answer to X-Requested-With requests

        htmx = getattr(request, "htmx", None)
        is_htmx = bool(htmx) if htmx is not None else request.headers.get("HX-Request") == "true"
        next_url = request.session.pop("oidc_login_next", None)
        if is_htmx:
            # Come back to the page the user sees, not to the fragment URL htmx asked for.
            current = getattr(htmx, "current_url", None) or request.headers.get("HX-Current-URL")
            next_url = safe_redirect_url(request, current, None)
        annotate_state(request, response["Location"], purpose="refresh", next=next_url)
        if is_htmx:
            return HttpResponseClientRedirect(response["Location"])
        return response

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        # Here rather than in process_request: after CsrfViewMiddleware's check, so that ending
        # the view is a POST of this site's own pages, as every change is.
        if request.method in SAFE_METHODS or not view_as.is_viewing(request):
            return None
        name = getattr(request.resolver_match, "view_name", "")
        if name == VIEW_AS_END:
            return None
        if name == VIEW_AS_SIGN_OUT:
            return self._view_as_ended(request, view_as.SIGNED_OUT)
        return self._view_as_refused(request)

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        # Runs before SessionMiddleware saves the session: a parallel request of this session
        # may have refreshed (and Logto rotated) the user's tokens since this one read them.
        user_tokens.keep_newest(request)
        if view_as.current(request) is not None:
            self._add_view_as_banner(request, response)
        return response

    # --- support viewing as someone (flows/view_as.py) -----------------------------------------

    @staticmethod
    def _view_as_refused(request: HttpRequest) -> HttpResponse:
        """Any change while viewing as someone: refused before the view runs, in words, audited."""
        view_as.refuse(request, path=request.path)
        words = view_as.CHANGE_REFUSED
        if getattr(request, "htmx", None):
            # htmx swaps no 4xx: said in the page's message area (every account page has one).
            notice = render_to_string(
                "account_center/elements/view_as_refused.html", {"words": words}, request
            )
            response = reswap(retarget(HttpResponse(notice), ".ac-messages"), "innerHTML")
        else:
            response = render(
                request, "account_center/view_as_refused.html", {"words": words}, status=403
            )
        response["X-Account-Center-Refused"] = "view-as"
        return response

    @staticmethod
    def _view_as_ended(request: HttpRequest, why: str) -> HttpResponse:
        url = view_as.finish(request, why)
        if getattr(request, "htmx", None):
            return HttpResponseClientRedirect(url)
        return HttpResponseRedirect(url)

    @staticmethod
    def _add_view_as_banner(request: HttpRequest, response: HttpResponse) -> None:
        """The banner on every HTML page of the site, the host's too; the account pages' layout
        has its own (then nothing is added). htmx fragments and downloads are left alone."""
        if getattr(request, "htmx", None) or getattr(response, "streaming", False):
            return
        if not response.get("Content-Type", "").startswith("text/html"):
            return
        content = response.content
        if VIEW_AS_BANNER_ID in content:
            return
        start = content.find(b"<body")
        end = content.find(b">", start) if start >= 0 else -1
        if end < 0:
            return
        get_token(request)  # the way back is a POST: its form needs the CSRF cookie
        banner = render_to_string(
            "account_center/elements/view_as_banner.html", view_as.banner_context(request), request
        )
        response.content = content[: end + 1] + banner.encode() + content[end + 1 :]
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))

    def is_refreshable_url(self, request: HttpRequest) -> bool:
        # Only safe, idempotent GETs: a POST would lose its body in the round trip.
        if request.method != "GET" or not hasattr(request, "session"):
            return False
        return bool(super().is_refreshable_url(request))

    def _is_oidc_session_url(self, request: HttpRequest) -> bool:
        """mozilla's test for "a page of a Logto session", whatever the method."""
        method, request.method = request.method, "GET"
        try:
            return bool(super().is_refreshable_url(request))
        finally:
            request.method = method

    @classmethod
    def _sign_in_again_url(cls, request: HttpRequest) -> str:
        return f"{reverse('account_center:login')}?{urlencode({'next': cls._back_to(request)})}"

    @staticmethod
    def _back_to(request: HttpRequest) -> str:
        """The page to come back to after signing in again: this site's, as a path."""
        htmx = getattr(request, "htmx", None)
        current = getattr(htmx, "current_url", None) if htmx else None
        next_url = safe_redirect_url(request, current or request.get_full_path(), "/")
        if request.method not in SAFE_METHODS and not current:
            next_url = safe_redirect_url(request, request.META.get("HTTP_REFERER"), next_url)
        # Checked to be this site: keep only the path, so the link reads the same anywhere.
        parts = urlsplit(next_url)
        next_url = parts.path + (f"?{parts.query}" if parts.query else "")
        return next_url or "/"

    def _expired_change(self, request: HttpRequest) -> HttpResponse:
        """A change sent with an expired ID token: refused, nothing done, sign in again."""
        login = self._sign_in_again_url(request)
        if getattr(request, "htmx", None):
            response = HttpResponseClientRedirect(login)
            response.status_code = 401
            return response
        return render(
            request,
            "account_center/auth/session_expired.html",
            {"login_url": login},
            status=401,
        )

    def _signed_out_elsewhere(self, request: HttpRequest, revoked: bool = False) -> HttpResponse:
        """This session's Logto session was revoked, or it predates a change of the user's
        credentials, a suspension or a deletion (an admin action, a webhook): it ends here, on a
        page saying which, before any trip to Logto's sign-in."""
        if revoked:
            reason: str | None = sign_out_elsewhere.REVOKED
        else:
            reason = self._account_ended(request) or sign_out_elsewhere.why_stale(request)
        back_to = self._back_to(request)
        auth.logout(request)
        query = {"reason": reason or "ended"}
        if reason not in (DELETED, SUSPENDED):
            query["next"] = back_to
        url = f"{reverse('account_center:account_ended')}?{urlencode(query)}"
        if getattr(request, "htmx", None):
            return HttpResponseClientRedirect(url)
        if request.method not in SAFE_METHODS:
            # Answered here, not redirected: the refused change must not look as if it went on.
            return render(
                request,
                "account_center/auth/account_ended.html",
                {**query, "unchanged": True},
                status=401,
            )
        return HttpResponseRedirect(url)

    @staticmethod
    def _link_removed(request: HttpRequest) -> HttpResponse:
        """The user's Logto link is gone (an admin removed it; a deactivation drops it too): the
        session ends with words, whatever the page."""
        sub = str(request.session.get(identity.SIGNED_IN_SUB_KEY))
        reason = why_unlinked(sub)
        audit.record(request, "session_ended", audit.DENIED, sub=sub, reason=reason)
        auth.logout(request)
        url = reverse("account_center:account_ended") + f"?reason={reason}"
        if getattr(request, "htmx", None):
            return HttpResponseClientRedirect(url)
        return HttpResponseRedirect(url)

    @staticmethod
    def _account_ended(request: HttpRequest) -> str | None:
        """ "suspended" or "deleted" when that is why the session ended (one read of Logto, once
        per ended session); None for a credentials change, or when Logto cannot say."""
        sub = getattr(getattr(request.user, "logto_identity", None), "sub", None)
        if not sub:
            return None
        status = account_status(sub)
        return status if status in (DELETED, SUSPENDED) else None
