"""When this session last saw its Logto account alive (existing, not suspended).

Account pages ask Logto again once ``ACCOUNT_CENTER_ACCOUNT_CHECK_SECONDS`` have passed
(``views/base.AccountView.check_account``); signing in is such a sighting.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ..clock import now

# Session key: when this session last asked Logto whether its user still exists and may sign in.
ACCOUNT_CHECKED_KEY = "account_center_account_checked_at"


def mark_account_checked(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    """``user_logged_in`` receiver: the account was just seen alive at sign-in."""
    if request is not None and hasattr(request, "session"):
        request.session[ACCOUNT_CHECKED_KEY] = now()
