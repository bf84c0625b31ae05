"""The profile page and the site's own fields (custom data)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from ..conf import features
from ..flows import avatar as avatar_flow
from ..flows import profile as profile_flow
from ..flows import reads
from ..forms.profile import CustomDataForm, ProfileForm
from .base import AccountView

SAVED = _("Saved.")


class ProfileView(AccountView):
    section = "profile"
    page_title = _("Profile")
    section_page = "account_center/profile.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        account = reads.account(self.sub)
        return self.show(account=account, custom_fields=_custom_fields(account.custom_data))


def _custom_fields(custom_data: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            **spec,
            "value": custom_data.get(spec["key"]),
            "editable": features.editable(f"custom_data.{spec['key']}"),
        }
        for spec in features.custom_data_fields()
    ]


class ProfileEditView(AccountView):
    """In-place edit of name, avatar and the configured profile fields."""

    section = "profile"
    page_title = _("Edit profile")
    partial = "account_center/partials/profile.html"
    form_partial = "account_center/partials/profile_form.html"
    feature_names = ("name", "avatar", "profile")
    edit_form_on_get = True

    def features_for(self, request: HttpRequest) -> tuple[str, ...]:
        # The form holds only the editable fields, so those are the ones a POST can change.
        open_ones = tuple(name for name in self.feature_names if features.editable(name))
        return open_ones or self.feature_names

    def show_read_only(self) -> HttpResponse:
        return self.show(account=reads.account(self.sub))

    def get(self, request: HttpRequest) -> HttpResponse:
        account = reads.account(self.sub)
        if "cancel" in request.GET:
            return self.show(account=account)
        initial = profile_flow.initial_from_user(account)
        form = ProfileForm(initial=initial, upload=avatar_flow.offered(request))
        return self.show(self.form_partial, form=form)

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ProfileForm(request.POST, request.FILES, upload=avatar_flow.offered(request))
        if not form.is_valid():
            return self.show(self.form_partial, form=form)
        with self.on_failure(self.form_partial, form=form):
            account = reads.account(self.sub)
            initial = profile_flow.initial_from_user(account)
            cleared = form.cleared(initial)
            if cleared and request.POST.get("confirm_clear") != ",".join(cleared):
                # Emptying a field that had a value (the name above all) is said, then confirmed.
                return self.show(
                    self.form_partial,
                    form=form,
                    clearing=[form.fields[name].label for name in cleared],
                    confirm_clear=",".join(cleared),
                )
            changes = form.changes(initial)
            picture = form.picture()
            if changes or picture:
                account = profile_flow.update_profile(request, account, changes, picture)
        return self.changed(SAVED, account=account)


class CustomDataEditView(AccountView):
    section = "profile"
    page_title = _("Edit more about you")
    partial = "account_center/partials/custom_data.html"
    form_partial = "account_center/partials/custom_data_form.html"
    feature_names = ("custom_data",)
    edit_form_on_get = True

    def show_read_only(self) -> HttpResponse:
        return self.show(custom_fields=_custom_fields(reads.custom_data(self.sub)))

    def get(self, request: HttpRequest) -> HttpResponse:
        data = reads.custom_data(self.sub)
        if "cancel" in request.GET:
            return self.show(custom_fields=_custom_fields(data))
        return self.show(
            self.form_partial, form=CustomDataForm(initial=CustomDataForm.initial_from(data))
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        form = CustomDataForm(request.POST)
        if not form.is_valid():
            return self.show(self.form_partial, form=form)
        with self.on_failure(self.form_partial, form=form, field=NON_FIELD_ERRORS):
            data = profile_flow.update_custom_data(request, form.values())
        return self.changed(SAVED, custom_fields=_custom_fields(data))
