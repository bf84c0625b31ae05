"""Why a sign-in failed, as one exception the callback turns into the friendly page."""

from __future__ import annotations

from django.core.exceptions import SuspiciousOperation

# reason -> HTTP status of the friendly page. Everything is the user's or the network's
# business, never a server error: 400 for a refused sign-in, 503 when Logto cannot be reached.
REASONS: dict[str, int] = {
    "generic": 400,
    "state": 400,  # unknown / replayed / expired `state` (e.g. an old tab, a forged link)
    "denied": 400,  # Logto answered error=access_denied (the user cancelled)
    "provider": 400,  # another error= from Logto
    "token": 400,  # forged signature, wrong issuer/audience/nonce, malformed token
    "expired": 400,  # the ID token is expired (clock skew or a very slow round trip)
    "claims": 400,  # userinfo unusable (no sub, or sub differs from the ID token's)
    "inactive": 403,  # the local account is deactivated
    "reauth_mismatch": 403,  # reauthentication came back as another Logto user
    "reauth_stale": 400,  # reauthentication did not happen recently enough
    "reauth_signed_out": 400,  # reauthentication came back to a signed-out browser
    "unavailable": 503,  # Logto down, slow, or answering 5xx
}


class SignInFailed(SuspiciousOperation):
    """A sign-in (or reauthentication) was refused. ``reason`` is a key of :data:`REASONS`.

    A ``SuspiciousOperation`` so that code unaware of it still never answers 500.
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(detail or reason)
        self.reason = reason if reason in REASONS else "generic"
        self.detail = detail
