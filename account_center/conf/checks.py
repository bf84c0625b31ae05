"""System checks: a missing or malformed setting is reported at start, naming the setting.

Ids: ``account_center.E001``... (errors) and ``account_center.W001``... (warnings).
Nothing here calls Logto: ``manage.py account_center_check`` tests the live configuration.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register

from .app_settings import GATEWAYS, app_settings

BACKEND = "account_center.auth.backends.LogtoBackend"
HTMX_MIDDLEWARE = "django_htmx.middleware.HtmxMiddleware"
REFRESH_MIDDLEWARE = "account_center.middleware.LogtoSessionRefresh"
REQUEST_CONTEXT_PROCESSOR = "django.template.context_processors.request"


def _endpoint_errors() -> list[CheckMessage]:
    endpoint = app_settings.LOGTO_ENDPOINT
    if not endpoint:
        return [
            Error(
                "LOGTO_ENDPOINT is not set.",
                hint="Set LOGTO_ENDPOINT to your Logto's base URL, "
                "e.g. 'https://your-tenant.logto.app'.",
                id="account_center.E001",
            )
        ]
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return [
            Error(
                f"LOGTO_ENDPOINT {endpoint!r} is not an http(s) URL.",
                hint="Use the full URL with its scheme, e.g. 'https://your-tenant.logto.app'.",
                id="account_center.E002",
            )
        ]
    if parts.path.rstrip("/").endswith("/oidc") or parts.query or parts.fragment:
        return [
            Error(
                f"LOGTO_ENDPOINT {endpoint!r} must be Logto's base URL, not its OIDC issuer.",
                hint="Remove '/oidc' (and any query): the account center adds "
                "'/oidc/.well-known/openid-configuration' and '/api' itself.",
                id="account_center.E003",
            )
        ]
    return []


_CREDENTIALS = (
    ("LOGTO_APP_ID", "account_center.E004", "the App ID of your 'Traditional web' application"),
    ("LOGTO_APP_SECRET", "account_center.E005", "the App secret of that application"),
    (
        "LOGTO_M2M_APP_ID",
        "account_center.E006",
        "the App ID of a machine-to-machine application with the Logto Management API access role",
    ),
    ("LOGTO_M2M_APP_SECRET", "account_center.E007", "the App secret of that M2M application"),
)


def _is_set(name: str) -> bool:
    value = getattr(app_settings, name)
    return isinstance(value, str) and bool(value.strip())


def _credential_errors() -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    # With the Account API (gateway "auto" or "account") a site may run with no M2M credentials
    # at all: what only the Management API has is then Off, and says why. Half a pair is still
    # a mistake.
    m2m = ("LOGTO_M2M_APP_ID", "LOGTO_M2M_APP_SECRET")
    no_m2m_on_purpose = app_settings.LOGTO_GATEWAY != "management" and not any(
        _is_set(name) for name in m2m
    )
    for name, check_id, what in _CREDENTIALS:
        if _is_set(name) or (no_m2m_on_purpose and name in m2m):
            continue
        errors.append(Error(f"{name} is not set.", hint=f"Set {name} to {what}.", id=check_id))
    return errors


def _wiring_errors() -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    middleware = list(getattr(settings, "MIDDLEWARE", None) or [])
    if HTMX_MIDDLEWARE not in middleware:
        errors.append(
            Error(
                f"{HTMX_MIDDLEWARE} is not in MIDDLEWARE.",
                hint="Add it (and 'django_htmx' to INSTALLED_APPS): the pages read request.htmx.",
                id="account_center.E008",
            )
        )
    if BACKEND not in list(getattr(settings, "AUTHENTICATION_BACKENDS", [])):
        errors.append(
            Error(
                f"{BACKEND} is not in AUTHENTICATION_BACKENDS.",
                hint=f"Add '{BACKEND}' to AUTHENTICATION_BACKENDS so users can sign in with Logto.",
                id="account_center.E009",
            )
        )
    if not _has_request_context_processor():
        errors.append(
            Error(
                f"{REQUEST_CONTEXT_PROCESSOR} is not in any DjangoTemplates "
                "OPTIONS['context_processors'].",
                hint="Add it: the templates read request.htmx and request.path.",
                id="account_center.E010",
            )
        )
    if REFRESH_MIDDLEWARE in middleware and HTMX_MIDDLEWARE in middleware:
        if middleware.index(REFRESH_MIDDLEWARE) < middleware.index(HTMX_MIDDLEWARE):
            errors.append(
                Warning(
                    f"{REFRESH_MIDDLEWARE} comes before {HTMX_MIDDLEWARE} in MIDDLEWARE.",
                    hint="Move it after the htmx middleware, or htmx requests get a 302 they "
                    "cannot follow when the session is refreshed.",
                    id="account_center.W001",
                )
            )
    return errors


# The emulator's demo applications (logto_emulator.seed.DEMO_CLIENTS). Compared as strings: the
# account center never imports the emulator.
DEMO_CLIENT_IDS = ("demo-web-app", "demo-m2m-app")
DEMO_SECRET_MARK = "not-for-production"
PER_PROCESS_CACHES = ("django.core.cache.backends.locmem.LocMemCache",)
NO_CACHE = "django.core.cache.backends.dummy.DummyCache"


def _deployment_messages() -> list[CheckMessage]:
    """With DEBUG off the site is taken to be deployed: no emulator, no demo credentials, and a
    cache that every worker shares (attempt limits, the M2M token and OIDC state live there)."""
    if settings.DEBUG:
        return []
    messages: list[CheckMessage] = []
    endpoint = urlsplit(app_settings.LOGTO_ENDPOINT or "")
    if getattr(settings, "LOGTO_EMULATOR_MOUNTED", False) or (
        endpoint.hostname in ("127.0.0.1", "localhost", "::1")
        and endpoint.path.rstrip("/").endswith("/logto")
    ):
        messages.append(
            Error(
                "LOGTO_ENDPOINT points at the Logto emulator while DEBUG is off.",
                hint="The emulator is a development tool that signs anyone in: point "
                "LOGTO_ENDPOINT at your Logto.",
                id="account_center.E011",
            )
        )
    ids = (app_settings.LOGTO_APP_ID, app_settings.LOGTO_M2M_APP_ID)
    secrets = (app_settings.LOGTO_APP_SECRET, app_settings.LOGTO_M2M_APP_SECRET)
    if any(i in DEMO_CLIENT_IDS for i in ids) or any(DEMO_SECRET_MARK in str(s) for s in secrets):
        messages.append(
            Error(
                "The emulator's public demo client ids or secrets are configured while DEBUG "
                "is off.",
                hint="Use the App IDs and secrets of your own Logto applications.",
                id="account_center.E012",
            )
        )
    backend = str(getattr(settings, "CACHES", {}).get("default", {}).get("BACKEND", ""))
    if backend == NO_CACHE:
        messages.append(
            Error(
                "The default cache is DummyCache: attempt limits, the M2M token and sign-in "
                "state would not be kept at all.",
                hint="Use Redis (django.core.cache.backends.redis.RedisCache) or another "
                "shared cache.",
                id="account_center.E013",
            )
        )
    elif backend in PER_PROCESS_CACHES:
        messages.append(
            Warning(
                "The default cache is per-process (LocMemCache): with several workers each has "
                "its own attempt limits, its own M2M token, its own copy of the admin's "
                "account center settings (a save would reach one worker only) and its own kept "
                "Logto reads (a change made through one worker would show late on another).",
                hint="Use a cache every worker shares (Redis) when you run more than one "
                "process; silence account_center.W002 if you run exactly one.",
                id="account_center.W002",
            )
        )
    return messages


def _gateway_errors() -> list[CheckMessage]:
    if app_settings.LOGTO_GATEWAY in GATEWAYS:
        return []
    return [
        Error(
            f"ACCOUNT_CENTER_LOGTO_GATEWAY is {app_settings.LOGTO_GATEWAY!r}.",
            hint='Set it to "auto", "account" or "management".',
            id="account_center.E014",
        )
    ]


def _has_request_context_processor() -> bool:
    for engine in getattr(settings, "TEMPLATES", []):
        if engine.get("BACKEND") != "django.template.backends.django.DjangoTemplates":
            continue
        if REQUEST_CONTEXT_PROCESSOR in engine.get("OPTIONS", {}).get("context_processors", []):
            return True
    return False


@register()
def check_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Logto connection settings and the wiring the account center relies on."""
    return [
        *_endpoint_errors(),
        *_credential_errors(),
        *_wiring_errors(),
        *_gateway_errors(),
        *_deployment_messages(),
    ]
