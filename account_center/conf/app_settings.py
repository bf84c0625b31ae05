"""Every setting the account center reads, with its default. Read lazily so tests can override.

Connection to Logto (``LOGTO_*``):

``LOGTO_ENDPOINT``
    Base URL of Logto, e.g. ``https://your-tenant.logto.app`` or ``http://127.0.0.1:3001``.
    OIDC endpoints are discovered from ``<endpoint>/oidc/.well-known/openid-configuration``.
``LOGTO_APP_ID`` / ``LOGTO_APP_SECRET``
    The "Traditional Web" application users sign in through.
``LOGTO_M2M_APP_ID`` / ``LOGTO_M2M_APP_SECRET``
    The machine-to-machine application with the Management API role.
``LOGTO_MANAGEMENT_API_RESOURCE``
    Default ``https://default.logto.app/api`` (self-hosted); Logto Cloud uses
    ``https://<tenant-id>.logto.app/api``.
``LOGTO_TIMEOUT``
    ``(connect, read)`` seconds for every call to Logto. Default ``(3.05, 10)``.
``LOGTO_REQUEST_BUDGET_SECONDS``
    The most time one account page spends waiting for Logto, over all its calls: each call's
    timeout is cut to what is left, and once it is spent the page says Logto is unavailable.
    Default 15.
``LOGTO_SCOPES``
    OIDC scopes asked at sign-in. Default ``openid profile email phone identities custom_data``.
    With a gateway other than ``"management"`` (so by default) the sign-in also asks what the
    Account API needs (``address offline_access urn:logto:scope:sessions``, with
    ``prompt=consent`` so that Logto issues a refresh token).

Behaviour (``ACCOUNT_CENTER_*``):

``ACCOUNT_CENTER_LOGTO_GATEWAY``
    How the user's own changes reach Logto: ``"auto"`` (Logto's Account API with the user's own
    access token wherever the tenant's account-center settings allow it, the Management API for
    the rest: on a tenant whose account center is disabled, Logto's default, everything),
    ``"account"`` (the Account API for every capability it has) or ``"management"`` (the
    Management API with the M2M token for everything). Default ``"auto"``; any value but
    ``"management"`` keeps the user's access and refresh tokens, sealed, in the session from the
    next sign-in on.

``ACCOUNT_CENTER_STEP_UP_SECONDS``
    How long a step-up verification holds. Default 600 (Logto's own verification records).
``ACCOUNT_CENTER_VIEW_AS_SECONDS``
    How long a staff member's "view as" (support signed in as a user from Django admin, see
    ``flows/view_as.py``) lasts before it ends by itself. Default 900 (15 minutes).
``ACCOUNT_CENTER_STEP_UP_METHODS``
    The ways offered to confirm it's you before a sensitive change, any of ``"password"``,
    ``"email"``, ``"phone"``, ``"reauthentication"`` (signing in again). Default: all four.
``ACCOUNT_CENTER_FEATURES``
    ``"off"``, ``"readonly"`` or ``"edit"`` per feature, e.g. ``{"username": "readonly",
    "tokens": "off"}``; features not named are ``"edit"``. See :mod:`account_center.conf.features`
    for the names. A superuser overrides them in Django admin ("Account center settings"), as
    the step-up window and methods, attempt limits, resend cooldown and deleted-user action.
``ACCOUNT_CENTER_SECTIONS`` / ``ACCOUNT_CENTER_PROFILE_FIELDS``
    Deprecated (a system check says how to move to ``ACCOUNT_CENTER_FEATURES``), still honoured:
    a section or profile field not listed is Off.
``ACCOUNT_CENTER_CUSTOM_DATA_FIELDS``
    Extra fields kept in Logto custom data: a list of dicts ``{"key", "label", "type"}`` with
    ``type`` one of ``text``, ``boolean``, ``integer``, ``date``, ``url``. Default ``[]``.
``ACCOUNT_CENTER_CODE_RESEND_SECONDS``
    Cooldown before a verification code can be sent again. Default 60.
``ACCOUNT_CENTER_RATE_LIMITS``
    Attempt limits per action, e.g. ``{"step_up_password": "5/15m/user,20/15m/ip"}``: each rule is
    ``count/period/key`` with period ``s``, ``m``, ``h`` or ``d`` (``15m``) and key ``user`` (the
    Logto user) or ``ip`` (the client address, see ``ACCOUNT_CENTER_TRUSTED_PROXY_COUNT``).
    Actions not given keep their defaults (:data:`account_center.ratelimit.DEFAULT_LIMITS`);
    ``""`` switches an action's limits off.
``ACCOUNT_CENTER_ATTEMPT_LIMIT`` / ``ACCOUNT_CENTER_ATTEMPT_WINDOW_SECONDS``
    Deprecated: when set (and ``ACCOUNT_CENTER_RATE_LIMITS`` does not name the action), the count
    and window used for every action, per user and per IP. Defaults unset.
``ACCOUNT_CENTER_ADAPTER``
    Dotted path of the adapter class, the decisions a host project may change. Default
    ``account_center.adapter.DefaultAccountCenterAdapter``.
``ACCOUNT_CENTER_TRUSTED_PROXY_COUNT``
    How many proxies you run in front of Django; the client address is read from
    ``X-Forwarded-For`` that many entries from the right. Default 0: the header is never trusted.
``ACCOUNT_CENTER_ACCOUNT_CHECK_SECONDS``
    How often (at most) an account page asks Logto whether the signed-in user still exists and
    is not suspended; a deleted or suspended user is signed out. Default 60.
``ACCOUNT_CENTER_SECURITY_ALERTS``
    Which security alerts are mailed to the user (through the adapter's ``send_notification`` and
    Django's email backend): ``True`` (all), ``False`` (none) or the kinds, any of
    ``"password_changed"``, ``"email_changed"`` (to the old address too), ``"phone_changed"``,
    ``"mfa_added"``, ``"mfa_removed"``, ``"backup_codes_generated"``, ``"token_created"``,
    ``"social_linked"``, ``"social_unlinked"``, ``"sessions_signed_out"``, ``"support_viewed"``,
    ``"new_device"`` (a sign-in from a device and browser not seen before for that user). Default
    unset: all kinds when ``ACCOUNT_CENTER_NOTIFICATIONS`` is on, none otherwise. A superuser
    switches each kind on or off in Django admin ("Account center settings").
``ACCOUNT_CENTER_NOTIFICATIONS``
    Older switch, still honoured while ``ACCOUNT_CENTER_SECURITY_ALERTS`` is unset: ``True``
    sends every security alert. Default ``False``.
``ACCOUNT_CENTER_KEEP_ONE_SIGN_IN_IDENTIFIER``
    Refuse removing the last way to sign in. Default ``True``.
``ACCOUNT_CENTER_LOGIN_REDIRECT_URL`` / ``ACCOUNT_CENTER_LOGOUT_REDIRECT_URL``
    Where to go after sign-in and sign-out. Defaults ``account_center:overview`` and ``/``.
``ACCOUNT_CENTER_SITE_URL`` / ``ACCOUNT_CENTER_SITE_NAME``
    The "back to the site" link at the top of every account page. Defaults ``/`` and
    ``None`` (the link then reads "Back to the site"). The name may be a ``gettext_lazy``
    string, read in each request's language.
``ACCOUNT_CENTER_SIGN_OUT_ELSEWHERE_ON``
    After which changes the user's other sessions are signed out: any of ``"password"``,
    ``"email"``, ``"phone"``. Default ``("password",)``: a changed email or phone is not a sign
    that someone else got in, a changed password may be.
``ACCOUNT_CENTER_REVOKE_LOGTO_SESSIONS``
    Signing out elsewhere also ends the user's other Logto sessions (every site signed in through
    that Logto), where the Logto version has the sessions API. Default ``True``.
``ACCOUNT_CENTER_DELETED_USER_ACTION``
    What happens to the local Django user when the account is deleted: ``"delete"`` (default) or
    ``"deactivate"`` (for sites whose rows must keep their foreign keys).
``ACCOUNT_CENTER_DELETION_NOTE``
    The site's own words on what it keeps or removes when an account is deleted, shown on the
    danger zone page. Default: a sentence saying the site removes its own data.
``ACCOUNT_CENTER_PHONE_REGION``
    Region (ISO 3166 alpha-2, e.g. ``"DE"``) assumed for phone numbers typed without a
    country code. Default ``None``: numbers must carry their country code (``+49…`` or ``0049…``).
``ACCOUNT_CENTER_READ_CACHE_SECONDS``
    How long the signed-in user's Logto reads (the user, second factors, tokens, sessions,
    connectors) are kept in Django's cache. Default 60; 0 turns the cache off. The app's own
    changes, the Logto webhooks and a sign-in drop them at once; a change made in Logto with no
    webhook shows after at most this long. See :mod:`account_center.logto.read_cache`.
``ACCOUNT_CENTER_LOGTO_CONSOLE_URL``
    The Logto console, for the link to each user in Django admin: ``<console>/users/<id>``, e.g.
    ``https://cloud.logto.io/<tenant-id>`` or ``http://localhost:3002/console``. Default ``""``
    (no link).
``ACCOUNT_CENTER_WEBHOOK_SIGNING_KEY``
    The signing key of the Logto webhook that posts to ``/account/webhooks/logto/`` (events
    ``User.Deleted``, ``User.Data.Updated``, ``User.SuspensionStatus.Updated``). Default ``""``:
    every delivery is refused with 401.
``ACCOUNT_CENTER_WEBHOOK_MAX_AGE_SECONDS``
    Deliveries older than this, or already received (the same signed body), are acknowledged
    and ignored. Default 300.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings

PROFILE_FIELDS = (
    "name",
    "avatar",
    "given_name",
    "family_name",
    "middle_name",
    "nickname",
    "preferred_username",
    "website",
    "gender",
    "birthdate",
    "locale",
    "zoneinfo",
    "address",
)


# How the user's own changes reach Logto (ACCOUNT_CENTER_LOGTO_GATEWAY).
GATEWAYS = ("auto", "account", "management")

# The ways to confirm it's you before a sensitive change (flows.verification).
STEP_UP_METHODS = ("password", "email", "phone", "reauthentication")


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


# What a superuser set on the admin settings page (``site_settings.current``, cached), plugged in
# by the app's ready(): those values live in the database, which sits above every module that
# reads a setting. Until then (or outside Django) the Django settings alone apply.
_overrides_source: Callable[[], Any] | None = None


def read_overrides_from(source: Callable[[], Any]) -> None:
    global _overrides_source
    _overrides_source = source


def _override(name: str) -> Any:
    """The admin's value for ``name`` (an attribute of ``site_settings.Overrides``), or None."""
    return None if _overrides_source is None else getattr(_overrides_source(), name)


class AppSettings:
    # Connection to Logto
    @property
    def LOGTO_ENDPOINT(self) -> str:
        return (_setting("LOGTO_ENDPOINT", "") or "").rstrip("/")

    @property
    def LOGTO_APP_ID(self) -> str:
        return _setting("LOGTO_APP_ID", "")

    @property
    def LOGTO_APP_SECRET(self) -> str:
        return _setting("LOGTO_APP_SECRET", "")

    @property
    def LOGTO_M2M_APP_ID(self) -> str:
        return _setting("LOGTO_M2M_APP_ID", "")

    @property
    def LOGTO_M2M_APP_SECRET(self) -> str:
        return _setting("LOGTO_M2M_APP_SECRET", "")

    @property
    def LOGTO_MANAGEMENT_API_RESOURCE(self) -> str:
        return _setting("LOGTO_MANAGEMENT_API_RESOURCE", "https://default.logto.app/api")

    @property
    def LOGTO_TIMEOUT(self) -> tuple[float, float]:
        value = _setting("LOGTO_TIMEOUT", (3.05, 10.0))
        if isinstance(value, (int, float)):
            return (float(value), float(value))
        return (float(value[0]), float(value[1]))

    @property
    def LOGTO_REQUEST_BUDGET_SECONDS(self) -> float:
        return float(_setting("LOGTO_REQUEST_BUDGET_SECONDS", 15))

    @property
    def LOGTO_SCOPES(self) -> str:
        return _setting("LOGTO_SCOPES", "openid profile email phone identities custom_data")

    # Behaviour
    @property
    def LOGTO_GATEWAY(self) -> str:
        return str(_setting("ACCOUNT_CENTER_LOGTO_GATEWAY", "auto"))

    @property
    def STEP_UP_SECONDS(self) -> int:
        overridden = _override("step_up_seconds")
        if overridden is not None:
            return int(overridden)
        return int(_setting("ACCOUNT_CENTER_STEP_UP_SECONDS", 600))

    @property
    def VIEW_AS_SECONDS(self) -> int:
        return int(_setting("ACCOUNT_CENTER_VIEW_AS_SECONDS", 15 * 60))

    @property
    def STEP_UP_METHODS(self) -> tuple[str, ...]:
        overridden = _override("step_up_methods")
        if overridden is not None:
            return tuple(overridden)
        return tuple(_setting("ACCOUNT_CENTER_STEP_UP_METHODS", STEP_UP_METHODS))

    @property
    def FEATURE_LEVELS(self) -> dict[str, str]:
        """The admin's Off / ReadOnly / Edit per feature; :mod:`account_center.conf.features` lays
        them over ``ACCOUNT_CENTER_FEATURES``."""
        return _override("features") or {}

    @property
    def CUSTOM_DATA_FIELDS(self) -> list[dict[str, Any]]:
        return list(_setting("ACCOUNT_CENTER_CUSTOM_DATA_FIELDS", []))

    @property
    def CODE_RESEND_SECONDS(self) -> int:
        overridden = _override("code_resend_seconds")
        if overridden is not None:
            return int(overridden)
        return int(_setting("ACCOUNT_CENTER_CODE_RESEND_SECONDS", 60))

    @property
    def RATE_LIMITS(self) -> dict[str, str]:
        # The admin's limits are laid over the setting's, action by action.
        return {**_setting("ACCOUNT_CENTER_RATE_LIMITS", {}), **(_override("rate_limits") or {})}

    @property
    def ATTEMPT_LIMIT(self) -> int | None:
        value = _setting("ACCOUNT_CENTER_ATTEMPT_LIMIT", None)
        return None if value is None else int(value)

    @property
    def ATTEMPT_WINDOW_SECONDS(self) -> int:
        return int(_setting("ACCOUNT_CENTER_ATTEMPT_WINDOW_SECONDS", 900))

    @property
    def ADAPTER(self) -> str:
        return str(
            _setting("ACCOUNT_CENTER_ADAPTER", "account_center.adapter.DefaultAccountCenterAdapter")
        )

    @property
    def TRUSTED_PROXY_COUNT(self) -> int:
        return max(0, int(_setting("ACCOUNT_CENTER_TRUSTED_PROXY_COUNT", 0)))

    @property
    def ACCOUNT_CHECK_SECONDS(self) -> int:
        return int(_setting("ACCOUNT_CENTER_ACCOUNT_CHECK_SECONDS", 60))

    @property
    def NOTIFICATIONS(self) -> bool:
        return bool(_setting("ACCOUNT_CENTER_NOTIFICATIONS", False))

    @property
    def SECURITY_ALERTS(self) -> Any:
        """The setting as given (``None`` when unset); ``flows.alerts.enabled`` reads it."""
        return _setting("ACCOUNT_CENTER_SECURITY_ALERTS", None)

    @property
    def SECURITY_ALERTS_CHOSEN(self) -> dict[str, bool]:
        """The admin's on or off per alert kind, laid over ``SECURITY_ALERTS``."""
        return _override("security_alerts") or {}

    @property
    def KEEP_ONE_SIGN_IN_IDENTIFIER(self) -> bool:
        return bool(_setting("ACCOUNT_CENTER_KEEP_ONE_SIGN_IN_IDENTIFIER", True))

    @property
    def LOGIN_REDIRECT_URL(self) -> str:
        return _setting("ACCOUNT_CENTER_LOGIN_REDIRECT_URL", "account_center:overview")

    @property
    def LOGOUT_REDIRECT_URL(self) -> str:
        return _setting("ACCOUNT_CENTER_LOGOUT_REDIRECT_URL", "/")

    @property
    def SITE_URL(self) -> str:
        return str(_setting("ACCOUNT_CENTER_SITE_URL", "/"))

    @property
    def DELETED_USER_ACTION(self) -> str:
        value = _override("deleted_user_action") or str(
            _setting("ACCOUNT_CENTER_DELETED_USER_ACTION", "delete")
        )
        return value if value in ("delete", "deactivate") else "delete"

    @property
    def READ_CACHE_SECONDS(self) -> int:
        return int(_setting("ACCOUNT_CENTER_READ_CACHE_SECONDS", 60))

    @property
    def CONSOLE_URL(self) -> str:
        return str(_setting("ACCOUNT_CENTER_LOGTO_CONSOLE_URL", "")).rstrip("/")

    @property
    def WEBHOOK_SIGNING_KEY(self) -> str:
        # The hook's signing key from the Logto console; empty refuses every delivery.
        return str(_setting("ACCOUNT_CENTER_WEBHOOK_SIGNING_KEY", ""))

    @property
    def WEBHOOK_MAX_AGE_SECONDS(self) -> int:
        return int(_setting("ACCOUNT_CENTER_WEBHOOK_MAX_AGE_SECONDS", 300))

    @property
    def DELETION_NOTE(self) -> Any:
        return _setting("ACCOUNT_CENTER_DELETION_NOTE", None)

    @property
    def SIGN_OUT_ELSEWHERE_ON(self) -> tuple[str, ...]:
        return tuple(_setting("ACCOUNT_CENTER_SIGN_OUT_ELSEWHERE_ON", ("password",)))

    @property
    def REVOKE_LOGTO_SESSIONS(self) -> bool:
        return bool(_setting("ACCOUNT_CENTER_REVOKE_LOGTO_SESSIONS", True))

    @property
    def SITE_NAME(self) -> str | None:
        name = _setting("ACCOUNT_CENTER_SITE_NAME", None)
        # A lazy translation (gettext_lazy) is read in the request's language.
        return None if name is None else str(name)

    @property
    def PHONE_REGION(self) -> str | None:
        region = _setting("ACCOUNT_CENTER_PHONE_REGION", None)
        return str(region).upper() if region else None


app_settings = AppSettings()
