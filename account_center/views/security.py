"""Sign-in & security: one page over two capabilities, the identifiers (username, email, phone:
:mod:`.identifiers`) and the password (:mod:`.password`), and the base of their sections."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from ..flows import identifiers, reads
from ..flows.stepup import remaining_seconds
from .base import AccountView
from .step_up_answer import KEPT_FIELDS, take_typed_values

SAVED = _("Saved.")
SIGNED_OUT_ELSEWHERE = _("Saved. You were signed out everywhere else.")


class SecurityView(AccountView):
    section = "security"
    page_title = _("Sign-in & security")
    section_page = "account_center/security.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        # Logto's failures go to the one error path (AccountView.dispatch).
        return self.show(
            account=reads.account(self.sub, with_sso_identities=True),
            pending_email=identifiers.pending(request, "email"),
            pending_phone=identifiers.pending(request, "phone"),
            step_up_seconds=remaining_seconds(request),
        )


class SensitiveView(AccountView):
    """A security section (``partial`` shows it as it is) whose every POST needs step-up.

    A POST validates its input first: a request refused anyway must not open "Confirm it's
    you". The flows then require a fresh step-up before they change anything, and their
    StepUpRequired reaches the one error path (AccountView.dispatch), which asks for it.
    """

    section = "security"
    edit_form_on_get = True
    target_id = ""

    def show_read_only(self) -> HttpResponse:
        return self.show()

    def done(self, account: Any, *, signed_out_elsewhere: bool = False, **extra: Any) -> HttpResponse:
        said = SIGNED_OUT_ELSEWHERE if signed_out_elsewhere else SAVED
        return self.changed(said, account=account, **extra)

    def section_context(self, partial: str, status: int, extra: dict[str, Any]) -> dict[str, Any]:
        if partial == self.partial and "account" not in extra:
            # The section as it is: Logto's failure to read it goes to the one error path.
            return {"account": reads.account(self.sub), **self.display_extra(), **extra}
        if partial == self.form_partial and "account" not in extra and status != 503:
            # A form shown again after an error still needs the account: its heading ("Change"
            # or "Set a password") and its "Remove ..." buttons depend on what the user has.
            return {"account": self.or_none(reads.account, self.sub), **extra}
        return extra

    def typed(self, name: str) -> str:
        """A value typed into this form before a step-up round trip (never a secret)."""
        if not hasattr(self, "_typed"):
            get = self.request.method == "GET"
            self._typed = take_typed_values(self.request) if get else {}
        return self._typed.get(name, "") if name in KEPT_FIELDS else ""

    def display_extra(self) -> dict[str, Any]:
        return {}

    def form_for(self, account: Any = None) -> Any:  # pragma: no cover - abstract
        """The section's form, filled from ``account`` when given."""
        raise NotImplementedError

    def get(self, request: HttpRequest) -> HttpResponse:
        """The form swapped in for editing, or (``?cancel``) the section as it is."""
        if "cancel" in request.GET:
            return self.show()
        account = reads.account(self.sub)
        return self.show(self.form_partial, account=account, form=self.form_for(account))
