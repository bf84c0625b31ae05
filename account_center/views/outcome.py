"""Words for a change Logto did not confirm: unreachable before it, or no clear answer after it."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from ..flows.messages import UNAVAILABLE
from ..logto.errors import LogtoError, LogtoOutcomeUnknown

OUTCOME_UNKNOWN = _(
    "Logto did not confirm this change: it may or may not have been made. Reload the page to see."
)


def not_confirmed(error: LogtoError) -> Any:
    """The message for a change that failed without a refusal from Logto."""
    return OUTCOME_UNKNOWN if isinstance(error, LogtoOutcomeUnknown) else UNAVAILABLE
