"""Every state-changing flow goes through the one change path (flows/changes.py), and the path
does its steps in one order.

The walk reads the flows' source: a call that changes something at Logto must stand inside a
``with change(...)`` block (or in a helper handed the change, or a private helper only called
from inside one), and no flow writes an audit event, sends a signal, checks step-up or calls the
adapter's ``on_credentials_changed`` itself, nor mails a security alert.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import RequestFactory

import account_center
from account_center import signals
from account_center.flows import actions, changes
from account_center.flows.errors import FlowError, StepUpRequired
from account_center.logto.errors import LogtoAPIError, LogtoOutcomeUnknown
from account_center.models import AuditEvent

FLOWS = Path(account_center.__file__).parent / "flows"

# Calls to Logto (the flows' ``client = get_client()``) whose name starts so change something.
WRITES = ("update_", "create_", "delete_", "set_", "link_", "unlink_", "revoke_", "rename_")
WRITES += ("send_",)  # a code sent is a change too: it is counted, and the user sees it
# The path itself, and the writer it ends in.
ENGINE = {"changes", "audit", "alerts"}
# Modules whose changes are not the signed-in user's own: the administrators' actions in Django
# admin, on another user's account (no step-up of the admin's, no signal to the user's site),
# each audited per user by the admin with the one writer.
# Support's view as (flows/view_as.py) too: started, refused and ended by staff, never the
# user's change (and the change path itself refuses every change while it lasts).
NOT_THE_USERS = {"admin_actions", "view_as"}
# What a flow may still do itself, and why.
BY_HAND = {
    # Django's user_logged_in receiver: the sign-in happened at Logto, and is only noted.
    ("activity", "record_sign_in", "audit"),
    # ... and a sign-in from a new device is mailed (the new_device security alert).
    ("activity", "record_sign_in", "alert"),
    # The admin actions' writer (see NOT_THE_USERS): it hands the event to the one writer.
    ("admin_actions", "record", "audit"),
    # Support's view as (see NOT_THE_USERS): its start, refusals and end, each on the user's
    # activity, and the support_viewed alert at the start.
    ("view_as", "start", "audit"),
    ("view_as", "start", "alert"),
    ("view_as", "refuse", "audit"),
    ("view_as", "end", "audit"),
    # The public step-up check that host projects' own flows call (the path asks the same way).
    ("stepup", "require", "step-up"),
}
# Signals that ask the site something rather than tell it of a change: sent by their flow.
ASKING_SIGNALS = {"account_deleting", "collect_user_data"}


def _is_change(node: ast.AST) -> bool:
    return isinstance(node, ast.With) and any(
        isinstance(item.context_expr, ast.Call)
        and ast.unparse(item.context_expr.func) in ("change", "changes.change")
        for item in node.items
    )


def _inside_change(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if _is_change(node):
            return True
        if isinstance(node, ast.FunctionDef):
            return False
    return False


def _function_of(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> ast.FunctionDef | None:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.FunctionDef):
            return node
    return None


def _kind(call: ast.Call) -> str | None:
    """What a call does by hand that the change path does: "audit", "signal", "step-up",
    "adapter", "alert" (a security alert mailed), or "write" (a change at Logto); None for
    anything else."""
    func = call.func
    if not isinstance(func, ast.Attribute):
        return None
    owner = ast.unparse(func.value)
    if (owner, func.attr) in (("audit", "record"), ("AuditEvent.objects", "create")):
        return "audit"
    if (owner, func.attr) == ("alerts", "send") or func.attr == "send_notification":
        return "alert"
    if func.attr in ("send", "send_robust"):
        # Any signal, however it is reached (``_SIGNALS[kind].send``, ``getattr(signals, ...)``).
        return None if owner.removeprefix("signals.") in ASKING_SIGNALS else "signal"
    if (owner, func.attr) == ("stepup", "require") or func.attr == "is_step_up_required":
        return "step-up"
    if func.attr == "on_credentials_changed":
        return "adapter"
    if func.attr.startswith(WRITES) and owner in ("client", "get_client()"):
        return "write"
    return None


def problems_in(module: str, source: str) -> list[str]:
    """What in one flow module's source goes around the change path."""
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    functions = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)]
    # Private helpers called only from inside a change may write for it (_delete_if_there).
    called_from: dict[str, list[bool]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            called_from.setdefault(node.func.id, []).append(_inside_change(node, parents))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or (kind := _kind(node)) is None:
            continue
        function = _function_of(node, parents)
        name = function.name if function is not None else "<module>"
        if (module, name, kind) in BY_HAND:
            continue
        if kind == "write":
            if module in NOT_THE_USERS or _inside_change(node, parents):
                continue
            if function is not None and any(
                isinstance(arg.annotation, ast.expr) and "Change" in ast.unparse(arg.annotation)
                for arg in function.args.args
            ):
                continue  # handed the change (sessions._revoke)
            only_inside = all(called_from.get(name, [False]))
            if function is not None and name.startswith("_") and only_inside:
                continue
        found.append(f"flows/{module}.py:{node.lineno} {name}: {kind} outside the change path")
    assert functions or not found
    return found


def test_every_flow_goes_through_the_change_path() -> None:
    found = []
    for path in sorted(FLOWS.glob("*.py")):
        if path.stem not in ENGINE:
            found += problems_in(path.stem, path.read_text(encoding="utf-8"))
    assert not found, "\n".join(found)


def test_the_walk_finds_flows_that_go_around_it() -> None:
    hand_rolled = textwrap.dedent(
        """
        def change_nickname(request, name):
            stepup.require(request, "nickname")
            sub = logto_user_id(request)
            get_client().update_user(sub, nickname=name)
            audit.record(request, "nickname_change", audit.SUCCESS)
            signals.profile_updated.send(sender=__name__, request=request)
            get_adapter().on_credentials_changed(request, "nickname")
            get_adapter().send_notification(request, "nickname_changed", {})

        def through_the_path(request, name):
            with change(request, actions.PROFILE_UPDATE, sender=__name__) as ch:
                get_client().update_user(ch.sub, nickname=name)
                ch.done()
        """
    )
    kinds = [line.split(": ")[1] for line in problems_in("nickname", hand_rolled)]
    assert kinds == [
        "step-up outside the change path",
        "write outside the change path",
        "audit outside the change path",
        "signal outside the change path",
        "adapter outside the change path",
        "alert outside the change path",
    ]


def test_every_change_the_table_makes_has_a_signal_where_it_hears_the_adapter() -> None:
    # The adapter's hook follows a change the site was told of; one without a signal is a slip.
    for action in actions.ACTIONS:
        if action.credentials is not None:
            assert action.signal is not None, action.key


# --- the path's order ------------------------------------------------------------------------


class Recorder:
    """Who heard what, in order: the audit table, each signal, the adapter's hook."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.heard: list[str] = []
        self.step_up_required = False
        recorder = self

        class Adapter:
            def is_step_up_required(self, request: Any, action: str) -> bool:
                recorder.heard.append(f"step-up {action}")
                return recorder.step_up_required

            def on_credentials_changed(self, request: Any, kind: str) -> None:
                recorder.heard.append(f"adapter {kind}")

        monkeypatch.setattr(changes, "get_adapter", Adapter)
        real_record = changes.audit.record

        def record(request: Any, action: Any, outcome: str, *args: Any, **detail: Any) -> None:
            recorder.heard.append(f"audit {getattr(action, 'key', action)} {outcome}")
            real_record(request, action, outcome, *args, **detail)

        monkeypatch.setattr(changes.audit, "record", record)

    def listen(self, signal: Any) -> None:
        def receiver(sender: Any, **kwargs: Any) -> None:
            extra = {k: v for k, v in kwargs.items() if k not in ("signal", "request", "user")}
            self.heard.append(f"signal {sender} {sorted(extra.items())}")

        signal.connect(receiver, weak=False)
        self.receivers = [*getattr(self, "receivers", []), (signal, receiver)]

    def close(self) -> None:
        for signal, receiver in getattr(self, "receivers", []):
            signal.disconnect(receiver)


@pytest.fixture
def heard(monkeypatch: pytest.MonkeyPatch) -> Any:
    recorder = Recorder(monkeypatch)
    yield recorder
    recorder.close()


@pytest.fixture
def sub(user: Any) -> str:
    return str(user.logto_identity.sub)


@pytest.fixture
def request_(user: Any) -> Any:
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.1")
    request.user = user
    request.session = SimpleNamespace()
    return request


def test_a_change_checks_step_up_then_audits_then_signals_then_calls_the_adapter(
    heard, request_, sub
) -> None:
    heard.listen(signals.username_changed)
    with changes.change(request_, actions.USERNAME_CHANGE, sender="flows.test") as ch:
        heard.heard.append("logto")
        ch.done(removed=False, signal_args={"username": "bob"})
        heard.heard.append("after done")
    assert heard.heard == [
        "step-up username",
        "logto",
        "audit username_change success",
        "after done",
        f"signal flows.test {[('logto_user_id', sub), ('username', 'bob')]}",
        "adapter username",
    ]
    event = AuditEvent.objects.get()
    assert (event.sub, event.detail) == (sub, {"removed": False})


def test_step_up_is_asked_before_anything_is_done(heard, request_) -> None:
    heard.step_up_required = True
    with pytest.raises(StepUpRequired):
        with changes.change(request_, actions.MFA_REMOVE, sender="flows.test"):
            heard.heard.append("logto")  # never reached
    # The key the adapter and site settings have always been given, not the audit key.
    assert heard.heard == ["step-up mfa_factor_removed"]
    assert not AuditEvent.objects.exists()


def test_a_refusal_by_logto_is_recorded_as_failure_with_its_code(heard, request_) -> None:
    heard.listen(signals.personal_access_token_created)
    with pytest.raises(LogtoAPIError):
        with changes.change(request_, actions.TOKEN_CREATE, sender="flows.test", name="ci"):
            raise LogtoAPIError(422, "user.personal_access_token_name_exists")
    event = AuditEvent.objects.get()
    assert (event.action, event.outcome) == ("token_create", "failure")
    assert event.detail == {"name": "ci", "error": "user.personal_access_token_name_exists"}
    assert heard.heard == [
        "step-up personal_access_token",
        "audit token_create failure",
    ]  # no signal, no adapter


def test_an_unknown_outcome_is_left_to_the_error_path(heard, request_) -> None:
    # The views' one error path records it as unknown ("logto_write"); never as a failure.
    with pytest.raises(LogtoOutcomeUnknown):
        with changes.change(request_, actions.PROFILE_UPDATE, sender="flows.test"):
            raise LogtoOutcomeUnknown("no answer")
    assert not AuditEvent.objects.exists()


def test_the_apps_own_refusal_is_recorded_only_as_the_flow_says(heard, request_) -> None:
    with pytest.raises(FlowError):
        with changes.change(request_, actions.TOTP_ADD, sender="flows.test") as ch:
            ch.refused("rate_limited")
            raise FlowError("too many")
    with pytest.raises(FlowError):
        with changes.change(request_, actions.TOTP_ADD, sender="flows.test"):
            raise FlowError("expired")
    events = list(AuditEvent.objects.values_list("outcome", "detail"))
    assert events == [("denied", {"error": "rate_limited"})]


def test_parts_done_are_told_when_a_later_part_fails_but_the_adapter_is_not_called(
    heard, request_, sub
) -> None:
    heard.listen(signals.mfa_factor_removed)
    with pytest.raises(LogtoAPIError):
        with changes.change(request_, actions.MFA_REMOVE, sender="flows.test") as ch:
            ch.note(factor="Totp")
            ch.done(signal_args={"factor": "Totp"})
            ch.note(factor="BackupCode")
            raise LogtoAPIError(500, "unexpected")
    assert heard.heard == [
        "step-up mfa_factor_removed",
        "audit mfa_remove success",
        "audit mfa_remove failure",
        f"signal flows.test {[('factor', 'Totp'), ('logto_user_id', sub)]}",
    ]
    failure = AuditEvent.objects.get(outcome="failure")
    assert failure.detail == {"factor": "BackupCode", "error": "unexpected"}


def test_a_change_left_undone_records_and_tells_nothing(heard, request_) -> None:
    heard.listen(signals.mfa_settings_changed)
    with changes.change(request_, actions.MFA_SETTINGS, sender="flows.test"):
        pass  # nothing to change (an empty form)
    assert heard.heard == ["step-up mfa_settings"]
    assert not AuditEvent.objects.exists()
