"""Logto's Account API (``/api/my-account...``, ``/api/verifications...``): the signed-in user's
own account, authenticated with their own opaque access token, one module per resource as in
Logto's ``routes/account/`` and ``routes/verification/``. :mod:`.api` is the door (token,
verification header, the tenant's switch); importing the package registers every route with
:mod:`logto_emulator.routes`."""

from __future__ import annotations

from logto_emulator.account import (  # noqa: F401  (each module registers its routes)
    email_and_phone,
    identities,
    logto_configs,
    mfa_verifications,
    profile,
    sessions,
    trusted_devices,
    user_assets,
    verifications,
    web_authn,
)
from logto_emulator.account.api import dispatch, serves

__all__ = ["dispatch", "serves"]
