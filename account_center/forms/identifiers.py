"""Forms of the sign-in identifiers: username, email address and phone number."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..validators import USERNAME_RE, normalise_phone
from .base import AccessibleForm


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
