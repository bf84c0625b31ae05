"""Forms of the personal access tokens page (input checks only)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..clock import utcnow
from .base import AccessibleForm


# Token names: what Logto stores is free text; keep it to one readable line.
TOKEN_NAME_MAX = 64
_TOKEN_NAME_RE = re.compile(r"^[^\x00-\x1f\x7f]+$")
EXPIRY_CHOICES = (
    ("never", _("Never")),
    ("7", _("In 7 days")),
    ("30", _("In 30 days")),
    ("90", _("In 90 days")),
    ("365", _("In a year")),
    ("date", _("On a date")),
)


def clean_token_name(value: str) -> str:
    name = " ".join(value.split())
    if not name:
        raise forms.ValidationError(_("Give the token a name."))
    if len(name) > TOKEN_NAME_MAX:
        raise forms.ValidationError(_("Use at most %(max)d characters.") % {"max": TOKEN_NAME_MAX})
    if not _TOKEN_NAME_RE.match(name):
        raise forms.ValidationError(_("Use letters, digits, spaces and punctuation only."))
    return name


# The browser's limit is the server's: clean_token_name counts after collapsing spaces, so the
# field itself has no max_length to refuse a longer raw value first.
_NAME_ATTRS = {"autocomplete": "off", "maxlength": str(TOKEN_NAME_MAX)}


def today() -> date:
    """Today in UTC; tests monkeypatch it."""
    return utcnow().date()


class TokenForm(AccessibleForm):
    name = forms.CharField(
        label=_("Name"),
        error_messages={"required": _("Give the token a name.")},
        help_text=_("What the token is for, e.g. “backup script”. Names must be unique."),
        widget=forms.TextInput(attrs=_NAME_ATTRS),
    )
    expiry = forms.ChoiceField(
        label=_("Expires"),
        choices=EXPIRY_CHOICES,
        initial="90",
        # account_center.js shows the date field only while this says "On a date".
        widget=forms.Select(
            attrs={"data-ac-date-choice": "expires_on", "data-ac-date-value": "date"}
        ),
    )
    expires_on = forms.DateField(
        label=_("Expiry date"),
        required=False,
        help_text=_(
            "Only used with “On a date”. The token stops working at the start of it (UTC)."
        ),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_name(self) -> str:
        return clean_token_name(self.cleaned_data["name"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        choice = data.get("expiry")
        expires_at: datetime | None = None
        if choice == "date":
            day = data.get("expires_on")
            if day is None:
                self.add_error("expires_on", _("Choose the date the token stops working."))
            elif day <= today():
                self.add_error("expires_on", _("Choose a date after today."))
            else:
                expires_at = datetime.combine(day, time.min, tzinfo=UTC)
        elif choice and choice != "never":
            start = datetime.combine(today(), time.min, tzinfo=UTC)
            expires_at = start + timedelta(days=int(choice) + 1)
        data["expires_at"] = expires_at
        return data


class RenameTokenForm(AccessibleForm):
    name = forms.CharField(
        label=_("New name"),
        error_messages={"required": _("Give the token a name.")},
        widget=forms.TextInput(attrs=_NAME_ATTRS),
    )

    def clean_name(self) -> str:
        return clean_token_name(self.cleaned_data["name"])
