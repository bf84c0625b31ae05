"""The OIDC provider half of the emulator, one module per endpoint, answering as Logto
(node-oidc-provider underneath) does: discovery, JWKS, authorize with its sign-in interaction
(and the social sign-in callback), token, token revocation, userinfo and end session. Importing the package
registers every endpoint with :mod:`logto_emulator.routes`."""

from __future__ import annotations

from logto_emulator.oidc import (  # noqa: F401  (each module registers its routes)
    authorize,
    discovery,
    end_session,
    interaction,
    jwks,
    revocation,
    social_callback,
    token,
    token_exchange,
    userinfo,
)
