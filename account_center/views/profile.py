"""Overview, profile and custom data pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..app_settings import app_settings
from ..flows import profile as profile_flow
from ..flows.messages import UNAVAILABLE
from ..forms import CustomDataForm, ProfileForm
from ..logto.client import get_client
from ..logto.errors import LogtoError
from .base import AccountView, concurrently, is_htmx


class OverviewView(AccountView):
    """Everything at a glance in two Logto reads made side by side (user, MFA factors)."""

    page_title = _("Your account")
    nav_current = "overview"

    def get(self, request: HttpRequest) -> HttpResponse:
        client = get_client()
        try:
            account, factors = concurrently(
                (lambda: client.get_user(self.sub, include_sso_identities=True),),
                (client.list_mfa_verifications, self.sub),
            )
        except LogtoError:
            return render(
                request,
                "account_center/overview.html",
                self.context(unavailable=UNAVAILABLE),
                status=503,
            )
        return render(
            request,
            "account_center/overview.html",
            self.context(
                account=account,
                factors=factors,
                mfa_types=sorted({f.type for f in factors}),
                sections=app_settings.SECTIONS,
            ),
        )


class ProfileView(AccountView):
    section = "profile"
    page_title = _("Profile")

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            account = get_client().get_user(self.sub)
        except LogtoError:
            return self.respond(
                "account_center/partials/unavailable.html", status=503, target_id="ac-profile"
            )
        return render(
            request,
            "account_center/profile.html",
            self.context(account=account, custom_fields=_custom_fields(account.custom_data)),
        )


def _custom_fields(custom_data: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {**spec, "value": custom_data.get(spec["key"])} for spec in app_settings.CUSTOM_DATA_FIELDS
    ]


class ProfileEditView(AccountView):
    """In-place edit of name, avatar and the configured profile fields."""

    section = "profile"
    page_title = _("Edit profile")
    form_partial = "account_center/partials/profile_form.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            account = get_client().get_user(self.sub)
        except LogtoError:
            return self.respond(
                self.form_partial, status=503, form=ProfileForm(), unavailable=UNAVAILABLE
            )
        if "cancel" in request.GET:
            return self.respond("account_center/partials/profile.html", account=account)
        return self.respond(
            self.form_partial, form=ProfileForm(initial=profile_flow.initial_from_user(account))
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ProfileForm(request.POST)
        if not form.is_valid():
            return self.respond(self.form_partial, form=form)
        try:
            account = get_client().get_user(self.sub)
            initial = profile_flow.initial_from_user(account)
            cleared = form.cleared(initial)
            if cleared and request.POST.get("confirm_clear") != ",".join(cleared):
                # Emptying a field that had a value (the name above all) is said, then confirmed.
                return self.respond(
                    self.form_partial,
                    form=form,
                    clearing=[form.fields[name].label for name in cleared],
                    confirm_clear=",".join(cleared),
                )
            changes = form.changes(initial)
            if changes:
                account = profile_flow.update_profile(request, account, changes)
        except LogtoError as error:
            return self.refused(form, error)
        if not is_htmx(request):
            messages.success(request, _("Saved."), fail_silently=True)
            return HttpResponseRedirect(reverse("account_center:profile"))
        return self.respond("account_center/partials/profile.html", account=account, saved=True)


class CustomDataEditView(AccountView):
    section = "profile"
    page_title = _("Edit more about you")
    form_partial = "account_center/partials/custom_data_form.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            data = get_client().get_custom_data(self.sub)
        except LogtoError:
            return self.respond(
                self.form_partial, status=503, form=CustomDataForm(), unavailable=UNAVAILABLE
            )
        if "cancel" in request.GET:
            return self.respond(
                "account_center/partials/custom_data.html", custom_fields=_custom_fields(data)
            )
        return self.respond(
            self.form_partial, form=CustomDataForm(initial=CustomDataForm.initial_from(data))
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        form = CustomDataForm(request.POST)
        if not form.is_valid():
            return self.respond(self.form_partial, form=form)
        try:
            data = profile_flow.update_custom_data(request, form.values())
        except LogtoError as error:
            return self.refused(form, error, field=NON_FIELD_ERRORS)
        if not is_htmx(request):
            messages.success(request, _("Saved."), fail_silently=True)
            return HttpResponseRedirect(reverse("account_center:profile"))
        return self.respond(
            "account_center/partials/custom_data.html",
            custom_fields=_custom_fields(data),
            saved=True,
        )


class PlaceholderView(AccountView):
    """Sections the next issue fills; shown in the navigation already."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "account_center/placeholder.html", self.context())
