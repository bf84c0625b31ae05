"""Sessions: where the user is signed in, with "this session" marked; revoke one or the others.

Revoking this session is signing out: Logto ends it, then the Django session ends too.
"""

from __future__ import annotations

from typing import Any

from django.contrib import auth, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from django_htmx.http import HttpResponseClientRedirect

from ..app_settings import app_settings
from ..flows import sessions
from ..flows.messages import UNAVAILABLE
from .base import AccountView, is_htmx

PAGE = "account_center/sessions.html"
SECTION = "account_center/partials/sessions.html"


class SessionsView(AccountView):
    section = "sessions"
    # Its own context: Django's contrib.sessions translates "Sessions" as a model name.
    page_title = pgettext_lazy("account center", "Sessions")

    def show(self, status: int = 200, **extra: Any) -> HttpResponse:
        try:
            rows = self.or_none(sessions.list_sessions, self.request)
        except sessions.SessionsUnsupported:
            rows, extra["unsupported"] = [], True
        if rows is None:
            rows, status = [], 503
            extra.setdefault("unavailable", UNAVAILABLE)
        context = self.context(
            sessions=rows,
            others=[r for r in rows if not r.current],
            knows_this_session=sessions.knows_this_session(self.request),
            **extra,
        )
        return self.page_or_section(PAGE, SECTION, context, status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.show()

    def post(self, request: HttpRequest) -> HttpResponse:
        # StepUpRequired from the flows reaches the one error path (AccountView.dispatch).
        return self.handle(request)

    def handle(self, request: HttpRequest) -> HttpResponse:
        try:
            return self._change(request)
        except sessions.SessionsUnsupported:
            return self.show()  # this Logto has no sessions API: the page says so

    def _change(self, request: HttpRequest) -> HttpResponse:
        action = request.POST.get("action", "")
        uid = request.POST.get("session", "")
        with self.on_failure(self.show):
            if action == "revoke_others":
                ended = sessions.revoke_others(request)
                message = ngettext(
                    "Signed out of %(count)d other session.",
                    "Signed out of %(count)d other sessions.",
                    ended,
                ) % {"count": ended}
            elif action == "revoke" and uid and len(uid) <= 128:
                if sessions.revoke(request, uid):
                    return self._signed_out()
                message = str(_("Session signed out."))
            else:
                return self.show()
        if not is_htmx(request):
            messages.success(request, message, fail_silently=True)
            return HttpResponseRedirect(reverse("account_center:sessions"))
        return self.show(notice=message)

    def _signed_out(self) -> HttpResponse:
        """This session ended at Logto: end it here too, and leave the account pages."""
        auth.logout(self.request)
        after = resolve_url(app_settings.LOGOUT_REDIRECT_URL)
        if is_htmx(self.request):
            return HttpResponseClientRedirect(after)
        return HttpResponseRedirect(after)
