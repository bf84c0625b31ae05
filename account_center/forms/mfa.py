"""Forms of two-step verification (MFA): the authenticator app's code."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from .base import AccessibleForm


class TotpCodeForm(AccessibleForm):
    code = forms.CharField(
        label=_("Code from your app"),
        max_length=12,
        help_text=_("The 6 digits your authenticator app shows now."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}
        ),
    )

    def clean_code(self) -> str:
        value = re.sub(r"[\s-]+", "", self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", value):
            raise forms.ValidationError(_("Enter the 6 digits your authenticator app shows."))
        return value
