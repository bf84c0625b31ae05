"""Connected apps: the third-party applications the user allowed to act for them (Logto's
grants), what each may do in words, and removing an app's access.

Only third-party applications are listed (Logto filters them, ``appType=thirdParty``): this
site and the tenant's other first-party apps are the user's own sign-ins, which the sessions page
ends. Removing access revokes the grant and every token issued under it; the app asks for
consent again at its next sign-in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..conf.app_settings import app_settings
from ..conf.tenant_fields import has_m2m
from ..logto.account_models import AppGrant
from ..logto.client import get_client
from ..logto.errors import LogtoError, LogtoNotFound, LogtoVerificationRequired
from . import actions, gateway
from .changes import change
from .errors import FlowError, StepUpRequired

GONE = gettext_lazy("This app no longer has access to your account.")

# The OIDC scopes Logto knows (``UserScope``), as what the app may do. ``openid`` alone is
# signing in with the account: the words every app gets first.
_SCOPE_WORDS = {
    "openid": gettext_lazy("Sign you in with your account"),
    "profile": gettext_lazy("See your name, username and profile picture"),
    "email": gettext_lazy("See your email address"),
    "phone": gettext_lazy("See your phone number"),
    "address": gettext_lazy("See your address"),
    "custom_data": gettext_lazy("See your additional profile details"),
    "identities": gettext_lazy("See which social accounts are linked"),
    "roles": gettext_lazy("See your roles"),
    "offline_access": gettext_lazy("Keep access while you are not using it"),
    "urn:logto:scope:organizations": gettext_lazy("See the organizations you belong to"),
    "urn:logto:scope:organization_roles": gettext_lazy(
        "See your roles in your organizations"
    ),
}


@dataclass(frozen=True)
class AppRow:
    """A connected app as the page shows it."""

    grant_id: str
    application_id: str
    name: str
    logo_url: str | None
    permissions: list[str]
    authorised_at: datetime | None
    expires_at: datetime | None


def permissions(grant: AppGrant) -> list[str]:
    """What the app may do, in words, in Logto's order; an unknown scope by its own name."""
    words: list[str] = []
    for scope in grant.scope.split():
        said = _SCOPE_WORDS.get(scope)
        words.append(str(said) if said is not None else _("“%(scope)s”") % {"scope": scope})
    for resource, scopes in sorted(grant.resource_scopes.items()):
        words.append(
            _("Act for you on %(resource)s: %(scopes)s")
            % {"resource": resource, "scopes": ", ".join(scopes.split()) or _("no permission")}
        )
    return words


def _logo(application_id: str) -> str | None:
    # The consent page's logo is in the application's sign-in experience, which only the
    # Management API reads. Through the Account API the app is named without it, as Logto's own
    # account center names it (the grant's name only): no M2M token for the user's own page.
    if not has_m2m() or gateway.route("apps") == gateway.ACCOUNT:
        return None
    try:
        branding = get_client().get_application_branding(application_id)
    except LogtoError:
        return None
    logo = branding.logo_url if branding is not None else None
    # Shown as an image on the page: an https address only, never data: or another scheme.
    return logo if logo and logo.startswith("https://") else None


def _grants(sub: str, request: HttpRequest | None) -> list[AppGrant]:
    try:
        found = gateway.third_party_grants(sub, request)
    except LogtoVerificationRequired:
        # Through the Account API Logto lists grants only to a user who just confirmed it's
        # them: the page asks, as before a change.
        raise StepUpRequired from None
    # This site is never a third-party app of its own tenant; kept out should Logto say so.
    return [g for g in found if g.application_id != app_settings.LOGTO_APP_ID]


def list_apps(request: HttpRequest, sub: str) -> list[AppRow]:
    """The connected apps, most recently authorised first."""
    rows = [
        AppRow(
            grant_id=grant.id,
            application_id=grant.application_id,
            name=grant.application_name or grant.application_id,
            logo_url=_logo(grant.application_id),
            permissions=permissions(grant),
            authorised_at=grant.issued_at,
            expires_at=grant.expires_at,
        )
        for grant in _grants(sub, request)
    ]
    oldest = datetime.min.replace(tzinfo=UTC)
    rows.sort(key=lambda row: (-(row.authorised_at or oldest).timestamp(), row.name))
    return rows


def for_download(request: HttpRequest, sub: str) -> list[dict[str, object]]:
    """For "Download my data": each connected app's name, what it may do and when it was
    authorised (never a grant's id or token)."""
    return [
        {
            "name": grant.application_name or grant.application_id,
            "may": permissions(grant),
            "authorised_at": grant.issued_at,
        }
        for grant in _grants(sub, request)
    ]


def remove_access(request: HttpRequest, grant_id: str) -> str:
    """Revoke one connected app's access; answers the app's name."""
    with change(request, actions.APP_ACCESS_REMOVE, sender=__name__) as ch:
        grant = next((g for g in _grants(ch.sub, request) if g.id == grant_id), None)
        if grant is None:
            raise FlowError(GONE, code="oidc.invalid_grant")
        name = grant.application_name or grant.application_id
        ch.note(application=name)
        try:
            gateway.revoke_grant(ch, grant.id)
        except LogtoNotFound as error:
            if not error.code:
                raise
            # Revoked meanwhile: the outcome the user asked for.
        ch.done(
            signal_args={"application_id": grant.application_id, "application_name": name}
        )
    return name
