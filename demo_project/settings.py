"""Settings of the demo project.

With no ``LOGTO_ENDPOINT`` in the environment the demo mounts the in-repo Logto emulator (a
development tool, see ``logto_emulator/``) at ``/logto/`` and signs in against it; with one, it
talks to that Logto and the emulator is not mounted at all.
"""

import os
from pathlib import Path

from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "demo-only-insecure-secret-key-change-me")
DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "mozilla_django_oidc",
    "django_htmx",
    "account_center",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "account_center.middleware.LogtoSessionRefresh",
]

ROOT_URLCONF = "demo_project.urls"
WSGI_APPLICATION = "demo_project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("DEMO_DATABASE", str(BASE_DIR / "db.sqlite3")),
    }
}

# One process (runserver): local memory is enough. Several workers share Redis instead: see
# settings_production.py.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTHENTICATION_BACKENDS = [
    "account_center.auth.backends.LogtoBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "account_center:login"
LOGIN_REDIRECT_URL = "account_center:overview"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "en"
# The languages the account center ships; LocaleMiddleware picks one from the browser's
# Accept-Language (or Django's language cookie).
LANGUAGES = [("en", "English"), ("zh-hant", "繁體中文")]
# The demo site's own words (its home page, its name in the account center's top bar).
LOCALE_PATHS = [BASE_DIR / "demo_project" / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Logto. Empty endpoint: the demo runs on the embedded emulator, at its own port (manage.py sets
# DEMO_PORT from runserver's: demo_project/ports.py).
DEMO_PORT = int(os.environ.get("DEMO_PORT", "8000"))
LOGTO_ENDPOINT = os.environ.get("LOGTO_ENDPOINT", "")
# The emulator is a development tool: mounted only while DEBUG is on (a system check refuses it,
# and demo client ids, with DEBUG off).
LOGTO_EMULATOR_MOUNTED = DEBUG and not LOGTO_ENDPOINT
if LOGTO_EMULATOR_MOUNTED:
    from logto_emulator.seed import DEMO_CLIENTS

    LOGTO_ENDPOINT = f"http://127.0.0.1:{DEMO_PORT}/logto"
    LOGTO_APP_ID = DEMO_CLIENTS.web_app_id
    LOGTO_APP_SECRET = DEMO_CLIENTS.web_app_secret
    LOGTO_M2M_APP_ID = DEMO_CLIENTS.m2m_app_id
    LOGTO_M2M_APP_SECRET = DEMO_CLIENTS.m2m_app_secret
else:
    LOGTO_APP_ID = os.environ.get("LOGTO_APP_ID", "")
    LOGTO_APP_SECRET = os.environ.get("LOGTO_APP_SECRET", "")
    LOGTO_M2M_APP_ID = os.environ.get("LOGTO_M2M_APP_ID", "")
    LOGTO_M2M_APP_SECRET = os.environ.get("LOGTO_M2M_APP_SECRET", "")
LOGTO_MANAGEMENT_API_RESOURCE = os.environ.get(
    "LOGTO_MANAGEMENT_API_RESOURCE", "https://default.logto.app/api"
)
# How the user's own changes reach Logto: "auto" (the package's default, so unset here),
# "account" or "management".
if os.environ.get("ACCOUNT_CENTER_LOGTO_GATEWAY"):
    ACCOUNT_CENTER_LOGTO_GATEWAY = os.environ["ACCOUNT_CENTER_LOGTO_GATEWAY"]
# Logto's issuer, when the site reaches Logto at another host name than the one Logto knows itself
# by (its ENDPOINT): the ID tokens name Logto's issuer, the discovery document the site's host.
if os.environ.get("LOGTO_ISSUER"):
    OIDC_OP_ISSUER = os.environ["LOGTO_ISSUER"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "logto_emulator": {"handlers": ["console"], "level": "INFO"},
        "account_center": {"handlers": ["console"], "level": "INFO"},
    },
}

# The account center's top bar links back to this site.
ACCOUNT_CENTER_SITE_URL = "/"
ACCOUNT_CENTER_SITE_NAME = _("the demo site")
