"""Test settings: the demo's, pointed at a fake Logto that ``responses`` answers.

Browser and contract tests point ``LOGTO_ENDPOINT`` at a running emulator instead.
"""

from demo_project.settings import *  # noqa: F403
from tests import helpers

LOGTO_EMULATOR_MOUNTED = False
LOGTO_ENDPOINT = helpers.ENDPOINT
LOGTO_APP_ID = "web-app-id"
LOGTO_APP_SECRET = "web-app-secret"
LOGTO_M2M_APP_ID = "m2m-app-id"
LOGTO_M2M_APP_SECRET = "m2m-app-secret"
LOGTO_MANAGEMENT_API_RESOURCE = "https://default.logto.app/api"
# The demo takes these from the shell (tests/real_logto serve it so); the tests run with the
# package's defaults (the gateway "auto"), whatever the shell says.
globals().pop("ACCOUNT_CENTER_LOGTO_GATEWAY", None)
globals().pop("OIDC_OP_ISSUER", None)

DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# One test process, one local-memory cache (pytest-django turns DEBUG off, which makes the
# per-process cache warning apply): the PostgreSQL + Redis run uses tests/settings_shared.py.
SILENCED_SYSTEM_CHECKS = ["account_center.W002"]
LOGGING = {"version": 1, "disable_existing_loggers": False}

# Every page is tested under the Content-Security-Policy adopters are told to use; the browser
# journeys fail on any violation (tests/browser/conftest.py).
from demo_project.content_security_policy import CONTENT_SECURITY_POLICY  # noqa: E402, F401
from demo_project.settings import MIDDLEWARE  # noqa: E402

MIDDLEWARE = [*MIDDLEWARE, "csp.middleware.CSPMiddleware"]
