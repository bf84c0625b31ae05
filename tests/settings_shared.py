"""Test settings on the servers a production site shares between workers: PostgreSQL as the
database, Redis as the cache (Django's built-in ``RedisCache``), sessions in the database.

``scripts/test`` starts both on loopback (``scripts/services``) and runs the suite once more with
these settings; the variables below say where they are.
"""

import os

from tests.settings import *  # noqa: F403

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": os.environ["ACCOUNT_CENTER_TEST_PG_HOST"],
        "PORT": os.environ["ACCOUNT_CENTER_TEST_PG_PORT"],
        "USER": os.environ["ACCOUNT_CENTER_TEST_PG_USER"],
        "NAME": "account_center",
    }
}
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["ACCOUNT_CENTER_TEST_REDIS_URL"],
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
