"""Set or change the password, after the password policy accepts it."""

from __future__ import annotations

from dataclasses import replace
from typing import NoReturn

from django.http import HttpRequest
from django.views.decorators.debug import sensitive_variables

from ..logto.models import LogtoUser, PasswordIssue
from . import actions, gateway, sign_out_elsewhere
from .changes import Change, change
from .errors import FlowError
from .messages import password_issue


class PasswordRejected(FlowError):
    """The policy refused the password; ``messages`` lists every reason in words."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(" ".join(messages), field="password", code="password_rejected")
        self.messages = messages


def _refuse(ch: Change, issues: list[PasswordIssue]) -> NoReturn:
    ch.failed(issues=[i.code for i in issues])
    raise PasswordRejected([password_issue(i.code, i.interpolation) for i in issues])


@sensitive_variables("password")
def set_password(request: HttpRequest, password: str) -> tuple[LogtoUser, bool]:
    """Check the policy (Logto's PATCH does not), then set the password. Answers the account as
    it is now (no second read: only ``has_password`` changed) and whether the user's other sessions
    were signed out (``ACCOUNT_CENTER_SIGN_OUT_ELSEWHERE_ON``)."""
    with change(request, actions.PASSWORD_CHANGE, sender=__name__) as ch:
        issues = gateway.password_issues(ch, password)
        if issues:
            _refuse(ch, issues)
        # One read serves both "was a password set before?" and the page shown afterwards.
        account = gateway.account(ch.sub, request=request)
        created = not account.has_password
        try:
            gateway.set_password(ch, password)
        except gateway.PolicyRefused as refused:
            _refuse(ch, refused.issues)
        ch.done(created=created, signal_args={"created": created})
    return replace(account, has_password=True), sign_out_elsewhere.happened(request)
