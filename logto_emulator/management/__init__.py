"""The Management API half of the emulator (``/api/...``), with Logto's payloads, statuses and
codes: one module per Logto resource, as the account center's service layer has one per group of
endpoints. :mod:`.api` checks the bearer and finds the route; importing the package registers
every resource's routes with :mod:`logto_emulator.routes`.

Like real Logto, the Management API enforces little: no password policy on set, no username rules
beyond its guard regexes, no "keep one way to sign in". Applications must enforce those themselves.
"""

from __future__ import annotations

from logto_emulator.management import (  # noqa: F401  (each module registers its routes)
    account_center,
    applications,
    connectors,
    grants,
    hooks,
    identities,
    logto_configs,
    mfa,
    organizations,
    passwords,
    personal_access_tokens,
    sessions,
    sign_in_experience,
    subject_tokens,
    trusted_devices,
    users,
    verification_codes,
)
from logto_emulator.management.api import dispatch

__all__ = ["dispatch"]
