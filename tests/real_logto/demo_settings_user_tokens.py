"""The demo on the ``"auto"`` gateway: sign-in keeps the user's own tokens, which is where
support's "view as" uses Logto's impersonation (a Django-only view otherwise)."""

from demo_project.settings import *  # noqa: F403

ACCOUNT_CENTER_LOGTO_GATEWAY = "auto"
