"""Off / ReadOnly / Edit (:mod:`account_center.features`) for every account view, in one place:
a view names the features it shows and changes, and this decides before its handler runs.

Off: 404. ReadOnly: a write is refused with 403 and words, audited as denied; the URL of an edit
form shows the section as it is. Templates hide the actions with the ``feature_editable`` and
``feature_shown`` filters, but the server never relies on that.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.utils.translation import gettext_lazy as _
from django.views import View

from .. import features, site_settings
from ..flows import audit

REFUSED_HEADER = "X-Account-Center-Refused"
READ_ONLY_REFUSED = _("This can only be viewed here, not changed. Nothing was changed.")


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
                raise Http404
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
        # A form left open before the change swaps these words in its place (account_center.js
        # swaps a 403 only with this header: Django's own 403 pages are no partials).
        target = getattr(getattr(request, "htmx", None), "target", None)
        extra = {"target_id": target} if target else {}
        response = self.problem(READ_ONLY_REFUSED, status=403, **extra)
        response[REFUSED_HEADER] = "read-only"
        return response

    def problem(self, message: Any, *, status: int, **extra: Any) -> HttpResponse:
        raise NotImplementedError  # AccountView's

    def show_read_only(self) -> HttpResponse:  # pragma: no cover - views with edit_form_on_get
        raise NotImplementedError
