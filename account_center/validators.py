"""What a username and a phone number must look like: checked by the forms and again by the flows,
so it lives below both."""

from __future__ import annotations

import re

import phonenumbers

from .conf.app_settings import app_settings

USERNAME_RE = re.compile(r"^[A-Z_a-z]\w*$", re.ASCII)


def normalise_phone(raw: str) -> str:
    """Logto's phone format: digits with the country code, no ``+``. Raises ``ValueError``."""
    region = app_settings.PHONE_REGION
    text = raw.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    elif text and text[0].isdigit() and not region:
        # Without a default region a bare number must already carry its country code.
        text = "+" + text
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as error:
        raise ValueError(str(error)) from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError("invalid number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164).lstrip("+")
