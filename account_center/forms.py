"""Forms of the account-settings pages. They validate input only; flows do the work."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .app_settings import app_settings
from .flows.identifiers import USERNAME_RE, normalise_phone


class AccessibleForm(forms.Form):
    """Ties every error to its input (``aria-describedby``/``aria-invalid``), whoever adds it."""

    def add_error(self, field: str | None, error: Any) -> None:
        if not hasattr(self, "cleaned_data"):
            # Errors from Logto may concern a form that was never bound (e.g. a remove button).
            self.errors  # noqa: B018 - initialises the error dict
            self.cleaned_data = {}
        super().add_error(field, error)
        names = [field] if field else []
        if isinstance(error, dict):
            names = list(error)
        for name in names:
            if name and name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                described = f"{self[name].auto_id}_error"
                if self.fields[name].help_text:
                    described += f" {self[name].auto_id}_helptext"
                attrs["aria-describedby"] = described


PROFILE_LABELS = {
    "name": _("Name"),
    "avatar": _("Avatar URL"),
    "given_name": _("Given name"),
    "family_name": _("Family name"),
    "middle_name": _("Middle name"),
    "nickname": _("Nickname"),
    "preferred_username": _("Preferred username"),
    "website": _("Website"),
    "gender": _("Gender"),
    "birthdate": _("Birthdate"),
    "locale": _("Locale"),
    "zoneinfo": _("Time zone"),
    "address_formatted": _("Address"),
    "address_street_address": _("Street address"),
    "address_locality": _("City"),
    "address_region": _("Region"),
    "address_postal_code": _("Postal code"),
    "address_country": _("Country"),
}
ADDRESS_FIELDS = tuple(k for k in PROFILE_LABELS if k.startswith("address_"))


class ProfileForm(AccessibleForm):
    """The profile fields ``ACCOUNT_CENTER_PROFILE_FIELDS`` allows (``address`` = its parts)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in app_settings.PROFILE_FIELDS:
            for field_name in ADDRESS_FIELDS if name == "address" else (name,):
                if field_name in PROFILE_LABELS:
                    self.fields[field_name] = self._field(field_name)

    def _field(self, name: str) -> forms.Field:
        label = PROFILE_LABELS[name]
        if name in ("avatar", "website"):
            return forms.URLField(
                label=label, required=False, max_length=2048, assume_scheme="https"
            )
        if name == "birthdate":
            return forms.DateField(
                label=label, required=False, widget=forms.DateInput(attrs={"type": "date"})
            )
        if name == "address_formatted":
            return forms.CharField(
                label=label,
                required=False,
                max_length=512,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        attrs = {
            "autocomplete": {
                "name": "name",
                "given_name": "given-name",
                "family_name": "family-name",
                "nickname": "nickname",
            }.get(name, "off")
        }
        return forms.CharField(
            label=label, required=False, max_length=128, widget=forms.TextInput(attrs=attrs)
        )

    def changes(self, initial: dict[str, Any]) -> dict[str, Any]:
        """Only the fields whose value differs from what Logto has."""
        result = {}
        for name, value in self.cleaned_data.items():
            text = value.isoformat() if hasattr(value, "isoformat") else (value or "")
            if text != (initial.get(name) or ""):
                result[name] = text
        return result


class CustomDataForm(AccessibleForm):
    """Built from ``ACCOUNT_CENTER_CUSTOM_DATA_FIELDS`` (key, label, type)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for spec in app_settings.CUSTOM_DATA_FIELDS:
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
        for spec in app_settings.CUSTOM_DATA_FIELDS:
            value = self.cleaned_data.get(f"cd_{spec['key']}")
            if hasattr(value, "isoformat"):
                value = value.isoformat()
            out[spec["key"]] = value
        return out


class UsernameForm(AccessibleForm):
    username = forms.CharField(
        label=_("Username"),
        max_length=128,
        help_text=_("Letters, digits and underscores; it cannot start with a digit."),
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )

    def clean_username(self) -> str:
        value = self.cleaned_data["username"].strip()
        if not USERNAME_RE.match(value):
            raise forms.ValidationError(
                _("Use letters, digits and underscores, starting with a letter or underscore.")
            )
        return value


class EmailForm(AccessibleForm):
    email = forms.EmailField(
        label=_("New email address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class PhoneForm(AccessibleForm):
    phone = forms.CharField(
        label=_("New phone number"),
        max_length=32,
        help_text=_("With the country code, e.g. +44 7911 123456."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    def clean_phone(self) -> str:
        try:
            return normalise_phone(self.cleaned_data["phone"])
        except ValueError:
            raise forms.ValidationError(
                _("This is not a valid phone number. Include the country code, e.g. +44.")
            ) from None


class CodeForm(AccessibleForm):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self) -> str:
        value = re.sub(r"\s+", "", self.cleaned_data["code"])
        if not value.isalnum():
            raise forms.ValidationError(_("Enter the code you received."))
        return value


class PasswordForm(AccessibleForm):
    password = forms.CharField(
        label=_("New password"),
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=False),
    )
    confirm = forms.CharField(
        label=_("Repeat the new password"),
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=False),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("password") and data.get("confirm") and data["password"] != data["confirm"]:
            self.add_error("confirm", _("The two passwords are not the same."))
        return data


class _StepUpIds:
    """Own ids for the step-up dialog's fields: it opens beside forms with the same field names
    (a new ``password``, a ``code``), and labels must point at the dialog's inputs."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_step_up_%s")
        super().__init__(*args, **kwargs)


class StepUpCodeForm(_StepUpIds, CodeForm):
    pass


class StepUpPasswordForm(_StepUpIds, AccessibleForm):
    password = forms.CharField(
        label=_("Current password"),
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
