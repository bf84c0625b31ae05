"""Every action the app can record has words, in English and Traditional Chinese, for every
outcome it can be recorded with; what the site did to an account shows without staff details.

The walk reads the app's source rather than a list kept by hand: every change made through the
change path (``with change(request, actions.X) as ch``: a success, a refusal where the flow says
``ch.refused``, a failure where it says ``ch.failed`` or where Logto's refusal is recorded), and
every call that ends in the one writer, ``flows.audit.record`` (directly, through
``flows.admin_actions.record``, or any helper that passes an action on), with the action and
outcome each call can write.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

import account_center
from account_center.flows import actions, admin_actions, audit
from account_center.flows.activity import describe_event
from account_center.models import AuditEvent, LogtoIdentity
from tests.helpers import SUB

PACKAGE = Path(account_center.__file__).parent

# Placeholders of f-string actions that are not passed down from a literal at the call site.
EXPANSIONS = {
    # flows/identifiers: f"{kind}_code_sent", f"{kind}_change" (username has its own literal).
    "kind": ("email", "phone"),
}
# Outcomes held in a local variable rather than a constant or a parameter.
LOCAL_OUTCOMES = {
    # admin/users.py's _each: ``outcome, words = self._failure(error)`` answers FAILURE or UNKNOWN.
    "outcome": (actions.FAILURE, actions.UNKNOWN),
}
OUTCOME_NAMES = {
    "SUCCESS": actions.SUCCESS,
    "FAILURE": actions.FAILURE,
    "DENIED": actions.DENIED,
    "UNKNOWN": actions.UNKNOWN,
}


@dataclass(frozen=True)
class Writer:
    """One way a function writes an audit event: the action is ``prefix + <parameter> + suffix``
    (or fixed, ``fixed_actions``), the outcome a parameter (or fixed, ``fixed_outcomes``)."""

    params: tuple[str, ...]
    action_param: str | None = None
    prefix: str = ""
    suffix: str = ""
    fixed_actions: tuple[str, ...] = ()
    outcome_param: str | None = None
    fixed_outcomes: tuple[str, ...] = ()


# The one writer; every other writer is found by the walk.
RECORD = Writer(("request", "action", "outcome", "sub"), "action", outcome_param="outcome")
# Modules the walk reads for what they do, not as callers: the writer itself, and the change path
# (each change is read where a flow makes it).
ENGINE = ("flows.audit", "flows.changes")


def _modules() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        name = ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        yield name, ast.parse(path.read_text(encoding="utf-8"))


def _imports(module_name: str, tree: ast.Module) -> dict[str, str]:
    """Local names of imported account_center modules (``audit`` -> ``flows.audit``)."""
    package = module_name.split(".")[:-1]
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - (node.level - 1)]
            prefix = [*base, *(node.module.split(".") if node.module else [])]
            for alias in node.names:
                found[alias.asname or alias.name] = ".".join([*prefix, alias.name])
    return found


def _calls(function: ast.FunctionDef) -> Iterator[ast.Call]:
    """The calls in ``function``'s own body (a nested function is walked on its own)."""
    stack: list[ast.AST] = list(function.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if isinstance(node, ast.Call):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def _params(function: ast.FunctionDef) -> tuple[str, ...]:
    names = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
    return tuple(names[1:] if names[:1] in (["self"], ["cls"]) else names)


def _argument(call: ast.Call, writer: Writer, param: str | None) -> ast.expr | None:
    if param is None:
        return None
    for keyword in call.keywords:
        if keyword.arg == param:
            return keyword.value
    index = writer.params.index(param)
    return call.args[index] if index < len(call.args) else None


def _callee(call: ast.Call, module: str, imports: dict[str, str]) -> tuple[str, str] | None:
    func = call.func
    if isinstance(func, ast.Name):
        if func.id in imports and "." in imports[func.id]:
            # ``from .changes import change``: the function of that module.
            owner, _dot, name = imports[func.id].rpartition(".")
            return (owner, name)
        return (module, func.id)
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        if func.value.id in ("self", "cls"):
            return (module, func.attr)
        if func.value.id in imports:
            return (imports[func.value.id], func.attr)
    return None


def _is_create(call: ast.Call) -> bool:
    return (
        isinstance(call.func, ast.Attribute)
        and call.func.attr == "create"
        and ast.unparse(call.func.value) == "AuditEvent.objects"
    )


def _action_of(expr: ast.expr, imports: dict[str, str]) -> actions.Action | None:
    """``actions.PASSWORD_CHANGE`` as the table's action; None for anything else."""
    if (
        isinstance(expr, ast.Attribute)
        and isinstance(expr.value, ast.Name)
        and imports.get(expr.value.id) == "flows.actions"
    ):
        found = getattr(actions, expr.attr, None)
        return found if isinstance(found, actions.Action) else None
    return None


def _template(expr: ast.JoinedStr) -> tuple[str, str, str] | None:
    """``f"admin_{action}"`` as ("admin_", "action", ""); None for anything less simple."""
    holes = [i for i, part in enumerate(expr.values) if isinstance(part, ast.FormattedValue)]
    if len(holes) != 1:
        return None
    hole = expr.values[holes[0]]
    assert isinstance(hole, ast.FormattedValue)
    if not isinstance(hole.value, ast.Name) or hole.format_spec or hole.conversion != -1:
        return None

    def text(parts: list[ast.expr]) -> str:
        return "".join(str(p.value) for p in parts if isinstance(p, ast.Constant))

    return text(expr.values[: holes[0]]), hole.value.id, text(expr.values[holes[0] + 1 :])


def _tables_of_actions(
    tree: ast.Module, imports: dict[str, str]
) -> dict[str, list[actions.Action]]:
    """Module-level dicts whose values are all actions (``{"email": actions.EMAIL_CHANGE}``)."""
    found = {}
    for node in tree.body:
        value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
        target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
        if isinstance(value, ast.Dict) and isinstance(target, ast.Name) and value.values:
            values = [_action_of(v, imports) for v in value.values]
            if all(v is not None for v in values):
                found[target.id] = [v for v in values if v is not None]
    return found


class Walk:
    """Finds the writers (functions that end in ``AuditEvent.objects.create``, passing an action
    on), round after round until no new one appears, and what each call writes."""

    def __init__(self) -> None:
        self.modules = list(_modules())
        self.writers: dict[tuple[str, str], set[Writer]] = {("flows.audit", "record"): {RECORD}}
        self.recorded: dict[str, set[str]] = {}
        self.problems: list[str] = []
        # Module-level string constants (``LINK_REMOVED_ACTION = "identity_link_deleted"``), by
        # name: an action passed as such a constant is as fixed as a literal.
        self.constants = {
            target.id: node.value.value
            for _module, tree in self.modules
            for node in tree.body
            if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
            for target in node.targets
            if isinstance(target, ast.Name) and target.id.isupper()
        }

    def run(self) -> None:
        for _round in range(10):
            before = {key: set(found) for key, found in self.writers.items()}
            self.recorded, self.problems = {}, []
            for module, tree in self.modules:
                if module in ENGINE:
                    continue
                imports = _imports(module, tree)
                tables = _tables_of_actions(tree, imports)
                for function in ast.walk(tree):
                    if isinstance(function, ast.FunctionDef):
                        self._changes(f"{module}.{function.name}", function, imports, tables)
                        for call in _calls(function):
                            for writer in self._writers_of(call, module, imports):
                                self._call(
                                    f"{module}.{function.name}", function, call, writer, imports
                                )
            if self.writers == before:
                return
        raise AssertionError("the writers never settled")

    def _changes(
        self,
        where: str,
        function: ast.FunctionDef,
        imports: dict[str, str],
        tables: dict[str, list[actions.Action]],
    ) -> None:
        """What each ``with change(request, action) as ch`` in ``function`` can record."""
        for node in ast.walk(function):
            if not isinstance(node, ast.With):
                continue
            for item in node.items:
                call = item.context_expr
                if not (
                    isinstance(call, ast.Call)
                    and _callee(call, where.rsplit(".", 1)[0], imports)
                    == ("flows.changes", "change")
                ):
                    continue
                line = f"{where}:{call.lineno}"
                expr = call.args[1] if len(call.args) > 1 else None
                made = _action_of(expr, imports) if expr is not None else None
                if made is not None:
                    made_of = [made]
                elif (
                    isinstance(expr, ast.Subscript)
                    and isinstance(expr.value, ast.Name)
                    and expr.value.id in tables
                ):
                    made_of = tables[expr.value.id]
                else:
                    self.problems.append(f"{line}: a change of {ast.unparse(expr or call)}")
                    continue
                # A change is made to be done; Logto's refusal is recorded where it has words.
                outcomes = {actions.SUCCESS}
                said = {"refused": actions.DENIED, "failed": actions.FAILURE}
                target = item.optional_vars
                for inner in ast.walk(node):
                    if (
                        isinstance(inner, ast.Call)
                        and isinstance(inner.func, ast.Attribute)
                        and isinstance(inner.func.value, ast.Name)
                        and isinstance(target, ast.Name)
                        and inner.func.value.id == target.id
                        and inner.func.attr in said
                    ):
                        outcomes.add(said[inner.func.attr])
                for action in made_of:
                    found = outcomes | ({actions.FAILURE} if action.failed is not None else set())
                    self.recorded.setdefault(action.key, set()).update(found)

    def _writers_of(self, call: ast.Call, module: str, imports: dict[str, str]) -> set[Writer]:
        key = _callee(call, module, imports)
        return set(self.writers.get(key, ())) if key else set()

    def _call(
        self,
        where: str,
        function: ast.FunctionDef,
        call: ast.Call,
        writer: Writer,
        imports: dict[str, str],
    ) -> None:
        where = f"{where}:{call.lineno}"
        params = _params(function)
        key = (where.rsplit(".", 1)[0], function.name)
        # What the call writes as the outcome: fixed values, or this function's parameter.
        outcomes, outcome_param = writer.fixed_outcomes, None
        outcome_expr = _argument(call, writer, writer.outcome_param)
        if outcome_expr is not None:
            if isinstance(outcome_expr, ast.Name) and outcome_expr.id in params:
                outcomes, outcome_param = (), outcome_expr.id
            else:
                outcomes = self._outcomes(outcome_expr, where)
        elif writer.outcome_param is not None:
            self.problems.append(f"{where}: writes no outcome")
        # What it writes as the action: fixed values, or built from this function's parameter.
        fixed: tuple[str, ...] = writer.fixed_actions
        forward: tuple[str, str, str] | None = None
        expr = _argument(call, writer, writer.action_param)
        if expr is not None:
            if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
                fixed = (writer.prefix + expr.value + writer.suffix,)
            elif (action := _action_of(expr, imports)) is not None:
                fixed = (writer.prefix + action.key + writer.suffix,)
            elif isinstance(expr, ast.Name) and expr.id in self.constants:
                fixed = (writer.prefix + self.constants[expr.id] + writer.suffix,)
            elif isinstance(expr, ast.Name) and expr.id in params:
                forward = (writer.prefix, expr.id, writer.suffix)
            elif isinstance(expr, ast.JoinedStr) and (template := _template(expr)):
                before, hole, after = template
                before, after = writer.prefix + before, after + writer.suffix
                if hole in EXPANSIONS:
                    fixed = tuple(before + value + after for value in EXPANSIONS[hole])
                elif hole in params:
                    forward = (before, hole, after)
                else:
                    self.problems.append(f"{where}: an action built from {hole!r}")
                    return
            else:
                self.problems.append(f"{where}: an action from {ast.unparse(expr)}")
                return
        elif writer.action_param is not None:
            self.problems.append(f"{where}: writes no action")
            return
        if forward is not None or outcome_param is not None:
            # The caller decides part of it: this function is a writer too.
            prefix, param, suffix = forward or ("", None, "")
            self.writers.setdefault(key, set()).add(
                Writer(params, param, prefix, suffix, fixed, outcome_param, outcomes)
            )
            return
        for action in fixed:
            self.recorded.setdefault(action, set()).update(outcomes)

    def _outcomes(self, expr: ast.expr, where: str) -> tuple[str, ...]:
        if isinstance(expr, ast.Constant) and expr.value in OUTCOME_NAMES.values():
            return (str(expr.value),)
        name = expr.attr if isinstance(expr, ast.Attribute) else getattr(expr, "id", None)
        if name in OUTCOME_NAMES:
            return (OUTCOME_NAMES[name],)
        if isinstance(expr, ast.Name) and expr.id in LOCAL_OUTCOMES:
            return LOCAL_OUTCOMES[expr.id]
        self.problems.append(f"{where}: an outcome from {ast.unparse(expr)}")
        return ()


@pytest.fixture(scope="module")
def recorded() -> dict[str, set[str]]:
    walk = Walk()
    walk.run()
    # Pass the action as a literal, or build it from a parameter whose callers pass literals
    # (a placeholder that is neither belongs in EXPANSIONS).
    assert not walk.problems, walk.problems
    return walk.recorded


def test_the_walk_finds_every_kind_of_writer(recorded) -> None:
    # One action through each way of writing, so a walk that finds nothing cannot pass below.
    for action in (
        "password_change",  # with change(request, actions.PASSWORD_CHANGE)
        "email_change",  # with change(request, _CHANGED[kind]): a table of actions
        "totp_add",  # ch.refused(...) and ch.failed(...) in a change
        "reauthentication",  # audit.record with a literal, in the sign-in area
        "admin_reset_mfa",  # admin_actions.record(..., f"admin_{action}") through _each
        "identity_link_deleted",  # admin_actions.record with a constant
        "site_settings_changed",  # audit.record(..., staff=True)
        "webhook_user_suspension",
        "sign_in",
    ):
        assert action in recorded, action
    assert recorded["admin_suspend"] == {actions.SUCCESS, actions.FAILURE, actions.UNKNOWN}
    assert actions.DENIED in recorded["reauthentication"]
    assert recorded["totp_add"] == {actions.SUCCESS, actions.FAILURE, actions.DENIED}


def test_one_writer_makes_every_audit_event() -> None:
    makers = [
        f"{module}:{node.lineno}"
        for module, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and _is_create(node)
    ]
    assert makers and all(where.startswith("flows.audit:") for where in makers), makers


def test_every_recorded_action_has_words(recorded) -> None:
    missing = sorted(set(recorded) - set(actions.BY_KEY))
    assert not missing, f"add these to account_center/flows/actions.py: {missing}"


def test_the_table_names_only_actions_the_app_records(recorded) -> None:
    assert not sorted(set(actions.BY_KEY) - set(recorded))


def test_failures_refusals_and_unknown_outcomes_have_their_own_words(recorded) -> None:
    missing = [
        (key, outcome)
        for key, outcomes in sorted(recorded.items())
        for outcome in sorted(outcomes - {actions.SUCCESS})
        if actions.get(key).words_for(outcome) is None
    ]
    assert not missing


# Details that reach every variant of every action's words; their values hold no letters, so
# any Latin word left in a Traditional Chinese sentence is an untranslated one.
DETAILS = [
    {},
    *({"method": m} for m in ("password", "email", "phone", "reauthentication")),
    {"removed": True},
    {"to": "…0958"},
    {"created": True},
    {"replaced": True},
    {"error": "verification_code.code_mismatch"},
    {"reason": "wrong_code"},
    {"mfa_enabled": True},
    {"mfa_enabled": False},
    {"suspended": True},
    {"reason": "suspended"},
    {"reason": "deleted"},
    *({"factor": f} for f in ("Totp", "BackupCode", "WebAuthn")),
    {"name": "①", "new_name": "②", "device": "③", "target": "④"},
]


def test_every_action_reads_in_both_languages() -> None:
    untranslated = []
    for action in (*actions.ACTIONS, actions.OTHER):
        for outcome in (actions.SUCCESS, actions.FAILURE, actions.DENIED, actions.UNKNOWN):
            for detail in DETAILS:
                english = action.describe(outcome, detail)
                with translation.override("zh-hant"):
                    chinese = action.describe(outcome, detail)
                if chinese == english or re.search(r"[A-Za-z]{2,}", chinese):
                    untranslated.append((action.key, outcome, detail, chinese))
    assert not untranslated, untranslated[:5]


def test_no_action_reads_as_its_raw_name() -> None:
    for action in actions.ACTIONS:
        words = action.describe(actions.SUCCESS, {})
        assert action.key not in words
        assert words != action.key.replace("_", " ").capitalize()


def test_wrong_codes_and_passwords_read_as_such() -> None:
    assert (
        describe_event("totp_add", {"reason": "wrong_code"}, actions.FAILURE)
        == "Wrong authenticator code entered"
    )
    assert (
        describe_event("step_up", {"method": "password"}, actions.FAILURE)
        == "Wrong password entered while confirming it's you"
    )
    assert describe_event("step_up", {"method": "password"}) == (
        "Confirmed it's you with your password"
    )
    assert describe_event("no_such_action", {}) == "Other account activity"


# --- the page and what the site did ----------------------------------------------------------

ADMIN_IP = "192.0.2.77"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0"
CHROME_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


@pytest.fixture
def admin_request(rf, django_user_model):
    staff = django_user_model.objects.create_user(username="staff-bob", is_staff=True)
    request = rf.post("/admin/", REMOTE_ADDR=ADMIN_IP, HTTP_USER_AGENT=CHROME_MAC)
    request.user = staff
    return request


@pytest.mark.django_db
def test_admin_and_webhook_events_show_in_words_without_staff_details(
    auth_client, user, admin_request, rf
) -> None:
    identity = LogtoIdentity.objects.get(user=user)
    admin_actions.record(admin_request, identity, "admin_suspend", actions.SUCCESS)
    admin_actions.record(admin_request, identity, "admin_reset_mfa", actions.UNKNOWN, code="")
    webhook = rf.post("/hooks/", REMOTE_ADDR="198.51.100.200", HTTP_USER_AGENT="Logto (hook)")
    webhook.user = None
    audit.record(webhook, "webhook_user_suspension", audit.SUCCESS, sub=SUB, suspended=False)
    own = rf.post("/", REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT=FIREFOX)
    own.user = user
    audit.record(own, "password_change", audit.SUCCESS, sub=SUB)

    html = auth_client.get(reverse("account_center:activity")).content.decode()
    assert "Your account was suspended by the site&#x27;s administrators" in html
    assert (
        "The site&#x27;s administrators tried to reset your two-step verification; "
        "it may not have happened" in html
    )
    assert "Your account was restored by the site&#x27;s administrators" in html
    assert "Not confirmed" in html
    for staff_detail in (ADMIN_IP, "198.51.100.200", "staff-bob", "Chrome", "macOS", "Logto"):
        assert staff_detail not in html, staff_detail
    # The user's own events keep where they came from.
    assert "203.0.113.9" in html and "Firefox on Linux" in html
    # Where: for the sign-in of auth_client and the password change only.
    assert html.count("<dt>Where</dt>") == 2


@pytest.mark.django_db
def test_the_activity_page_reads_in_traditional_chinese(auth_client, user, admin_request) -> None:
    identity = LogtoIdentity.objects.get(user=user)
    admin_actions.record(admin_request, identity, "admin_suspend", actions.SUCCESS)
    AuditEvent.objects.create(
        user=user, sub=SUB, action="totp_add", outcome="failure", detail={"reason": "wrong_code"}
    )
    AuditEvent.objects.create(user=user, sub=SUB, action="social_unlink", outcome="success")
    html = auth_client.get(
        reverse("account_center:activity"), HTTP_ACCEPT_LANGUAGE="zh-TW"
    ).content.decode()
    assert "您的帳號已被本站的管理員停權" in html
    assert "輸入了錯誤的驗證器驗證碼" in html
    for english in ("Social unlink", "Admin suspend", "Failed", "Authenticator app"):
        assert english not in html
