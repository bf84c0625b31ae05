"""Off / ReadOnly / Edit (:mod:`account_center.conf.features`) for every account view, in one place:
a view names the features it shows and changes, and this decides before its handler runs.

Off: 404. ReadOnly: a write is refused with 403 and words, audited as denied; the URL of an edit
form shows the section as it is. Templates hide the actions with the ``feature_editable`` and
``feature_shown`` filters, but the server never relies on that.

Both refusals are said in the page's style: a page of its own without htmx; with htmx, the words
in place of the section that asked, answered 200 (see :meth:`FeatureRule.refusal`).
"""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.translation import gettext_lazy as _
from django.views import View
from django_htmx.http import reswap, retarget

from ..conf import features, site_settings
from ..flows import audit
from .htmx import htmx_of

REFUSED_HEADER = "X-Account-Center-Refused"
READ_ONLY_REFUSED = _("This can only be viewed here, not changed. Nothing was changed.")
OFF_REFUSED = _("This is not offered here any more. Nothing was changed.")
OFF_NOT_SHOWN = _("This is not offered here.")
# Only an id we could have written goes back into the page as a selector and an id.
_TARGET_ID_RE = re.compile(r"^[A-Za-z][\w-]{0,63}$")


class FeatureRule(View):
    """Runs inside :class:`~account_center.views.base.AccountView`'s dispatch: signed in, inside
    the Logto time budget and the one error path."""

    section: str = ""
    # The features this view shows and changes; empty: those of its section. Off for every
    # one: 404. Not all editable: writes refused (403), forms hidden.
    feature_names: tuple[str, ...] = ()
    # POST actions that change nothing (downloading one's data): allowed while read-only.
    read_actions: frozenset[str] = frozenset()
    # A GET that changes something (the provider's callback finishing a link).
    writes_on_get = False
    # GET answers with an edit form; while read-only it answers with show_read_only() instead.
    edit_form_on_get = False
    read_only = False

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        with site_settings.pinned():
            names = self.features_for(request)
            if names and features.best(names) == features.OFF:
                said = OFF_REFUSED if self.is_write(request) else OFF_NOT_SHOWN
                return self.refusal(said, status=404)
            self.read_only = bool(names) and not all(features.editable(n) for n in names)
            if self.read_only and self.is_write(request):
                return self.read_only_refused(names)
            if self.read_only and self.edit_form_on_get and request.method == "GET":
                return self.show_read_only()
            return super().dispatch(request, *args, **kwargs)

    def features_for(self, request: HttpRequest) -> tuple[str, ...]:
        """The features this request touches; views acting on one of several say which."""
        return self.feature_names or features.SECTION_FEATURES.get(self.section, ())

    def is_write(self, request: HttpRequest) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return self.writes_on_get
        return request.POST.get("action", "") not in self.read_actions

    def read_only_refused(self, names: tuple[str, ...]) -> HttpResponse:
        """A change to a read-only feature reached the server (a forged or stale form)."""
        request = self.request
        audit.record(
            request, "feature_read_only", audit.DENIED, features=list(names), path=request.path
        )
        response = self.refusal(READ_ONLY_REFUSED, status=403)
        response[REFUSED_HEADER] = "read-only"
        return response

    def refusal(self, message: Any, *, status: int) -> HttpResponse:
        """``message`` where the user looks: without htmx, a page of its own with ``status``;
        with htmx (a form or link left open since an admin changed the level), in place of the
        section that asked, with 200: htmx swaps no 4xx, and in DEBUG django-htmx's error
        handler would replace the whole page with a 403 or 404 answer."""
        htmx = htmx_of(self.request)
        if htmx is None:
            return self.problem(message, status=status)
        target = htmx.target or ""
        if _TARGET_ID_RE.match(target):
            response = self.problem(message, status=200, target_id=target)
            return reswap(retarget(response, f"#{target}"), "outerHTML")
        # No section named: said in the page's message area, which is on every page.
        return reswap(retarget(self.problem(message, status=200), ".ac-messages"), "innerHTML")

    def problem(self, message: Any, *, status: int, **extra: Any) -> HttpResponse:
        raise NotImplementedError  # AccountView's

    def show_read_only(self) -> HttpResponse:  # pragma: no cover - views with edit_form_on_get
        raise NotImplementedError
