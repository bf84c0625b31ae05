"""What each sign-in failure means, in words for people (one table, translated)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

FAILURE_MESSAGES: dict[str, Promise] = {
    "generic": _("We could not sign you in."),
    "state": _(
        "This sign-in link has expired or was already used. This happens with an old tab or "
        "the browser's back button."
    ),
    "denied": _("Sign-in was cancelled."),
    "provider": _("The sign-in service reported a problem and did not sign you in."),
    "token": _(
        "The answer from the sign-in service could not be verified, so we did not trust it."
    ),
    "expired": _("The answer from the sign-in service arrived too late and has expired."),
    "claims": _("The sign-in service did not send usable account information."),
    "inactive": _("This account is deactivated. Please contact the site's administrators."),
    "reauth_mismatch": _(
        "You confirmed with a different account than the one signed in here. Nothing was changed."
    ),
    "reauth_stale": _("We could not confirm that you signed in again just now."),
    "reauth_signed_out": _("You were signed out before you could confirm it was you."),
    "unavailable": _(
        "The sign-in service cannot be reached right now. Please try again in a few minutes."
    ),
}


def failure_message(reason: str) -> Promise:
    return FAILURE_MESSAGES.get(reason, FAILURE_MESSAGES["generic"])
