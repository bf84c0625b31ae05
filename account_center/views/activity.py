"""Recent security activity: the user's own last 30 audit events in words, 10 a page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from ..flows import activity
from .base import AccountView, nav_items

PER_PAGE = 10


class ActivityView(AccountView):
    page_title = _("Recent security activity")
    nav_current = "activity"
    section_page = "account_center/activity.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        paginator = Paginator(activity.recent(self.sub), PER_PAGE)
        page = paginator.get_page(request.GET.get("page"))
        return self.show(
            page=page,
            events=page.object_list,
            sessions_shown=any(item[0] == "sessions" for item in nav_items()),
        )
