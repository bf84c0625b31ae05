"""Logto's errors are mapped to what people see in one place (AccountView in views/base.py):
no other view module catches them, and no flow imports a view."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import account_center

PACKAGE = Path(account_center.__file__).parent
LOGTO_ERRORS = {
    "LogtoError",
    "LogtoAPIError",
    "LogtoUnavailable",
    "LogtoOutcomeUnknown",
    "LogtoNotFound",
}
VIEWS = sorted(p for p in (PACKAGE / "views").glob("*.py") if p.name != "base.py")


def _caught(handler: ast.ExceptHandler) -> set[str]:
    kinds = handler.type
    names = kinds.elts if isinstance(kinds, ast.Tuple) else [kinds] if kinds else []
    return {n.id if isinstance(n, ast.Name) else getattr(n, "attr", "") for n in names}


@pytest.mark.parametrize("module", VIEWS, ids=lambda p: p.name)
def test_no_view_but_the_base_catches_logtos_errors(module: Path) -> None:
    tree = ast.parse(module.read_text())
    caught = [
        (node.lineno, sorted(_caught(node) & LOGTO_ERRORS))
        for node in ast.walk(tree)
        if isinstance(node, ast.ExceptHandler) and _caught(node) & LOGTO_ERRORS
    ]
    assert caught == [], f"{module.name} catches Logto's errors itself: {caught}"


def test_no_flow_imports_a_view() -> None:
    for module in (PACKAGE / "flows").glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.ImportFrom):
                # Ours (``..views``, ``account_center.views``), not Django's decorators.
                parts = (node.module or "").split(".")
                ours = parts[0] == "account_center" or node.level > 0
                assert not (ours and "views" in parts), f"{module.name} imports {node.module}"
