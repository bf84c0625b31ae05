"""Forms of two-step verification (MFA): the authenticator app's code."""

from __future__ import annotations

import json
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


# A browser's new credential is a few kilobytes at most (an RSA key and the attestation).
CREDENTIAL_MAX = 32_000


class PasskeyCredentialForm(AccessibleForm):
    """The credential ``passkeys.js`` posts back (``PublicKeyCredential.toJSON()``), or why the
    browser made none (``failure``: the DOMException's name)."""

    credential = forms.CharField(required=False, max_length=CREDENTIAL_MAX, widget=forms.HiddenInput)
    failure = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def clean_credential(self) -> dict[str, object] | None:
        text = self.cleaned_data["credential"]
        if not text:
            return None
        try:
            value = json.loads(text)
        except ValueError:
            value = None
        if (
            not isinstance(value, dict)
            or not all(isinstance(value.get(key), str) for key in ("id", "rawId"))
            or not isinstance(value.get("response"), dict)
        ):
            raise forms.ValidationError(_("Your browser's answer was not a passkey."))
        return value


class PasskeyNameForm(AccessibleForm):
    name = forms.CharField(
        label=_("Name"),
        max_length=64,
        help_text=_("So you can tell your passkeys apart, for example “Work laptop”."),
    )

    def clean_name(self) -> str:
        value = " ".join(self.cleaned_data["name"].split())
        if not value:
            raise forms.ValidationError(_("Enter a name."))
        return value
