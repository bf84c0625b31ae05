"""Delete my account, and download my data first.

Deletion order, so that nothing is half done where it matters:

1. ``account_deleting``: the host project removes its own data; an exception stops everything
   before anything is deleted.
2. Logto deletes the user (every way to sign in, every linked account, every session on every
   site using this Logto). A 404 means it is already gone: the same outcome.
3. The local user is deleted (or deactivated, ``ACCOUNT_CENTER_DELETED_USER_ACTION``) and the
   session flushed.
4. ``account_deleted``.

If step 3 fails after step 2, signing in again cannot bring the account back (the ``sub`` is
gone from Logto); ``manage.py account_center_cleanup`` finishes the local part for every linked
Logto user that Logto says no longer exists.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .. import signals
from ..site_adapter import get_adapter
from ..conf.app_settings import app_settings
from ..clock import utcnow
from ..logto.client import get_client
from ..conf import features
from ..logto.errors import LogtoError, LogtoNotFound
from ..logto.models import LogtoUser
from ..models import LogtoIdentity
from . import actions, activity, apps, devices, reads, trusted_devices
from .changes import change, require_step_up
from .errors import FlowError, StepUpRequired
from .identity import logto_user_id

logger = logging.getLogger(__name__)

FALLBACK_PHRASE = "DELETE"
WRONG_PHRASE = _("Type the words shown above exactly, to show this is what you want.")
HOST_REFUSED = _(
    "This site could not prepare your account for deletion, so nothing was deleted. Try again "
    "later or contact the site's support."
)


def confirmation_phrase(account: LogtoUser) -> str:
    """What the user types to confirm: the username, else the email, else a fixed word."""
    return account.username or account.primary_email or FALLBACK_PHRASE


def delete_account(request: HttpRequest, typed: str) -> None:
    """Delete the signed-in user's Logto account and local user, in the order above."""
    sub = logto_user_id(request)
    client = get_client()
    account = client.get_user(sub)
    if typed.strip() != confirmation_phrase(account):
        raise FlowError(WRONG_PHRASE, field="confirmation", code="confirmation")
    # account_deleted, the action's signal, is sent once the local user is gone too.
    with change(request, actions.ACCOUNT_DELETE, sender=__name__) as ch:
        user = request.user
        try:
            # Sent here, not by the change path: it asks the site, and a receiver's exception
            # stops the deletion before anything is deleted.
            signals.account_deleting.send(
                sender=__name__, request=request, user=user, logto_user_id=sub
            )
        except Exception as error:
            logger.exception("An account_deleting receiver refused; nothing was deleted")
            ch.failed("host")
            raise FlowError(HOST_REFUSED, code="host") from error
        try:
            client.delete_user(sub)
        except LogtoNotFound:
            pass  # already gone at Logto: the outcome the user asked for
        ch.done()  # audited before the local user (and the event's link to it) goes
        end_local_user(user)
        request.session.flush()


def end_local_user(user: Any) -> None:
    """The local side of a deleted Logto account: delete the user, or deactivate it and drop
    its Logto link (the ``sub`` can never sign in again)."""
    identity = getattr(user, "logto_identity", None)
    with transaction.atomic():
        if identity is not None:
            devices.forget(identity.sub)
        if app_settings.DELETED_USER_ACTION == "deactivate":
            LogtoIdentity.objects.filter(user=user).delete()
            get_user_model().objects.filter(pk=user.pk).update(is_active=False)
        else:
            get_user_model().objects.filter(pk=user.pk).delete()


def clean_up_deleted(dry_run: bool = False) -> list[str]:
    """Finish the local part for linked Logto users that Logto says no longer exist. Answers
    their ``sub``s. Asks Logto for each; a Logto that does not answer ends the run (never guess)."""
    client = get_client()
    gone = []
    for link in LogtoIdentity.objects.select_related("user").iterator():
        try:
            client.get_user(link.sub)
        except LogtoNotFound:
            gone.append(link.sub)
            if not dry_run:
                end_local_user(link.user)
    return gone


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


# Keys of a provider's answer that belong to the linking exchange rather than describe the person
# (the callback's code and state, tokens): never in the download. ``code`` and ``state`` only at
# the top of an identity's details and of its ``rawData`` (an address further in has a "state").
_EXCHANGE_KEYS = frozenset(
    {"code", "state", "authcode", "authorizationcode", "redirecturi", "codeverifier", "nonce"}
)
_SECRET_PARTS = ("token", "secret", "password", "assertion", "ticket", "credential")


def _describing(value: Any, depth: int = 0) -> Any:
    """A provider's identity details without codes, state, tokens or other secrets."""
    if isinstance(value, dict):
        kept = {}
        for key, item in value.items():
            plain = "".join(ch for ch in str(key).lower() if ch.isalnum())
            if any(part in plain for part in _SECRET_PARTS):
                continue
            if depth <= 1 and plain in _EXCHANGE_KEYS:
                continue
            kept[key] = _describing(item, depth + 1)
        return kept
    if isinstance(value, list | tuple):
        return [_describing(item, depth + 1) for item in value]
    return value


def _account(request: HttpRequest, account: LogtoUser) -> dict[str, Any]:
    data = asdict(account)
    data["custom_data"] = get_adapter().export_custom_data(request, account.custom_data)
    for target, identity in data["identities"].items():
        identity["details"] = _describing(account.identities[target].details)
    for exported, identity in zip(data["sso_identities"], account.sso_identities, strict=True):
        exported["detail"] = _describing(identity.detail)
    return data


def _optional(read: Callable[[], Any], feature: str) -> Any:
    """A part of the download its page may not show (``None`` then), or that Logto could not
    read just now: the rest of the download is still made."""
    if not features.shown(feature):
        return None
    try:
        return read()
    except (LogtoError, StepUpRequired):
        return None


def _organizations(sub: str) -> list[dict[str, Any]]:
    return [
        {"name": organization.name, "roles": [role.name for role in organization.roles]}
        for organization in reads.organizations(sub)
    ]


def check_download(request: HttpRequest) -> None:
    """Raise ``StepUpRequired`` unless :func:`export_data` may run now (the same rule), so a page
    can ask in place before it lets the browser download the file itself."""
    require_step_up(request, actions.DATA_DOWNLOAD)


def export_data(request: HttpRequest) -> dict[str, Any]:
    """Everything the account center can read about the signed-in user, as JSON-ready data:
    the Logto account (custom data as the adapter's ``export_custom_data`` chooses, linked
    accounts without the provider's codes or tokens), second factors (kinds and names, never
    secrets), token names (never values), the user's own security activity in words (without
    where from for what the site's administrators or Logto did), the devices and browsers signed
    in from (names and dates), the connected apps, remembered devices and organizations (names,
    words and dates only), and what the host project adds
    (``collect_user_data``). Generated on request, stored nowhere."""
    with change(request, actions.DATA_DOWNLOAD, sender=__name__) as ch:
        sub = ch.sub
        client = get_client()
        account = client.get_user(sub, include_sso_identities=True)
        factors = client.list_mfa_verifications(sub)
        tokens = client.list_personal_access_tokens(sub)
        connected_apps = _optional(lambda: apps.for_download(request, sub), "apps")
        remembered = _optional(lambda: trusted_devices.for_download(sub), "trusted_devices")
        organizations = _optional(lambda: _organizations(sub), "organizations")
        site: dict[str, Any] = {}
        # Sent here, not by the change path: it asks the site for data to add.
        for receiver, answer in signals.collect_user_data.send(
            sender=__name__, request=request, user=request.user, logto_user_id=sub
        ):
            if isinstance(answer, dict):
                site[getattr(receiver, "__module__", "site")] = answer
        ch.done()  # before the activity below is read: the download holds its own event
    return _plain(
        {
            "exported_at": utcnow().astimezone(),
            "account": _account(request, account),
            "second_factors": [
                {"type": f.type, "name": f.name, "created_at": f.created_at} for f in factors
            ],
            "developer_tokens": [
                {"name": t.name, "created_at": t.created_at, "expires_at": t.expires_at}
                for t in tokens
            ],
            "security_activity": activity.for_download(sub),
            "known_devices": devices.for_download(sub),
            # Names only (no grant's or device's id); None: not shown here, or not readable.
            "connected_apps": connected_apps,
            "remembered_devices": remembered,
            "organizations": organizations,
            "local_user": {"username": request.user.get_username()},
            "site": site,
        }
    )
