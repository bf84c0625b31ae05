"""The tenant-wide things an account page waits for before its own reads: Logto's account-center
settings (with the Account API as gateway, which cards are shown and which API each read takes
depend on them) and the M2M token (every Management API read waits for it).

Both are kept in Django's cache for every worker (the settings a minute: no Logto webhook tells
of a change to them; the token as long as Logto says it lives), so they are missing only on a
deployment's first page, then once a minute and once an hour. When both are missing and both
are certainly needed they are fetched side by side, not one after the other: at a page's start
(:func:`fetch_ahead`), and at sign-in beside Logto's userinfo call, which the callback waits for
anyway (:func:`beside`), so the first page after a sign-in makes only the user's own reads.
Nothing is fetched that the page would not ask for itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from ..conf import features
from ..conf.app_settings import app_settings
from ..conf.tenant_fields import has_m2m
from ..logto.client import get_client
from ..logto.errors import LogtoError
from ..parallel_reads import concurrently
from . import gateway

logger = logging.getLogger(__name__)

# The overview's reads that only the Management API has, whatever Logto's settings say (the
# page a sign-in lands on by default, ``ACCOUNT_CENTER_LOGIN_REDIRECT_URL``).
OVERVIEW_MANAGEMENT_READS = ("tokens", "organizations")


def _token_needed(management_reads: Iterable[str]) -> bool:
    """Whether the page certainly asks for the M2M token: the Management API is the gateway, or
    the page shows a card only the Management API reads (known without Logto's settings)."""
    if not has_m2m():
        return False
    if app_settings.LOGTO_GATEWAY == "management":
        return True
    return any(features.shown(feature) for feature in management_reads)


def _fetch_token() -> None:
    # Kept in the shared cache for every worker; the value itself is not wanted here.
    get_client().get_access_token()


def missing(management_reads: Iterable[str]) -> list[Callable[[], Any]]:
    """The fetches a page reading ``management_reads`` (features only the Management API reads)
    will wait for, of what is not held."""
    calls: list[Callable[[], Any]] = []
    if app_settings.LOGTO_GATEWAY != "management" and not gateway.holds_tenant_settings():
        calls.append(gateway.tenant_settings)
    if _token_needed(management_reads) and not get_client().holds_access_token():
        calls.append(_fetch_token)
    return calls


def _quietly(fetch: Callable[[], Any]) -> None:
    """A fetch ahead never fails what it is beside: the read that needs the thing fetches it
    again and answers the failure in its own way (a blank card, the page's error)."""
    try:
        fetch()
    except LogtoError as error:
        logger.info("Logto's tenant-wide %s not fetched ahead: %s", fetch.__name__, error)


def fetch_ahead(management_reads: Iterable[str] = ()) -> None:
    """At a page's start: both tenant-wide things side by side when both are missing (one alone
    is fetched when first needed, at the same cost)."""
    if app_settings.LOGTO_GATEWAY == "management" or gateway.holds_tenant_settings():
        return  # most views: nothing to fetch beside the settings, no token unsealed to know it
    calls = missing(management_reads)
    if len(calls) > 1:
        concurrently(*[(_quietly, fetch) for fetch in calls])


def beside(call: tuple[Any, ...], management_reads: Iterable[str]) -> Any:
    """``call`` (``(function, *args)``, made in this thread) with the missing tenant-wide things
    fetched side by side; answers its result, or raises its error."""
    calls = missing(management_reads)
    if not calls:
        return call[0](*call[1:])
    return concurrently(call, *[(_quietly, fetch) for fetch in calls])[0]
