"""The layers of the app hold by themselves: the import-linter contracts in pyproject.toml, and no
import hidden inside a function unless a comment says why it has to be there."""

from __future__ import annotations

import ast
from pathlib import Path

import grimp
from importlinter import configuration
from importlinter.application.use_cases import SUCCESS, lint_imports

ROOT = Path(__file__).resolve().parents[1]


def test_the_import_contracts_hold(capsys) -> None:
    configuration.configure()
    result = lint_imports(
        config_filename=str(ROOT / "pyproject.toml"), cache_dir=None, no_logo=True
    )
    assert result == SUCCESS, capsys.readouterr().out


def test_no_module_circle_even_through_type_only_imports() -> None:
    # The contracts leave out imports under ``if TYPE_CHECKING:`` (they never run); mypy and the
    # readers follow them all the same, so a circle through one is still a circle.
    graph = grimp.build_graph("account_center", exclude_type_checking_imports=False)
    circles = [
        " -> ".join((module, *back))
        for module in sorted(graph.modules)
        for imported in sorted(graph.find_modules_directly_imported_by(module))
        if (back := graph.find_shortest_chain(imported, module))
    ]
    assert not circles, "Import circles:\n" + "\n".join(circles)


def _function_level_imports(tree: ast.AST) -> list[ast.stmt]:
    found: list[ast.stmt] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    found.append(inner)
    return found


def _unexplained(path: Path) -> list[str]:
    """The function-level imports of ``path`` with no comment on them or just above their group."""
    lines = path.read_text().splitlines()
    found = _function_level_imports(ast.parse("\n".join(lines)))
    imports = sorted(set(found), key=lambda node: node.lineno)
    bad: list[str] = []
    for node in imports:
        first = node.lineno
        # Walk up over the imports written together with this one to the line above them all.
        while any(other.end_lineno == first - 1 for other in imports):
            first = next(other.lineno for other in imports if other.end_lineno == first - 1)
        own = lines[node.lineno - 1 : node.end_lineno]
        above = lines[first - 2].strip() if first > 1 else ""
        if not above.startswith("#") and not any("#" in line for line in own):
            bad.append(f"{path.relative_to(ROOT)}:{node.lineno}: {lines[node.lineno - 1].strip()}")
    return bad


def test_no_function_level_import_without_a_reason() -> None:
    bad = [
        line
        for path in sorted((ROOT / "account_center").rglob("*.py"))
        if "migrations" not in path.parts
        for line in _unexplained(path)
    ]
    assert not bad, "Import at the top of the module, or say why it cannot be:\n" + "\n".join(bad)
