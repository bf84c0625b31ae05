"""The words for each profile field: the profile form's labels, and the names the feature list
and the profile page show. No layer climbs to the forms for them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

PROFILE_LABELS = {
    "name": _("Name"),
    "avatar": _("Picture URL"),
    "given_name": _("Given name"),
    "family_name": _("Family name"),
    "middle_name": _("Middle name"),
    "nickname": _("Nickname"),
    "preferred_username": _("Preferred username"),
    "website": _("Website"),
    "gender": _("Gender"),
    "birthdate": _("Birthdate"),
    "locale": _("Language"),
    "zoneinfo": _("Time zone"),
    "address_street_address": _("Street address"),
    "address_locality": _("City"),
    "address_region": _("Region"),
    "address_postal_code": _("Postal code"),
    "address_country": _("Country"),
}
