"""The user's claims by scope, for the ID token and userinfo, as Logto computes them."""

from __future__ import annotations

from typing import Any


# Logto's claims per scope (core-kit openid.ts): profile claims read the user, then user.profile.
_PROFILE_CLAIMS = {
    "family_name": "familyName",
    "given_name": "givenName",
    "middle_name": "middleName",
    "nickname": "nickname",
    "profile": "profile",
    "website": "website",
    "gender": "gender",
    "birthdate": "birthdate",
    "zoneinfo": "zoneinfo",
    "locale": "locale",
}
# Claims Logto puts in the ID token only when the tenant enables them ("extended ID token claims");
# the userinfo endpoint always serves them.
EXTENDED_CLAIMS_BY_SCOPE = {
    "custom_data": ["custom_data"],
    "identities": ["identities", "sso_identities"],
}


def _user_claims(user: dict[str, Any], scopes: list[str]) -> dict[str, Any]:
    claims: dict[str, Any] = {}
    profile = user["profile"]
    if "profile" in scopes:
        claims.update(name=user["name"], picture=user["avatar"], username=user["username"])
        claims.update(
            {
                claim: profile[key]
                for claim, key in _PROFILE_CLAIMS.items()
                if profile.get(key) is not None
            }
        )
        preferred = profile.get("preferredUsername") or user["username"]
        if preferred is not None:
            claims["preferred_username"] = preferred
        claims.update(created_at=user["createdAt"], updated_at=user["updatedAt"])
    if "email" in scopes:
        claims.update(email=user["primaryEmail"], email_verified=bool(user["primaryEmail"]))
    if "phone" in scopes:
        claims.update(
            phone_number=user["primaryPhone"], phone_number_verified=bool(user["primaryPhone"])
        )
    if "address" in scopes and profile.get("address") is not None:
        claims["address"] = profile["address"]
    return claims


def _extended_claims(
    user: dict[str, Any], scopes: list[str], allowed: set[str] | None
) -> dict[str, Any]:
    values = {
        "custom_data": lambda: user["customData"],
        "identities": lambda: user["identities"],
        "sso_identities": lambda: [
            {"issuer": s["issuer"], "identityId": s["identityId"], "detail": s.get("detail", {})}
            for s in user["_sso"]
        ],
    }
    claims: dict[str, Any] = {}
    for scope in scopes:
        for claim in EXTENDED_CLAIMS_BY_SCOPE.get(scope, []):
            if allowed is None or claim in allowed:
                claims[claim] = values[claim]()
    return claims


def id_token_claims(
    user: dict[str, Any], scopes: list[str], extended: set[str] | None = None
) -> dict[str, Any]:
    return {**_user_claims(user, scopes), **_extended_claims(user, scopes, extended or set())}


def userinfo_claims(user: dict[str, Any], scopes: list[str]) -> dict[str, Any]:
    return {"sub": user["id"], **_user_claims(user, scopes), **_extended_claims(user, scopes, None)}
