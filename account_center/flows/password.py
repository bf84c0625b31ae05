"""Set or change the password, after the password policy accepts it."""

from __future__ import annotations

from dataclasses import replace

from django.http import HttpRequest
from django.views.decorators.debug import sensitive_variables

from .. import signals
from ..logto.client import get_client
from ..logto.models import LogtoUser
from ..site_adapter import get_adapter
from . import audit, sign_out_elsewhere, stepup
from .errors import FlowError
from .identity import logto_user_id
from .messages import password_issue


class PasswordRejected(FlowError):
    """The policy refused the password; ``messages`` lists every reason in words."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(" ".join(messages), field="password", code="password_rejected")
        self.messages = messages


@sensitive_variables("password")
def set_password(request: HttpRequest, password: str) -> tuple[LogtoUser, bool]:
    """Check the policy (Logto's PATCH does not), then set the password. Answers the account as
    it is now (no second read: only ``has_password`` changed) and whether the user's other sessions
    were signed out (``ACCOUNT_CENTER_SIGN_OUT_ELSEWHERE_ON``)."""
    stepup.require(request, "password")
    sub = logto_user_id(request)
    client = get_client()
    issues = client.check_password_policy(password, user_id=sub)
    if issues:
        audit.record(
            request, "password_change", audit.FAILURE, sub=sub, issues=[i.code for i in issues]
        )
        raise PasswordRejected([password_issue(i.code, i.interpolation) for i in issues])
    # One read serves both "was a password set before?" and the page shown afterwards.
    account = client.get_user(sub)
    had_password = account.has_password
    client.set_password(sub, password)
    audit.record(request, "password_change", audit.SUCCESS, sub=sub, created=not had_password)
    signals.password_changed.send(
        sender=__name__,
        request=request,
        user=request.user,
        logto_user_id=sub,
        created=not had_password,
    )
    adapter = get_adapter()
    adapter.on_credentials_changed(request, "password")
    adapter.send_notification(
        request, "password_changed", {"logto_user_id": sub, "email": account.primary_email}
    )
    return replace(account, has_password=True), sign_out_elsewhere.happened(request)
