"""The benchmark's demo: as production runs it, on PostgreSQL and Redis (the multi-process tests'
settings), with static files served compressed by WhiteNoise under content-hashed names."""

import os

from tests.multiprocess.settings import *  # noqa: F403
from tests.multiprocess.settings import MIDDLEWARE

MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]
STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
ACCOUNT_CENTER_WEBHOOK_SIGNING_KEY = os.environ.get("BENCH_WEBHOOK_KEY", "")
# The first tables measure the Management API, as docs/speed.md's figures were measured, not the
# package's default ("auto"); the gateways table restarts the demo with "auto" and the tenant's
# account center on (benchmarks/run.py --gateway-rounds).
ACCOUNT_CENTER_LOGTO_GATEWAY = os.environ.get("BENCH_LOGTO_GATEWAY", "management")
