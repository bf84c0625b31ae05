"""Sessions: where the user is signed in, with "this session" marked; revoke one or the others.

Revoking this session is signing out: Logto ends it, then the Django session ends too.
"""

from __future__ import annotations

from typing import Any

from django.contrib import auth
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from ..conf.app_settings import app_settings
from ..flows import sessions
from ..flows.messages import UNAVAILABLE
from .base import AccountView

PAGE = "account_center/sessions.html"
SECTION = "account_center/partials/sessions.html"


class SessionsView(AccountView):
    section = "sessions"
    # Its own context: Django's contrib.sessions translates "Sessions" as a model name.
    page_title = pgettext_lazy("account center", "Sessions")
    section_page = PAGE
    partial = SECTION

    def section_context(self, partial: str, status: int, extra: dict[str, Any]) -> dict[str, Any]:
        """The sessions, fresh from Logto; when they cannot be read, the section says so."""
        try:
            rows = self.or_none(sessions.list_sessions, self.request)
        except sessions.SessionsUnsupported:
            rows, extra["unsupported"] = [], True
        if rows is None:
            rows = []
            extra.setdefault("unavailable", UNAVAILABLE)
        return {
            "sessions": rows,
            "others": [r for r in rows if not r.current],
            "knows_this_session": sessions.knows_this_session(self.request),
            **extra,
        }

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.show()

    def post(self, request: HttpRequest) -> HttpResponse:
        # StepUpRequired from the flows reaches the one error path (AccountView.dispatch).
        try:
            return self._change(request)
        except sessions.SessionsUnsupported:
            return self.show()  # this Logto has no sessions API: the page says so

    def _change(self, request: HttpRequest) -> HttpResponse:
        action = request.POST.get("action", "")
        uid = request.POST.get("session", "")
        with self.on_failure():
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
        return self.changed(message)

    def _signed_out(self) -> HttpResponse:
        """This session ended at Logto: end it here too, and leave the account pages."""
        auth.logout(self.request)
        return self.go_to(resolve_url(app_settings.LOGOUT_REDIRECT_URL))
