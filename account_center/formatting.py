"""Values as people read them (shared by templates, views and messages)."""

from __future__ import annotations

import phonenumbers


def international_phone(value: object) -> str:
    """Logto's phone (digits with the country code, no ``+``) in international format,
    e.g. ``442079460958`` -> ``+44 20 7946 0958``; anything unparsable as ``+digits``."""
    if not value:
        return ""
    digits = str(value).strip().lstrip("+")
    try:
        number = phonenumbers.parse("+" + digits, None)
    except phonenumbers.NumberParseException:
        return "+" + digits
    if not phonenumbers.is_possible_number(number):
        return "+" + digits
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
