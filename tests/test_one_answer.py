"""Views answer one way: the section through ``AccountView.show``, a change through
``AccountView.changed`` (or ``go_to``), and "is this htmx?" asked in ``views/htmx.py`` alone."""

from __future__ import annotations

import ast
from pathlib import Path

VIEWS = Path(__file__).resolve().parents[1] / "account_center" / "views"
# Where each way of answering lives; every other view module goes through them.
ANSWERS = {"base.py", "htmx.py"}
# The refusal sends a browser without JavaScript to the step-up page: it is no view's answer.
ALLOWED = {("step_up_answer.py", "HttpResponseRedirect")}
REDIRECTS = {"HttpResponseRedirect", "HttpResponseClientRedirect"}


def _answers_by_hand(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        where = f"{path.name}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Name) and node.id in REDIRECTS:
            if (path.name, node.id) not in ALLOWED:
                found.append(f"{where}: {node.id} (use changed() or go_to())")
        elif isinstance(node, ast.Attribute):
            owner = node.value
            if isinstance(owner, ast.Name) and owner.id == "messages":
                found.append(f"{where}: messages.{node.attr} (use changed() or go_to())")
            if node.attr == "htmx":
                found.append(f"{where}: .htmx (use views/htmx.py)")
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "getattr":
            if any(isinstance(a, ast.Constant) and a.value == "htmx" for a in node.args):
                found.append(f"{where}: getattr(..., 'htmx') (use views/htmx.py)")
    return found


def test_views_answer_a_change_and_ask_for_htmx_in_one_place() -> None:
    found = [
        line
        for path in sorted(VIEWS.glob("*.py"))
        if path.name not in ANSWERS
        for line in _answers_by_hand(path)
    ]
    assert not found, "\n".join(found)
