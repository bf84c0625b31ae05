"""The delete-my-account form: the words shown, typed back."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .base import AccessibleForm


class DeleteAccountForm(AccessibleForm):
    confirmation = forms.CharField(
        label=_("Type the words shown above"),
        max_length=300,
        error_messages={"required": _("Type the words shown above to confirm.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
