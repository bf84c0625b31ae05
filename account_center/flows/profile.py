"""Name, avatar, standard profile fields, and the project's custom data fields."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ..logto.models import LogtoUser
from . import actions, gateway
from . import avatar as avatar_flow
from .changes import change

# Form field name -> key in Logto's ``profile`` object (camelCase, merged by PATCH .../profile).
PROFILE_KEYS = {
    "given_name": "givenName",
    "family_name": "familyName",
    "middle_name": "middleName",
    "nickname": "nickname",
    "preferred_username": "preferredUsername",
    "website": "website",
    "gender": "gender",
    "birthdate": "birthdate",
    "locale": "locale",
    "zoneinfo": "zoneinfo",
}
ADDRESS_KEYS = {
    "address_formatted": "formatted",
    "address_street_address": "streetAddress",
    "address_locality": "locality",
    "address_region": "region",
    "address_postal_code": "postalCode",
    "address_country": "country",
}


def initial_from_user(user: LogtoUser) -> dict[str, Any]:
    """Form initial values from a Logto user."""
    initial: dict[str, Any] = {"name": user.name or "", "avatar": user.avatar or ""}
    for field, key in PROFILE_KEYS.items():
        initial[field] = user.profile.get(key) or ""
    address = user.profile.get("address") or {}
    for field, key in ADDRESS_KEYS.items():
        initial[field] = address.get(key) or ""
    # The form edits one address, in parts; one set elsewhere only as a whole line starts there.
    if initial["address_formatted"] and not any(
        initial[f] for f in ADDRESS_KEYS if f != "address_formatted"
    ):
        initial["address_street_address"] = initial["address_formatted"]
    return initial


def formatted_address(address: dict[str, Any]) -> str:
    """The one-line display form (OIDC's ``formatted``) of an address's parts."""
    region = " ".join(p for p in (address.get("postalCode"), address.get("region")) if p)
    parts = (address.get("streetAddress"), address.get("locality"), region, address.get("country"))
    return ", ".join(p for p in parts if p)


def update_profile(
    request: HttpRequest,
    current: LogtoUser,
    changes: dict[str, Any],
    picture: avatar_flow.Picture | None = None,
) -> LogtoUser:
    """Save ``changes`` (form field names; ``""`` clears) to ``current`` at Logto in ONE request.

    One ``PATCH /api/users/{id}`` carries name, avatar and the whole profile, so a change is
    never half-saved. That call replaces ``profile`` whole, so the new profile is ``current``'s
    with the changes applied, keeping keys this form does not show. The address is merged key by
    key (Logto's merging ``PATCH .../profile`` would replace the whole address object).
    An uploaded ``picture`` is stored first, inside the same change, and its address becomes
    the avatar.
    """
    fields: dict[str, Any] = {k: (changes[k] or None) for k in ("name", "avatar") if k in changes}
    profile = dict(current.profile)
    _apply(profile, {key: changes[f] for f, key in PROFILE_KEYS.items() if f in changes})
    address_changes = {key: changes[f] for f, key in ADDRESS_KEYS.items() if f in changes}
    if address_changes:
        address = dict(profile.get("address") or {})
        if address.get("formatted") and not any(
            address.get(k) for k in ADDRESS_KEYS.values() if k != "formatted"
        ):
            # The whole line was shown as the street address (initial_from_user): keep it so.
            address["streetAddress"] = address["formatted"]
        _apply(address, address_changes)
        # Kept in step with the parts, so every reader of Logto sees the same address.
        _apply(address, {"formatted": formatted_address(address)})
        profile["address"] = address
        if not address:
            del profile["address"]
    if profile != current.profile:
        fields["profile"] = profile
    with change(request, actions.PROFILE_UPDATE, sender=__name__) as ch:
        if picture is not None:
            fields["avatar"] = avatar_flow.store(ch, picture)
            changes = {**changes, "avatar": fields["avatar"]}
        user = gateway.update_account(ch, current, **fields) if fields else current
        changed = sorted(changes)
        ch.done(fields=changed, signal_args={"fields": changed})
    return user


def _apply(target: dict[str, Any], changes: dict[str, Any]) -> None:
    """Set the non-empty values; an empty value removes the key (the field was cleared)."""
    for key, value in changes.items():
        if value:
            target[key] = value
        else:
            target.pop(key, None)


def update_custom_data(request: HttpRequest, values: dict[str, Any]) -> dict[str, Any]:
    """Write the declared custom data keys only; Logto merges at the top level, so other keys stay."""
    with change(request, actions.CUSTOM_DATA_UPDATE, sender=__name__) as ch:
        data = gateway.update_custom_data(ch, values)
        keys = sorted(values)
        ch.done(keys=keys, signal_args={"keys": keys})
    return data
