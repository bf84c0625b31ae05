"""What ``account_center_check`` says of the gateways: capability by capability, which one it
uses and why, and what cannot work (kept apart from the command, which may move)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings as django_settings
from django.utils.translation import gettext as _

from ..conf import features
from ..conf.app_settings import app_settings
from ..conf.tenant_fields import LOGTO_FIELDS, MANAGEMENT_ONLY, has_m2m, logto_control, why_closed
from . import gateway

# Each capability as the check names it, with the feature it serves.
CAPABILITIES = (*LOGTO_FIELDS, *sorted(MANAGEMENT_ONLY))
_RANK = {features.OFF: 0, features.READ_ONLY: 1, features.EDIT: 2}


def lines() -> list[tuple[bool | None, str, str]]:
    """``(ok, name, reason)`` per line: ``False`` fails the check, ``None`` is a note."""
    mode = app_settings.LOGTO_GATEWAY
    found: list[tuple[bool | None, str, str]] = []
    if mode != "management":
        gateway.forget_tenant_settings()  # Logto's word now, not a minute ago
        settings = gateway.tenant_settings()
        if settings is None:
            found.append(
                (
                    False if mode == "account" else None,
                    "account center",
                    _("Logto did not say what its account center allows"),
                )
            )
        elif not settings.enabled:
            # "account" cannot work at all; "auto" falls back to the Management API.
            ok = None if mode == "auto" and has_m2m() else False
            found.append((ok, "account center", _("the tenant's account center is disabled")))
        else:
            found.append((True, "account center", _("enabled")))
    for capability in CAPABILITIES:
        chosen, reason = gateway.choose(capability)
        closed = why_closed(capability)
        name = f"gateway {capability}"
        if closed is not None:
            found.append((None, name, str(closed)))
            continue
        if chosen == gateway.MANAGEMENT and not has_m2m():
            reason = _("needs the Management API, and there are no M2M credentials")
            found.append((False, name, reason))
            continue
        found.append((True, name, f"{chosen}: {reason}"))
        _warn_if_closed_by_logto(found, capability)
    if mode != "management" and gateway.route("passkeys") == gateway.ACCOUNT:
        found.extend(passkey_lines())
    return found


def site_origins() -> list[str]:
    """This site's origins as its settings name them (``ACCOUNT_CENTER_SITE_URL`` when absolute,
    Django's ``CSRF_TRUSTED_ORIGINS``): where the browser makes a passkey."""
    candidates = [app_settings.SITE_URL, *getattr(django_settings, "CSRF_TRUSTED_ORIGINS", [])]
    origins = []
    for candidate in candidates:
        parts = urlsplit(str(candidate))
        if parts.scheme in ("http", "https") and parts.netloc and "*" not in parts.netloc:
            origin = f"{parts.scheme}://{parts.netloc}"
            if origin not in origins:
                origins.append(origin)
    return origins


def passkey_lines() -> list[tuple[bool | None, str, str]]:
    """Whether a passkey can be added from this site: Logto's relying party is the host the site
    reaches Logto at (never an IP address), and Logto verifies the browser's credential only
    from an origin among the tenant's ``webauthnRelatedOrigins`` (the site relays the call and
    sends no ``Origin`` header of its own)."""
    name = "passkeys"
    rp_id = urlsplit(app_settings.LOGTO_ENDPOINT).hostname or ""
    try:
        ipaddress.ip_address(rp_id)
    except ValueError:
        pass
    else:
        reason = _(
            "LOGTO_ENDPOINT's host %(host)s is an IP address, which browsers refuse as a passkey's "
            "relying party: reach Logto by a host name"
        ) % {"host": rp_id}
        return [(False, name, reason)]
    settings = gateway.tenant_settings()
    related = list(settings.webauthn_related_origins) if settings is not None else []
    how = _(
        "add it to the account center's related origins in Logto (webauthnRelatedOrigins: the "
        "Console's account-center settings, or PATCH /api/account-center with the Management API)"
    )
    origins = site_origins()
    if not origins:
        said = _(
            "this site's origin is not known here (set ACCOUNT_CENTER_SITE_URL or "
            "CSRF_TRUSTED_ORIGINS to have it checked); Logto's related origins: %(related)s; "
            "if the site's origin is missing, %(how)s"
        ) % {"related": ", ".join(related) or "-", "how": how}
        return [(None, name, said)]
    missing = [origin for origin in origins if origin not in related]
    if missing:
        said = _("%(origins)s not among Logto's related origins, so no passkey can be added: %(how)s") % {
            "origins": ", ".join(missing),
            "how": how,
        }
        return [(False, name, said)]
    return [(True, name, _("%(origins)s among Logto's related origins") % {"origins": ", ".join(origins)})]


def _warn_if_closed_by_logto(found: list[tuple[bool | None, str, str]], capability: str) -> None:
    """A field the site offers more of than Logto allows: the site's level is capped (a note)."""
    cap = logto_control(capability)
    if cap is None:
        return
    site = _site_level(capability)
    if _RANK[site] > _RANK[cap]:
        found.append(
            (
                None,
                f"gateway {capability}",
                _("the site offers %(site)s, Logto's settings allow %(logto)s: shown as %(logto)s")
                % {"site": site, "logto": cap},
            )
        )


def _site_level(capability: str) -> str:
    group = {"profile": "profile", "custom_data": "custom_data"}.get(capability)
    if group is not None:
        members = (
            features.profile_field_names() if group == "profile" else features.custom_data_keys()
        )
        names = [f"{group}.{name}" for name in members]
    else:
        names = [capability]
    levels = [features.default_level(name) for name in names]
    return max(levels, key=_RANK.__getitem__, default=features.OFF)
