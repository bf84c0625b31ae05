"""Connections: linked social accounts (link through the provider, unlink) and the enterprise
SSO identities an organisation manages (read-only)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_htmx.http import HttpResponseClientRedirect

from ..flows import social
from ..logto.client import get_client
from ..parallel_reads import concurrently
from .base import AccountView, is_htmx

PAGE = "account_center/connections.html"
SECTION = "account_center/partials/connections.html"
LINKED = _("Linked. You can now sign in with it too.")
UNLINKED = _("Unlinked.")


class ConnectionsView(AccountView):
    section = "connections"
    page_title = _("Connections")

    def features_for(self, request: HttpRequest) -> tuple[str, ...]:
        # Organisation sign-in is shown, never changed: a POST links or unlinks a social account.
        return ("social",) if request.method == "POST" else ("social", "enterprise_sso")

    def show(self, status: int = 200, **extra: Any) -> HttpResponse:
        sub = self.sub
        account, connectors = concurrently(
            (lambda: get_client().get_user(sub, include_sso_identities=True),),
            (social.social_connectors,),
        )
        language = translation.get_language()
        context = self.context(
            account=account,
            linked=social.linked_accounts(account, connectors, language),
            offers=social.offers(account, connectors, language),
            sso_identities=account.sso_identities,
            not_linkable=social.NOT_LINKABLE,
            **extra,
        )
        return self.page_or_section(PAGE, SECTION, context, status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.show()

    def post(self, request: HttpRequest) -> HttpResponse:
        action = request.POST.get("action", "")
        with self.on_failure(self.show):
            if action == "link":
                url = social.start_link(request, request.POST.get("connector", ""))
                # The provider's page, in the whole window (htmx cannot follow it in place).
                if is_htmx(request):
                    return HttpResponseClientRedirect(url)
                return HttpResponseRedirect(url)
            if action == "unlink":
                social.unlink(request, request.POST.get("target", ""))
                return self.done(UNLINKED)
        return self.show()

    def done(self, message: Any) -> HttpResponse:
        if not is_htmx(self.request):
            messages.success(self.request, message, fail_silently=True)
            return HttpResponseRedirect(reverse("account_center:connections"))
        return self.show(notice=message)


class ConnectionsCallbackView(AccountView):
    """Where the provider sends the user back: ``state`` first, then the link."""

    section = "connections"
    page_title = _("Connections")
    feature_names = ("social",)
    writes_on_get = True  # it finishes the link the provider approved

    def get(self, request: HttpRequest) -> HttpResponse:
        with self.on_failure(self.refused_link):
            social.finish_link(request, request.GET.dict())
        messages.success(request, LINKED, fail_silently=True)
        return HttpResponseRedirect(reverse("account_center:connections"))

    def refused_link(
        self, status: int = 400, error: Any = None, unavailable: Any = None
    ) -> HttpResponse:
        """Nothing was linked: the provider, the state or Logto refused (400), or Logto failed."""
        context = self.context(message=unavailable or error)
        return render(
            self.request, "account_center/connections_refused.html", context, status=status
        )
