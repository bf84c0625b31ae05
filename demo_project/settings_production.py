"""The demo configured as a production site: the example the documentation's "Running in
production" page (docs/production.md) walks through, and what ``manage.py check --deploy`` is
run against in the tests.

Everything secret or deployment-specific comes from the environment; a missing one fails at
start rather than falling back to a demo value. Behind TLS-terminating proxies (nginx, a load
balancer), several gunicorn workers on several machines share PostgreSQL and Redis.

    DJANGO_SETTINGS_MODULE=demo_project.settings_production
    DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS (comma-separated), DATABASE_URL-like DJANGO_DB_*,
    DJANGO_REDIS_URL, LOGTO_ENDPOINT, LOGTO_APP_ID, LOGTO_APP_SECRET, LOGTO_M2M_APP_ID,
    LOGTO_M2M_APP_SECRET, optionally ACCOUNT_CENTER_TRUSTED_PROXY_COUNT (default 1)
"""

import os

from .content_security_policy import CONTENT_SECURITY_POLICY  # noqa: F401
from .settings import *  # noqa: F403
from .settings import MIDDLEWARE

DEBUG = False
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
ALLOWED_HOSTS = [host.strip() for host in os.environ["DJANGO_ALLOWED_HOSTS"].split(",")]

# Never the emulator in production: a real Logto, configured through the environment.
LOGTO_EMULATOR_MOUNTED = False
LOGTO_ENDPOINT = os.environ["LOGTO_ENDPOINT"]
LOGTO_APP_ID = os.environ["LOGTO_APP_ID"]
LOGTO_APP_SECRET = os.environ["LOGTO_APP_SECRET"]
LOGTO_M2M_APP_ID = os.environ["LOGTO_M2M_APP_ID"]
LOGTO_M2M_APP_SECRET = os.environ["LOGTO_M2M_APP_SECRET"]

# Shared by every worker and machine: the database, and Redis for the M2M token, attempt limits,
# OIDC and social-link state and cached Logto reads. A per-process cache would give every worker
# its own limits and its own token.
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": os.environ.get("DJANGO_DB_HOST", "127.0.0.1"),
        "PORT": os.environ.get("DJANGO_DB_PORT", "5432"),
        "NAME": os.environ.get("DJANGO_DB_NAME", "account_center"),
        "USER": os.environ.get("DJANGO_DB_USER", "account_center"),
        "PASSWORD": os.environ.get("DJANGO_DB_PASSWORD", ""),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }
}
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["DJANGO_REDIS_URL"],
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# TLS ends at the proxy, which says so in X-Forwarded-Proto; the client's address is read from
# X-Forwarded-For only as far as this many trusted proxies (see the account center's adapter).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
ACCOUNT_CENTER_TRUSTED_PROXY_COUNT = int(os.environ.get("ACCOUNT_CENTER_TRUSTED_PROXY_COUNT", "1"))
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS if host and host != "*"]

# Static files from the app's own workers: compressed, with content-hashed names cached forever.
MIDDLEWARE = [
    MIDDLEWARE[0],  # SecurityMiddleware first, as Django and WhiteNoise ask
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    *MIDDLEWARE[1:],
]
STATIC_ROOT = os.environ.get("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles"))  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"account_center": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
