"""Connections: linked social accounts (link through the provider, unlink) and the enterprise
SSO identities an organisation manages (read-only)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ..flows import reads, social
from ..parallel_reads import concurrently
from .base import AccountView

PAGE = "account_center/social.html"
SECTION = "account_center/partials/social.html"
LINKED = _("Linked. You can now sign in with it too.")
UNLINKED = _("Unlinked.")


class SocialView(AccountView):
    section = "social"
    page_title = _("Connections")
    section_page = PAGE
    partial = SECTION

    def features_for(self, request: HttpRequest) -> tuple[str, ...]:
        # Organisation sign-in is shown, never changed: a POST links or unlinks a social account.
        return ("social",) if request.method == "POST" else ("social", "enterprise_sso")

    def section_context(self, partial: str, status: int, extra: dict[str, Any]) -> dict[str, Any]:
        sub = self.sub
        account, connectors = concurrently(
            (lambda: reads.account(sub, with_sso_identities=True),),
            (social.social_connectors,),
        )
        language = translation.get_language()
        return {
            "account": account,
            "linked": social.linked_accounts(account, connectors, language),
            "offers": social.offers(account, connectors, language),
            "sso_identities": account.sso_identities,
            "not_linkable": social.NOT_LINKABLE,
            **extra,
        }

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.show()

    def post(self, request: HttpRequest) -> HttpResponse:
        action = request.POST.get("action", "")
        with self.on_failure():
            if action == "link":
                # The provider's page, in the whole window.
                return self.go_to(social.start_link(request, request.POST.get("connector", "")))
            if action == "unlink":
                social.unlink(request, request.POST.get("target", ""))
                return self.changed(UNLINKED)
        return self.show()


class SocialCallbackView(AccountView):
    """Where the provider sends the user back: ``state`` first, then the link."""

    section = "social"
    page_title = _("Connections")
    feature_names = ("social",)
    writes_on_get = True  # it finishes the link the provider approved

    def get(self, request: HttpRequest) -> HttpResponse:
        with self.on_failure():
            social.finish_link(request, request.GET.dict())
        # The provider sent the whole window here: on to the section's page, which says it.
        return self.changed(LINKED)

    def show(self, partial: str = "", status: int = 200, **extra: Any) -> HttpResponse:
        """Nothing was linked: the provider, the state or Logto refused (400), or Logto failed
        (503). A page of its own, never a section: the provider's redirect is no htmx request."""
        context = self.context(message=extra.get("unavailable") or extra.get("error"))
        return render(
            self.request,
            "account_center/social_refused.html",
            context,
            status=400 if status == 200 else status,
        )
