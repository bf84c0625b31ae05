"""Name, avatar, standard profile fields, and the project's custom data fields."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .. import signals
from ..logto.client import get_client
from ..logto.models import LogtoUser
from . import audit
from .identity import logto_user_id

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
    return initial


def update_profile(request: HttpRequest, changes: dict[str, Any]) -> LogtoUser:
    """Save ``changes`` (form field names; ``""`` clears) at Logto and return the fresh user.

    ``name``/``avatar`` go through ``PATCH /api/users/{id}``; the rest through the merging
    ``PATCH /api/users/{id}/profile`` so fields this form does not show are left alone.
    """
    sub = logto_user_id(request)
    client = get_client()
    top = {k: (changes[k] or None) for k in ("name", "avatar") if k in changes}
    profile: dict[str, Any] = {
        key: changes[field] or "" for field, key in PROFILE_KEYS.items() if field in changes
    }
    address = {key: changes[field] or "" for field, key in ADDRESS_KEYS.items() if field in changes}
    if address:
        profile["address"] = address
    try:
        if profile:
            client.update_profile(sub, profile)
        user = client.update_user(sub, **top) if top else client.get_user(sub)
    except Exception as error:
        audit.record(request, "profile_update", audit.FAILURE, sub=sub, error=_code(error))
        raise
    fields = sorted(changes)
    audit.record(request, "profile_update", audit.SUCCESS, sub=sub, fields=fields)
    signals.profile_updated.send(
        sender=__name__, request=request, user=request.user, logto_user_id=sub, fields=fields
    )
    return user


def update_custom_data(request: HttpRequest, values: dict[str, Any]) -> dict[str, Any]:
    """Write the declared custom data keys only; Logto merges at the top level, so other keys stay."""
    sub = logto_user_id(request)
    try:
        data = get_client().update_custom_data(sub, values)
    except Exception as error:
        audit.record(request, "custom_data_update", audit.FAILURE, sub=sub, error=_code(error))
        raise
    keys = sorted(values)
    audit.record(request, "custom_data_update", audit.SUCCESS, sub=sub, keys=keys)
    signals.custom_data_updated.send(
        sender=__name__, request=request, user=request.user, logto_user_id=sub, keys=keys
    )
    return data


def _code(error: Exception) -> str:
    return getattr(error, "code", "") or type(error).__name__
