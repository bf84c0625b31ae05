"""The one change path: what every state-changing flow does before and after its own work.

A flow validates its input, then makes its change inside :func:`change`::

    with change(request, actions.MFA_REMOVE, sender=__name__, factor=kind) as ch:
        client.delete_mfa_verification(ch.sub, verification_id)
        ch.done(signal_args={"factor": kind})

and the helper does the rest, the same way for every action of the table in :mod:`.actions`:

1. **Step-up**, on entering, with the action's step-up key: before anything is read or changed
   for the change, and after the flow's own validation (a request that would be refused anyway
   must not ask for step-up first), so the flow decides where it enters.
2. The flow's own work, the call to Logto among it. :meth:`Change.done` says Logto confirmed the
   change (or one part of it): the **audit** event is written then, at once, so that no local
   step the flow takes afterwards (deleting the local user) can lose the record.
3. When the block ends: the **signal** for each part done, in order, then the adapter's
   ``on_credentials_changed`` once. Signals come after the flow's local steps (the pending
   address forgotten, the local user deleted), so a receiver sees the site as the change left
   it; the adapter's hook comes after because its default signs the user's other sessions out,
   which is its own audited step after the change it follows.
4. Last, the action's **security alert** (:mod:`.alerts`), mailed once for the change however
   many parts it had: after everything else, so a mail that is slow or fails delays nothing
   the change needs. An action whose alert also goes to the address it replaces (an email
   change) reads that address on entering.

When the block raises:

- Logto refused (:class:`LogtoAPIError`): a **failure** is recorded, with Logto's code as
  ``error`` (the one detail key for why a change did not happen), for actions with words for it
  (:class:`.actions.Action`), then the error goes on to the views' one error path.
- The outcome is unknown (:class:`LogtoOutcomeUnknown`: the change was sent, the answer lost) or
  Logto could not be reached: nothing is recorded here; the views' one error path records the
  unknown outcome (``logto_write``, with the page) and asks the user to check.
- Anything else (the app's own :class:`FlowError`...): nothing is recorded unless the flow said so
  (:meth:`Change.refused`, :meth:`Change.failed`).

Parts already done are still told (their signals are sent: Logto made them); the adapter's hook is
called only for a change that finished.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.http import HttpRequest

from ..logto.errors import LogtoAPIError, LogtoVerificationRequired
from ..site_adapter import get_adapter
from . import alerts, audit, logto_verification, view_as
from .actions import Action
from .errors import FlowError, StepUpRequired
from .identity import logto_user_id

# stepup.SESSION_KEY (stepup builds on this module, so the key is named here too).
STEP_UP_SESSION_KEY = "account_center_step_up"


def step_up_needed(request: HttpRequest, action: Action) -> bool:
    """Whether ``action`` needs a fresh verification now (the adapter decides, by the action's
    step-up key); never for an action without one."""
    return action.step_up is not None and get_adapter().is_step_up_required(
        request, action.step_up
    )


def require_step_up(request: HttpRequest, action: Action) -> None:
    """Raise :class:`StepUpRequired` when :func:`step_up_needed`: for a step that changes nothing
    recorded yet (a setup kept in the session, a page asking before the browser downloads)."""
    if step_up_needed(request, action):
        raise StepUpRequired


class Change:
    """One change in progress (see the module's docstring); made by :func:`change`."""

    def __init__(
        self, request: HttpRequest, action: Action, sender: str, detail: dict[str, Any]
    ) -> None:
        self.request = request
        self.action = action
        self.sender = sender
        self.sub = logto_user_id(request)
        self._detail = detail
        self._parts_done = 0
        self._untold: list[dict[str, Any]] = []
        self._failure_recorded = False
        # What the alert says: the first part done's detail (the factor removed first...).
        self._alert_detail: dict[str, Any] | None = None
        self.old_email: str | None = None

    def note(self, **detail: Any) -> None:
        """Add ``detail`` to whatever this change records next (which factor, which session)."""
        self._detail.update(detail)

    def done(self, *, signal_args: Mapping[str, Any] | None = None, **detail: Any) -> None:
        """Logto confirmed the change (or one part of it): audited now, with ``detail``; the
        action's signal, with ``signal_args``, is sent when the block ends."""
        if signal_args and self.action.signal is None:
            raise TypeError(f"{self.action.key} has no signal to send {sorted(signal_args)} with")
        self._record(audit.SUCCESS, detail)
        if self._alert_detail is None:
            self._alert_detail = {**self._detail, **detail}
        self._parts_done += 1
        self._failure_recorded = False  # a later part's failure is its own
        if self.action.signal is not None:
            self._untold.append(dict(signal_args or {}))

    def refused(self, error: str, **detail: Any) -> None:
        """The app refused the change itself (``error``: its own word for why); the flow raises
        its :class:`FlowError` after."""
        self._record(audit.DENIED, {"error": error, **detail})

    def failed(self, error: str = "", **detail: Any) -> None:
        """The change was tried and did not happen for a reason of the app's own (a wrong code,
        a provider that said no); Logto's refusals are recorded by the block itself."""
        self._record(audit.FAILURE, {"error": error, **detail} if error else detail)
        self._failure_recorded = True

    def _record(self, outcome: str, detail: Mapping[str, Any]) -> None:
        audit.record(self.request, self.action, outcome, sub=self.sub, **{**self._detail, **detail})

    def _logto_refused(self, error: LogtoAPIError) -> None:
        if self.action.failed is not None and not self._failure_recorded:
            self._record(audit.FAILURE, {"error": error.code})

    def _tell(self) -> None:
        """Send the signal of each part done, in order (each once)."""
        untold, self._untold = self._untold, []
        if self.action.signal is None:
            return
        for args in untold:
            self.action.signal.send(
                sender=self.sender,
                request=self.request,
                user=self.request.user,
                logto_user_id=self.sub,
                **args,
            )

    def _finish(self) -> None:
        self._tell()
        if self.action.credentials is not None and self._parts_done:
            get_adapter().on_credentials_changed(self.request, self.action.credentials)
        if self.action.alert is not None and self._alert_detail is not None:
            alerts.send(
                self.request,
                self.action.alert,
                self.sub,
                self._alert_detail,
                also_to=[self.old_email],
            )


@contextmanager
def change(
    request: HttpRequest, action: Action, *, sender: str, **detail: Any
) -> Iterator[Change]:
    """Make a change of ``action`` (see the module's docstring for the order and why).

    ``sender``: the flow module's ``__name__``, the ``sender`` its signal has always had.
    ``detail``: recorded with every outcome of this change (a token's name, a session's device).
    Raises :class:`StepUpRequired` on entering when the action needs step-up now, and
    :class:`FlowError` (audited) for every change while support views the account as the user.
    """
    if view_as.is_viewing(request):
        # Before step-up: nothing support does while viewing as someone may change the account.
        view_as.refuse(request, path=request.path, action=action.key)
        raise FlowError(view_as.CHANGE_REFUSED, code="view_as")
    require_step_up(request, action)
    ch = Change(request, action, sender, dict(detail))
    if action.alert is not None and action.alert_old_email and alerts.enabled(action.alert):
        ch.old_email = alerts.primary_email(ch.sub)
    try:
        yield ch
    except LogtoVerificationRequired:
        # Logto itself wants a fresh proof of identity (its record expired, or none was made):
        # "confirm it's you" again, as for the app's own step-up, never an outage.
        logto_verification.forget(request)
        request.session.pop(STEP_UP_SESSION_KEY, None)
        ch._tell()
        raise StepUpRequired from None
    except LogtoAPIError as error:
        ch._logto_refused(error)
        ch._tell()
        raise
    except BaseException:
        ch._tell()
        raise
    ch._finish()
