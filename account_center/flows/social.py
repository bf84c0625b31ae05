"""Social accounts: list the linked ones, link a new one through the provider, unlink one.

Linking goes through the provider's own sign-in: Logto makes the provider's URL
(``authorization-uri``) but cannot check the ``state`` that comes back, so the app makes its own:
random, single use, bound to this Django session and this Logto user, valid for 10 minutes, kept in
Django's cache so any worker can check it. The callback checks it before anything else and only
then hands the provider's answer (the callback's query parameters) to Logto to link.

Some connectors keep their own state in Logto's sign-in session (OIDC and OAuth2-style ones,
Apple, SAML...): Logto cannot finish those through the Management API, so they are listed as not
linkable here, with the reason, instead of offering a button that fails.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from ..clock import now
from ..conf.tenant_fields import has_m2m
from ..logto.client import get_client
from ..logto.models import Connector, LogtoUser
from . import actions, gateway
from .changes import change
from .errors import FlowError
from .identifiers import _refuse_if_last
from .identity import logto_user_id

STATE_SECONDS = 10 * 60
CONNECTORS_SECONDS = 300
_CONNECTORS_KEY = "account_center:social_connectors"
_STATE_KEY = "account_center:social_state:{state}"
_BINDING_KEY = "account_center_social_binding"  # in the session: ties a state to this session
# Connectors that keep state in Logto's own session (see ../shared/logto/LOGTO.md).
_SESSION_BOUND = re.compile(
    r"^(apple|oidc|oauth2|gitlab|linkedin|slack|x|amazon|line|patreon|qq|huggingface|saml)"
    r"([-_]|$)"
)

NOT_LINKABLE = _(
    "This provider can only be linked while signing in, on the sign-in page: it keeps its "
    "state in the sign-in service's own session."
)
STATE_REFUSED = _(
    "This link did not come from a request you just made here (it is old, was used already, or "
    "was started in another browser or account). Nothing was linked. Start again from "
    "Connections."
)
PROVIDER_REFUSED = _(
    "The provider did not confirm the account (you may have cancelled). Nothing was linked."
)
UNKNOWN_CONNECTOR = _("This provider is not available any more.")
ALREADY_LINKED = _("An account of this provider is already linked. Unlink it first.")


@dataclass(frozen=True)
class LinkedAccount:
    target: str
    name: str
    logo: str
    detail: str  # what the provider says about the account (email or name), if anything


@dataclass(frozen=True)
class Offer:
    connector: Connector
    name: str
    linkable: bool


def social_connectors() -> list[Connector]:
    """Logto's social connectors, cached briefly: they change rarely, pages are viewed often.

    Through the Management API, every social connector of the tenant. Through the Account API
    (or without M2M credentials), those Logto's sign-in page offers, from its anonymous sign-in
    experience, as Logto's own account center offers them: a connector kept off the sign-in page
    is then neither offered nor named, and no M2M token is fetched for the user's own pages (the
    Management API's list is kept where it is the gateway: it is the whole list, and names its
    connectors' kinds).
    """
    whole_list = has_m2m() and gateway.route("social") == gateway.MANAGEMENT
    key = f"{_CONNECTORS_KEY}:{'m2m' if whole_list else 'sign-in'}"
    cached = cache.get(key)
    if isinstance(cached, list):
        return cached
    client = get_client()
    if whole_list:
        found = client.list_social_connectors()
    else:
        found = list(client.get_public_sign_in_experience().social_connectors)
    cache.set(key, found, CONNECTORS_SECONDS)
    return found


def is_linkable(connector: Connector) -> bool:
    if connector.is_standard:
        return False
    return not _SESSION_BOUND.match(connector.factory_id or connector.target or "")


def linked_accounts(account: LogtoUser, connectors: list[Connector], language: str | None):
    by_target = {c.target: c for c in connectors}
    rows = []
    for target, identity in sorted(account.identities.items()):
        connector = by_target.get(target)
        details = identity.details or {}
        detail = str(details.get("email") or details.get("name") or details.get("login") or "")
        rows.append(
            LinkedAccount(
                target=target,
                name=connector.name_for(language) if connector else target,
                logo=connector.logo if connector else "",
                detail=detail,
            )
        )
    return rows


def offers(account: LogtoUser, connectors: list[Connector], language: str | None) -> list[Offer]:
    """Connectors the user could link: none already linked."""
    return [
        Offer(connector=c, name=c.name_for(language), linkable=is_linkable(c))
        for c in connectors
        if c.target not in account.identities
    ]


def _binding(request: HttpRequest) -> str:
    value = request.session.get(_BINDING_KEY)
    if not isinstance(value, str):
        value = secrets.token_urlsafe(16)
        request.session[_BINDING_KEY] = value
    return value


def start_link(request: HttpRequest, connector_id: str) -> str:
    """Mint a state for this session and user; answers the provider's URL to send the user to."""
    with change(request, actions.SOCIAL_LINK_STARTED, sender=__name__) as ch:
        connector = next((c for c in social_connectors() if c.id == connector_id), None)
        if connector is None:
            raise FlowError(UNKNOWN_CONNECTOR, code="connector.not_found")
        if not is_linkable(connector):
            raise FlowError(NOT_LINKABLE, code="session.invalid_connector_id")
        if connector.target in gateway.account(ch.sub, request=request).identities:
            raise FlowError(ALREADY_LINKED, code="user.identity_already_in_use")
        state = secrets.token_urlsafe(32)
        binding = _binding(request)
        entry = {"sub": ch.sub, "binding": binding, "connector": connector.id, "at": now()}
        cache.set(_STATE_KEY.format(state=state), entry, STATE_SECONDS)
        callback = request.build_absolute_uri(reverse("account_center:social_callback"))
        url = gateway.start_social_link(ch, connector.id, state=state, redirect_uri=callback)
        ch.done(target=connector.target)
    return url


def _take_state(request: HttpRequest, state: str) -> dict[str, Any] | None:
    """The entry minted for ``state``, used up; ``None`` when there is none for this session and
    user (missing, wrong, replayed, expired, or another user's)."""
    if not state or len(state) > 200:
        return None
    key = _STATE_KEY.format(state=state)
    entry = cache.get(key)
    # Only the request whose delete removed the entry may use it: a replay racing it loses.
    if not isinstance(entry, dict) or not cache.delete(key):
        return None
    if now() - float(entry.get("at", 0)) > STATE_SECONDS:
        return None
    if entry.get("sub") != logto_user_id(request) or entry.get("binding") != request.session.get(
        _BINDING_KEY
    ):
        return None
    return entry


@sensitive_variables("params")
def finish_link(request: HttpRequest, params: dict[str, str]) -> str:
    """Check the callback's ``state``, then link; answers the linked provider's target."""
    with change(request, actions.SOCIAL_LINK, sender=__name__) as ch:
        entry = _take_state(request, params.get("state", ""))
        if entry is None:
            ch.refused("state")
            raise FlowError(STATE_REFUSED, code="state")
        if params.get("error"):
            ch.failed("provider")
            raise FlowError(PROVIDER_REFUSED, code="provider")
        identities = gateway.link_social(ch, entry["connector"], params["state"], params)
        connector = next((c for c in social_connectors() if c.id == entry["connector"]), None)
        target = connector.target if connector else next(iter(identities), "")
        ch.done(target=target, signal_args={"target": target})
    return target


def unlink(request: HttpRequest, target: str) -> None:
    """Unlink the social account of ``target``, unless it is the user's last way to sign in."""
    with change(request, actions.SOCIAL_UNLINK, sender=__name__) as ch:
        account = gateway.account(ch.sub, with_sso_identities=True, request=request)
        if target not in account.identities:
            gone = _("This account is not linked any more.")
            raise FlowError(gone, code="user.identity_not_exist")
        _refuse_if_last(account, f"social:{target}")
        gateway.unlink_social(ch, target)
        ch.done(target=target, signal_args={"target": target})
