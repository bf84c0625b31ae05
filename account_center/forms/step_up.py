"""The step-up dialog's forms: a code sent to the email address or phone, or the current
password."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .base import AccessibleForm, CodeForm


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
