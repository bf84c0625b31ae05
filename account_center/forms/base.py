"""What every form of the pages builds on: errors tied to their inputs, and the one-time code
field (an identifier's verification, a step-up by email or phone)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


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
