"""The profile page's forms: the profile itself and the site's own fields (custom data).
Forms check input only; the flows do the work."""

from __future__ import annotations

import zoneinfo
from datetime import date, timedelta
from typing import Any

from django import forms
from django.core.validators import URLValidator
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from ..clock import utcnow
from ..conf import features
from ..conf.app_settings import app_settings
from ..flows import avatar as avatar_flow
from ..labels import PROFILE_LABELS
from ..profile_choices import GENDERS, OTHER, locales, normalise_locale, time_zones
from .base import AccessibleForm


ADDRESS_FIELDS = tuple(k for k in PROFILE_LABELS if k.startswith("address_"))
# The form's fieldsets, in order: (legend, field names).
PROFILE_GROUPS = (
    (_("Name and picture"), ("name", "avatar", "avatar_file")),
    (
        _("Personal details"),
        (
            "given_name",
            "middle_name",
            "family_name",
            "nickname",
            "preferred_username",
            "gender",
            "gender_other",
            "birthdate",
            "website",
        ),
    ),
    (_("Address"), ADDRESS_FIELDS),
    (_("Preferences"), ("locale", "zoneinfo")),
)


class WebURLField(forms.URLField):
    """A web address: Logto refuses a picture URL that is not http(s) (``ftp://``, ``mailto:``),
    and no browser shows one as a picture or a website."""

    default_validators = [URLValidator(schemes=["http", "https"])]
    default_error_messages = {
        "invalid": _("Enter a web address starting with http:// or https://."),
    }


def latest_today() -> date:
    """Today where the calendar is furthest ahead (UTC+14): no one's birthdate is after it."""
    return (utcnow() + timedelta(hours=14)).date()


class DatalistInput(forms.TextInput):
    """A text input with a list of suggestions the browser filters as one types (a searchable
    list that works without JavaScript); the form still checks the value is a real one."""

    def __init__(self, options: Any, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.options = options

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> Any:
        list_id = f"ac-{name}-options"
        attrs = {**(attrs or {}), "list": list_id}
        html = super().render(name, value, attrs, renderer)
        options = format_html_join(
            "", '<option value="{}">{}</option>', ((v, label) for v, label in self.options())
        )
        return format_html('{}<datalist id="{}">{}</datalist>', html, list_id, options)


class ProfileForm(AccessibleForm):
    """The editable profile fields (``address`` = its parts), in groups (:data:`PROFILE_GROUPS`).
    A field that is not editable is not in the form, so a posted value for it is never sent."""

    def __init__(self, *args: Any, upload: bool = False, **kwargs: Any) -> None:
        initial = kwargs.get("initial")
        if initial and "gender" in initial:
            kwargs["initial"] = {**initial, **_split_gender(initial.get("gender") or "")}
        super().__init__(*args, **kwargs)
        for name in features.profile_fields(edit=True):
            for field_name in ADDRESS_FIELDS if name == "address" else (name,):
                if field_name in PROFILE_LABELS:
                    self.fields[field_name] = self._field(field_name)
                if field_name == "avatar" and upload:
                    # ``upload``: the view found a way to check and store one (flows.avatar).
                    self.fields["avatar_file"] = forms.FileField(
                        label=_("Or upload a picture"),
                        required=False,
                        help_text=_("JPEG, PNG, GIF, WebP or BMP, at most %(megabytes)s MB.")
                        % {"megabytes": avatar_flow.MAX_UPLOAD_BYTES // (1024 * 1024)},
                        widget=forms.ClearableFileInput(attrs={"accept": avatar_flow.ACCEPT}),
                    )
                if field_name == "gender":
                    self.fields["gender_other"] = forms.CharField(
                        label=_("Your gender, in your words"),
                        required=False,
                        max_length=64,
                        help_text=_("Used when you choose “Another gender”."),
                    )

    def _field(self, name: str) -> forms.Field:
        label = PROFILE_LABELS[name]
        if name in ("avatar", "website"):
            return WebURLField(
                label=label,
                required=False,
                max_length=2048,
                assume_scheme="https",
                widget=forms.URLInput(attrs={"autocomplete": "url", "inputmode": "url"}),
            )
        if name == "birthdate":
            return forms.DateField(
                label=label,
                required=False,
                widget=forms.DateInput(
                    attrs={"type": "date", "autocomplete": "bday", "max": latest_today()}
                ),
            )
        if name == "gender":
            return forms.ChoiceField(
                label=label,
                required=False,
                choices=[("", _("Not set")), *GENDERS, (OTHER, _("Another gender"))],
            )
        if name == "locale":
            return forms.CharField(
                label=label,
                required=False,
                max_length=35,
                help_text=_("Start typing a language, e.g. English or Deutsch."),
                widget=DatalistInput(locales, attrs={"autocomplete": "off"}),
            )
        if name == "zoneinfo":
            return forms.CharField(
                label=label,
                required=False,
                max_length=64,
                help_text=_("Start typing a city, e.g. Europe/Berlin."),
                widget=DatalistInput(
                    lambda: ((z, z.replace("_", " ")) for z in time_zones()),
                    attrs={"autocomplete": "off"},
                ),
            )
        attrs = {
            "autocomplete": {
                "name": "name",
                "given_name": "given-name",
                "family_name": "family-name",
                "middle_name": "additional-name",
                "nickname": "nickname",
                "address_street_address": "street-address",
                "address_locality": "address-level2",
                "address_region": "address-level1",
                "address_postal_code": "postal-code",
                "address_country": "country-name",
            }.get(name, "off")
        }
        return forms.CharField(
            label=label, required=False, max_length=128, widget=forms.TextInput(attrs=attrs)
        )

    def field_groups(self) -> list[tuple[Any, list[Any]]]:
        """``(legend, bound fields)`` for each group that has a field here."""
        groups = []
        for legend, names in PROFILE_GROUPS:
            fields = [self[name] for name in names if name in self.fields]
            if fields:
                groups.append((legend, fields))
        return groups

    def clean_locale(self) -> str:
        value = self.cleaned_data.get("locale", "")
        if not value:
            return ""
        code = normalise_locale(value)
        if code is None:
            raise forms.ValidationError(_("Choose a language from the list."))
        return code

    def clean_birthdate(self) -> date | None:
        value: date | None = self.cleaned_data.get("birthdate")
        if value is not None and value > latest_today():
            raise forms.ValidationError(_("A birthdate cannot be in the future."))
        return value

    def clean_zoneinfo(self) -> str:
        value = (self.cleaned_data.get("zoneinfo") or "").strip().replace(" ", "_")
        if value and value not in zoneinfo.available_timezones():
            raise forms.ValidationError(_("Choose a time zone from the list."))
        return value

    def clean_avatar_file(self) -> avatar_flow.Picture | None:
        upload = self.cleaned_data.get("avatar_file")
        if not upload:
            return None
        try:
            return avatar_flow.prepare(upload, upload.size)
        except avatar_flow.BadPicture as error:
            raise forms.ValidationError(str(error)) from None

    def picture(self) -> avatar_flow.Picture | None:
        """The uploaded picture, checked and resized (``None``: none was chosen)."""
        return self.cleaned_data.get("avatar_file")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if "gender" in self.fields:
            other = (data.pop("gender_other", "") or "").strip()
            if data.get("gender") == OTHER:
                if not other:
                    self.add_error("gender_other", _("Say your gender, or choose “Not set”."))
                data["gender"] = other
        return data

    def changes(self, initial: dict[str, Any]) -> dict[str, Any]:
        """Only the fields whose value differs from what Logto has."""
        result = {}
        for name, value in self.cleaned_data.items():
            if name == "avatar_file":
                continue  # a file, not a value Logto has: picture()
            text = value.isoformat() if hasattr(value, "isoformat") else (value or "")
            if text != (initial.get(name) or ""):
                result[name] = text
        return result

    def cleared(self, initial: dict[str, Any]) -> list[str]:
        """Names of the fields this submission would empty, in the form's order."""
        changes = self.changes(initial)
        if self.picture() is not None:
            changes.pop("avatar", None)  # the uploaded picture takes its place
        return [name for name in self.fields if name in changes and not changes[name]]


def _split_gender(value: str) -> dict[str, str]:
    """Logto keeps one free-text gender: the select shows it, or "another" and the words."""
    if value in dict(GENDERS) or not value:
        return {"gender": value, "gender_other": ""}
    return {"gender": OTHER, "gender_other": value}


class CustomDataForm(AccessibleForm):
    """The editable fields of ``ACCOUNT_CENTER_CUSTOM_DATA_FIELDS`` (key, label, type)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for spec in features.custom_data_fields(edit=True):
            self.fields[f"cd_{spec['key']}"] = self._field(spec)

    @staticmethod
    def _field(spec: dict[str, Any]) -> forms.Field:
        label = spec.get("label") or spec["key"]
        kind = spec.get("type", "text")
        if kind == "boolean":
            return forms.BooleanField(label=label, required=False)
        if kind == "integer":
            return forms.IntegerField(label=label, required=False)
        if kind == "date":
            return forms.DateField(
                label=label, required=False, widget=forms.DateInput(attrs={"type": "date"})
            )
        if kind == "url":
            return forms.URLField(label=label, required=False, assume_scheme="https")
        return forms.CharField(label=label, required=False, max_length=512)

    @staticmethod
    def initial_from(custom_data: dict[str, Any]) -> dict[str, Any]:
        return {
            f"cd_{spec['key']}": custom_data.get(spec["key"])
            for spec in app_settings.CUSTOM_DATA_FIELDS
        }

    def values(self) -> dict[str, Any]:
        """The declared keys only, JSON-ready; other custom data keys are never sent."""
        out: dict[str, Any] = {}
        for spec in features.custom_data_fields(edit=True):
            value = self.cleaned_data.get(f"cd_{spec['key']}")
            if isinstance(value, date):
                value = value.isoformat()
            out[spec["key"]] = value
        return out
