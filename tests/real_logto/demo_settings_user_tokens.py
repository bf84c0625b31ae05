"""The demo on the ``"auto"`` gateway: sign-in keeps the user's own tokens, which is where
support's "view as" uses Logto's impersonation (a Django-only view otherwise)."""

from demo_project.settings import *  # noqa: F403

ACCOUNT_CENTER_LOGTO_GATEWAY = "auto"

# Each call to Logto in the server's log (runserver.log), for the journeys to see which API
# read a page.
LOGGING = {
    **LOGGING,  # noqa: F405
    "loggers": {
        **LOGGING["loggers"],  # noqa: F405
        "account_center.logto": {"handlers": ["console"], "level": "DEBUG", "propagate": False},
    },
}
