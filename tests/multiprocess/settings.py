"""The demo as a production site runs it: several gunicorn workers sharing PostgreSQL and Redis.

Used by the multi-process tests (``tests/multiprocess/``), which start gunicorn with it. Each
answer names the worker that served it (``X-Served-By``), so the tests can show that what one
worker stored is honoured by the others.
"""

import os

from demo_project.settings import *  # noqa: F403
from demo_project.settings import MIDDLEWARE

DEBUG = False
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": os.environ["ACCOUNT_CENTER_TEST_PG_HOST"],
        "PORT": os.environ["ACCOUNT_CENTER_TEST_PG_PORT"],
        "USER": os.environ["ACCOUNT_CENTER_TEST_PG_USER"],
        "NAME": os.environ["ACCOUNT_CENTER_TEST_PG_NAME"],
    }
}
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["ACCOUNT_CENTER_TEST_REDIS_URL"],
        "KEY_PREFIX": os.environ["ACCOUNT_CENTER_TEST_PG_NAME"],
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
MIDDLEWARE = ["tests.multiprocess.served_by.ServedByMiddleware", *MIDDLEWARE]
# The tests run production-like workers against the emulator's demo applications, on loopback.
SILENCED_SYSTEM_CHECKS = ["account_center.E012"]
