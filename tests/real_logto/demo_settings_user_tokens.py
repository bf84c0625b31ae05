"""The demo on the ``"auto"`` gateway (the default, said here whatever the shell says): sign-in
keeps the user's own tokens, and with the tenant's account center on, support's "view as" uses
Logto's impersonation (a Django-only view otherwise), and the server's log shows each call."""

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
