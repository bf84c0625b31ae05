"""Step-up verification: a fresh proof of identity before sensitive changes.

A success is kept in the Django session as ``{"method", "at", "sub"}`` and holds for
``ACCOUNT_CENTER_STEP_UP_SECONDS`` for the same Logto user only. Sensitive flows ask for it by
entering the change path (:func:`.changes.change`, with their action's step-up key) after their
input was validated and before they change anything; the :class:`StepUpRequired` raised then
reaches the views' one error path, which opens the dialog or the step-up page. Flows never
import views.

Nothing of a refused request is kept on the server: a new password typed into a refused form must
never reach the session store. With htmx the verification dialog opens beside the untouched form
and, once verified, the browser submits that form again (see ``views/step_up.py`` and
``account_center.js``); without JavaScript the user verifies on its own page and comes back.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse

from ..conf.app_settings import app_settings
from ..clock import now
from ..site_adapter import get_adapter
from . import actions, changes, gateway, logto_verification, view_as
from .errors import StepUpRequired as StepUpRequired  # where views and host code import it from
from .identity import logto_user_id

SESSION_KEY = changes.STEP_UP_SESSION_KEY
METHODS = ("password", "email", "phone", "reauthentication")


def record_verification(request: HttpRequest, method: str) -> None:
    """Mark the session as verified now, by ``method``, for the signed-in Logto user."""
    with changes.change(request, actions.STEP_UP, sender=__name__) as change:
        request.session[SESSION_KEY] = {"method": method, "at": now(), "sub": change.sub}
        # A verification is a privilege change: do not let an older session id carry it.
        request.session.cycle_key()
        change.done(method=method, signal_args={"method": method})


def remaining_seconds(request: HttpRequest) -> int:
    """Seconds the current verification still holds (0 when none, and always while support
    views the account as the user)."""
    if view_as.is_viewing(request):
        return 0
    record = request.session.get(SESSION_KEY)
    if not isinstance(record, dict):
        return 0
    try:
        sub = logto_user_id(request)
    except Exception:
        return 0
    if record.get("sub") != sub:
        return 0
    left = float(record.get("at", 0)) + app_settings.STEP_UP_SECONDS - now()
    # Where Logto asks for its verification record, the window ends with the record. Signing in
    # again makes none: Logto then refuses what needs one, and the user is asked again.
    if record.get("method") != "reauthentication" and gateway.verifies_with_logto():
        left = min(left, logto_verification.seconds_left(request))
    return max(0, int(left))


def is_verified(request: HttpRequest) -> bool:
    """True while a verification for this Logto user is younger than the window."""
    return remaining_seconds(request) > 0


def clear(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
    logto_verification.forget(request)


def require(request: HttpRequest, action: str = "") -> None:
    """Raise :class:`StepUpRequired` unless the adapter finds the session verified enough for
    ``action``: for a host project's own flows (the app's go through the change path, which asks
    the adapter the same way). Never passes while support views the account as the user,
    whatever the adapter says."""
    if view_as.is_viewing(request) or get_adapter().is_step_up_required(request, action):
        raise StepUpRequired


def step_up_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Refuse POSTs to ``view`` on the server unless the session is freshly verified.

    Raises :class:`StepUpRequired`, which the account views' one error path answers with the
    dialog (htmx) or the step-up page. Prefer calling :func:`require` in the flow after the
    input was validated: a request that would be refused anyway must not ask for step-up first.
    Works on function views and, with ``method_decorator``, on class-based views' ``post``.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST":
            require(request)
        return view(request, *args, **kwargs)

    return wrapper
