"""What the account pages and the admin show, read from Logto: the views' one way to Logto's data
(a change goes through its capability's flow instead). Each is a read the read cache may keep;
a caller that decides a change on it reads inside ``read_cache.fresh()``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..logto.client import get_client
from ..logto.errors import LogtoError
from ..logto.access_models import UserOrganization
from ..logto.models import LogtoUser, MfaVerification
from . import gateway, gateway_mfa


def or_none(read: Callable[..., Any], *args: Any) -> Any:
    """A secondary read: when Logto fails it, the page shows a blank, not an error."""
    try:
        return read(*args)
    except LogtoError:
        return None


def account(sub: str, *, with_sso_identities: bool = False) -> LogtoUser:
    """The user as Logto has them (with their enterprise SSO identities when asked), through the
    request's gateway (:mod:`.gateway`)."""
    return gateway.account(sub, with_sso_identities=with_sso_identities)


def custom_data(sub: str) -> dict[str, Any]:
    return gateway.custom_data(sub)


def mfa_factors(sub: str) -> list[MfaVerification]:
    """The user's second factors as Logto lists them (``mfa.Factors.of`` sorts them by kind)."""
    return gateway_mfa.factors(sub)


def mfa_configs(sub: str) -> dict[str, Any]:
    """The user's own two-step switches (``mfa.Settings.from_configs`` reads them)."""
    return gateway_mfa.configs(sub)


def token_count(sub: str) -> int:
    return len(get_client().list_personal_access_tokens(sub))


def organizations(sub: str) -> list[UserOrganization]:
    """The organizations the user belongs to, with the user's role names there, by name."""
    return sorted(get_client().list_user_organizations(sub), key=lambda o: o.name.casefold())


def accounts(subs: Iterable[str]) -> dict[str, LogtoUser]:
    """Several users at once, by Logto id (a search: the read cache never keeps it)."""
    return get_client().get_users(subs)


def search_user_ids(text: str) -> list[str]:
    """The ids of the users whose username, email, phone or name contains ``text``."""
    return get_client().search_user_ids(text)


def logto_account_center() -> tuple[bool, dict[str, str]] | None:
    """The tenant's account center as Logto has it now (the gateway's reader, a minute old at
    most): whether it is enabled, and each feature's Off / ReadOnly / Edit in Logto's settings
    (``tenant_fields.LOGTO_FIELDS``); ``None`` when Logto could not say."""
    found = gateway.tenant_settings()
    if found is None:
        return None
    return found.enabled, {
        feature: found.control(field) for feature, field in gateway.LOGTO_FIELDS.items()
    }
