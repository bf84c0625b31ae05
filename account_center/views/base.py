"""What every account-settings view shares: sign-in required, sections, full page or partial."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.contrib import auth
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views import View

from ..app_settings import app_settings
from ..flows import sessions as sessions_flow
from ..flows.errors import FlowError
from ..flows.identity import logto_user_id
from ..flows.messages import UNAVAILABLE, for_code
from ..logto.errors import LogtoAPIError, LogtoError

# Independent Logto reads of one page run side by side, so a slow Logto costs one round trip.
_pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="account-center")

NAV = (
    ("profile", _("Profile"), "account_center:profile"),
    ("security", _("Sign-in & security"), "account_center:security"),
    ("two_step", _("Two-step verification"), "account_center:two_step"),
    ("connections", _("Connections"), "account_center:connections"),
    ("tokens", _("Developer tokens"), "account_center:tokens"),
    ("sessions", _("Sessions"), "account_center:sessions"),
    ("danger", _("Danger zone"), "account_center:danger"),
)


def concurrently(*calls: tuple[Any, ...]) -> list[Any]:
    """Run ``(function, *args)`` calls in the pool; results in order, first error re-raised.

    The request's language goes along, so Logto's messages stay in the user's language.
    """
    language = translation.get_language()

    def in_language(function: Any, *args: Any) -> Any:
        with translation.override(language):
            return function(*args)

    # The request's own thread makes the first call while the pool makes the others.
    futures = [_pool.submit(in_language, *call) for call in calls[1:]]
    first = calls[0][0](*calls[0][1:]) if calls else None
    return [first, *(future.result() for future in futures)][: len(calls)]


def nav_items() -> list[tuple[str, Any, str]]:
    enabled = app_settings.SECTIONS
    # Sessions only where this Logto has them (known from an earlier answer, never probed here).
    hidden = {"sessions"} if sessions_flow.known_unsupported() else set()
    return [item for item in NAV if item[0] in enabled and item[0] not in hidden]


def is_htmx(request: HttpRequest) -> bool:
    """A partial is wanted for htmx requests, except boosted ones (they expect a page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted


class AccountView(LoginRequiredMixin, View):
    """Base of every page: signed in, linked to Logto, section switched on."""

    section: str = ""
    # The menu item marked current: the section by default; "overview", or "" for none.
    nav_current: str | None = None
    page_title: Any = ""
    page_template = "account_center/section_page.html"
    form_partial = ""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.section and self.section not in app_settings.SECTIONS:
            raise Http404
        if request.user.is_authenticated and sessions_flow.is_revoked_here(request):
            # Its Logto session was signed out from another session: this one ends too.
            auth.logout(request)
        if request.user.is_authenticated:
            self.sub = logto_user_id(request)
        return super().dispatch(request, *args, **kwargs)

    def context(self, **extra: Any) -> dict[str, Any]:
        return {
            "nav_items": nav_items(),
            "current_section": self.section,
            "nav_current": self.section if self.nav_current is None else self.nav_current,
            "page_title": self.page_title,
            **extra,
        }

    def respond(self, partial: str, status: int = 200, **extra: Any) -> HttpResponse:
        """``partial`` alone for htmx, else inside the section page (same context)."""
        context = self.context(partial=partial, **extra)
        if is_htmx(self.request):
            response = render(self.request, partial, context, status=status)
        else:
            response = render(self.request, self.page_template, context, status=status)
        # One URL answers both ways: caches must keep them apart.
        response.headers["Vary"] = "HX-Request"
        return response

    def refused(
        self,
        form: Any,
        error: FlowError | LogtoError,
        *,
        partial: str | None = None,
        field: str | None = None,
    ) -> HttpResponse:
        """The form again, input kept, with ``error`` in words next to its field.

        Refusals (the app's :class:`FlowError`, Logto's error codes) are shown at the field they
        concern, or at ``field`` when given; any other Logto failure means Logto is unavailable:
        503, so htmx swaps in the message only where the page asks it to.
        """
        partial = partial or self.form_partial
        if isinstance(error, FlowError):
            concerns, message = error.field, error.message
        elif isinstance(error, LogtoAPIError):
            concerns, message = for_code(error.code)
        else:
            return self.respond(partial, status=503, form=form, unavailable=UNAVAILABLE)
        concerns = field or concerns
        form.add_error(concerns if concerns in form.fields else None, str(message))
        return self.respond(partial, form=form)
