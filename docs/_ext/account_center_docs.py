"""Reference pages made from the code, so they follow it: the settings (their meaning from
``account_center/conf/app_settings.py``'s docstring, their defaults from the code that reads them),
the signals, the management commands, the layout's template blocks and the CSS custom properties.

Whatever the code has and the docs cannot describe is a Sphinx warning, and the build runs with
warnings as errors: a setting read without a line in app_settings' docstring, a signal without a
line in signals.py's docstring, a template block or CSS property without a description here.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import pkgutil
import re
import textwrap
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.parsing import nested_parse_to_nodes

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "account_center"
logger = logging.getLogger(__name__)

SETTING_PREFIXES = ("ACCOUNT_CENTER_", "LOGTO_")
# Read by the code but set by the emulator's WSGI mount, never by a project.
INTERNAL_SETTINGS = frozenset({"LOGTO_EMULATOR_MOUNTED"})


# --- settings ---------------------------------------------------------------------------------


def _module_constants(tree: ast.Module) -> dict[str, Any]:
    constants: dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                try:
                    constants[target.id] = ast.literal_eval(node.value)
                except ValueError:
                    pass
    return constants


def _default_text(node: ast.expr | None, constants: dict[str, Any]) -> str:
    if node is None:
        return "not set"
    if isinstance(node, ast.Name) and node.id in constants:
        return repr(constants[node.id])
    try:
        return repr(ast.literal_eval(node))
    except ValueError:
        return ast.unparse(node)


def settings_read() -> dict[str, str]:
    """Every project setting the package reads, with its default as the code gives it.

    ``_setting("NAME", default)`` in app_settings.py, and ``getattr(settings, "NAME", default)``
    or ``hasattr(settings, "NAME")`` anywhere in the package."""
    found: dict[str, str] = {}
    # app_settings.py first: its defaults are the ones in force; other modules only add names.
    paths = sorted(PACKAGE.rglob("*.py"), key=lambda p: (p.name != "app_settings.py", str(p)))
    for path in paths:
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = _module_constants(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name_of = getattr(func, "id", None) or getattr(func, "attr", None)
            args = node.args
            if name_of == "_setting":
                key, default = args[0], args[1] if len(args) > 1 else None
            elif name_of in ("getattr", "hasattr") and len(args) >= 2:
                if not (isinstance(args[0], ast.Name) and args[0].id == "settings"):
                    continue
                key, default = args[1], args[2] if len(args) > 2 else None
            else:
                continue
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                continue
            name = key.value
            if not name.startswith(SETTING_PREFIXES) or name in INTERNAL_SETTINGS:
                continue
            if name not in found:
                found[name] = _default_text(default, constants)
    return found


def settings_overridden_in_admin() -> set[str]:
    """Settings whose ``AppSettings`` property asks the admin's settings page first
    (``_overrides()``): a superuser changes them without a deploy."""
    tree = ast.parse((PACKAGE / "conf" / "app_settings.py").read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef):
            continue
        calls = [call for call in ast.walk(node) if isinstance(call, ast.Call)]
        if any(getattr(call.func, "id", None) == "_overrides" for call in calls):
            names |= {
                call.args[0].value
                for call in calls
                if getattr(call.func, "id", None) == "_setting"
                and isinstance(call.args[0], ast.Constant)
            }
    return names


def settings_docstring() -> tuple[list[tuple[str, list[str], list[str]]], dict[str, str]]:
    """``app_settings``' docstring as ``(heading, [names], description lines)`` entries; headings
    are the docstring's paragraph lines that end with a colon."""
    module = importlib.import_module("account_center.conf.app_settings")
    doc = textwrap.dedent(module.__doc__ or "")
    entries: list[tuple[str, list[str], list[str]]] = []
    headings: dict[str, str] = {}
    heading = ""
    for line in doc.splitlines():
        if line.startswith("``") and not line.startswith(" "):
            names = re.findall(r"``([A-Z0-9_]+)``", line)
            entries.append((heading, names, []))
            for name in names:
                headings[name] = heading
        elif line.startswith("    ") and entries:
            entries[-1][2].append(line[4:])
        elif line.strip().endswith(":") and not line.startswith(" "):
            heading = line.strip().rstrip(":")
    return entries, headings


class SettingsDirective(SphinxDirective):
    """Every setting: its names, the default the code uses and the meaning from the docstring."""

    def run(self) -> list[nodes.Node]:
        entries, _headings = settings_docstring()
        defaults = settings_read()
        in_admin = settings_overridden_in_admin()
        described = {name for _h, names, _d in entries for name in names}
        for name in sorted(set(defaults) - described):
            logger.warning(
                "setting %s is read by account_center but not described in "
                "account_center/conf/app_settings.py's docstring",
                name,
                location=(self.env.docname, self.lineno),
            )
        lines: list[str] = []
        current = None
        for heading, names, description in entries:
            if heading != current:
                current = heading
                lines += [heading, "-" * len(heading), ""]
            for name in names:
                lines += [f".. _setting-{name}:", ""]
            title = " / ".join(f"``{name}``" for name in names)
            lines += [title, "~" * len(title), ""]
            shown: list[tuple[str, str]] = []
            for name in names:
                if name not in defaults:
                    logger.warning(
                        "setting %s is described in app_settings.py's docstring but no code "
                        "reads it",
                        name,
                        location=(self.env.docname, self.lineno),
                    )
                else:
                    shown.append((name, defaults[name]))
            if len(shown) == 1:
                lines.append(f"Default in the code: ``{shown[0][1]}``")
            else:
                lines += [f"| ``{name}``: default ``{default}``" for name, default in shown]
            lines += ["", *description, ""]
            if in_admin & set(names):
                lines += [
                    "A superuser can override it in Django admin (*Account center settings*, "
                    ":doc:`features`); the admin's value wins.",
                    "",
                ]
        return _parse(self, lines)


# --- signals ----------------------------------------------------------------------------------


class SignalsDirective(SphinxDirective):
    """Every signal of ``account_center.signals`` with the arguments its docstring lists."""

    def run(self) -> list[nodes.Node]:
        module = importlib.import_module("account_center.signals")
        from django.dispatch import Signal

        signals = [name for name, value in vars(module).items() if isinstance(value, Signal)]
        doc = textwrap.dedent(module.__doc__ or "")
        items: dict[str, str] = {}
        last: list[str] = []
        for line in doc.splitlines():
            match = re.match(r"- ((?:``\w+``(?: / )?)+): ?(.*)", line)
            if match:
                last = re.findall(r"``(\w+)``", match.group(1))
                for name in last:
                    items[name] = match.group(2)
            elif line.startswith("  ") and last:
                for name in last:
                    items[name] += " " + line.strip()
            else:
                last = []
        lines = [".. list-table::", "   :header-rows: 1", "   :widths: 30 70", ""]
        lines += [
            "   * - Signal",
            "     - Sent with (besides ``request``, ``user``, ``logto_user_id``)",
        ]
        for name in signals:
            if name not in items:
                logger.warning(
                    "signal %s has no line in account_center/signals.py's docstring",
                    name,
                    location=(self.env.docname, self.lineno),
                )
            lines += [
                f"   * - .. _signal-{name}:",
                "",
                f"       ``account_center.signals.{name}``",
                f"     - {items.get(name, '')}",
            ]
        return _parse(self, lines)


# --- management commands ----------------------------------------------------------------------


class CommandsDirective(SphinxDirective):
    """Every management command the package ships: what it does and its ``--help``."""

    def run(self) -> list[nodes.Node]:
        commands = importlib.import_module("account_center.management.commands")
        lines: list[str] = []
        for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda i: i.name):
            module = importlib.import_module(f"{commands.__name__}.{info.name}")
            command = module.Command()
            # Only the command's own options: Django's common ones (--settings, -v...) are
            # the same for every command.
            parser = argparse.ArgumentParser(
                prog=f"python manage.py {info.name}", description=str(command.help)
            )
            command.add_arguments(parser)
            usage = parser.format_help()
            title = f"``{info.name}``"
            lines += [f".. _command-{info.name}:", "", title, "-" * len(title), ""]
            lines += [*textwrap.dedent(module.__doc__ or "").strip().splitlines(), ""]
            lines += [".. code-block:: text", ""]
            lines += ["   " + line if line else "" for line in usage.rstrip().splitlines()]
            lines.append("")
        return _parse(self, lines)


# --- template blocks and CSS custom properties --------------------------------------------------


def _described(directive: SphinxDirective) -> dict[str, str]:
    """The directive's content as ``name: description`` lines."""
    described: dict[str, str] = {}
    for line in directive.content:
        if line.strip():
            name, _sep, text = line.partition(":")
            described[name.strip()] = text.strip()
    return described


class TemplateBlocksDirective(SphinxDirective):
    """The blocks of one template, each with the description given in the directive's body."""

    required_arguments = 1
    has_content = True

    def run(self) -> list[nodes.Node]:
        template = self.arguments[0]
        source = (PACKAGE / "templates" / template).read_text(encoding="utf-8")
        blocks = re.findall(r"{%\s*block\s+(\w+)\s*%}", source)
        described = _described(self)
        for name in blocks:
            if name not in described:
                logger.warning(
                    "block %s of %s has no description in the docs",
                    name,
                    template,
                    location=(self.env.docname, self.lineno),
                )
        for name in set(described) - set(blocks):
            logger.warning(
                "the docs describe block %s, which %s does not have",
                name,
                template,
                location=(self.env.docname, self.lineno),
            )
        lines = [".. list-table::", "   :header-rows: 1", "   :widths: 25 75", ""]
        lines += ["   * - Block", "     - What it holds"]
        for name in blocks:
            lines += [f"   * - ``{name}``", f"     - {described.get(name, '')}"]
        return _parse(self, lines)


def css_properties() -> tuple[dict[str, str], dict[str, str]]:
    """The custom properties the stylesheet sets on ``:root``: light values, dark values."""
    css = (PACKAGE / "static" / "account_center" / "account_center.css").read_text("utf-8")
    declaration = re.compile(r"^[ \t]*(--ac-[\w-]+):[ \t]*([^;]+);", re.M)
    dark_start = css.find("@media (prefers-color-scheme: dark)")
    light: dict[str, str] = {}
    dark: dict[str, str] = {}
    for match in declaration.finditer(css):
        name, value = match.group(1), match.group(2).strip()
        (dark if 0 <= dark_start < match.start() else light)[name] = value
    return light, dark


class CssPropertiesDirective(SphinxDirective):
    """The stylesheet's custom properties with their light and dark values."""

    has_content = True

    def run(self) -> list[nodes.Node]:
        light, dark = css_properties()
        described = _described(self)
        for name in light:
            if name not in described:
                logger.warning(
                    "CSS custom property %s has no description in the docs",
                    name,
                    location=(self.env.docname, self.lineno),
                )
        for name in set(described) - set(light):
            logger.warning(
                "the docs describe CSS custom property %s, which the stylesheet does not set",
                name,
                location=(self.env.docname, self.lineno),
            )
        lines = [".. list-table::", "   :header-rows: 1", "   :widths: 22 18 18 42", ""]
        lines += ["   * - Property", "     - Light", "     - Dark", "     - Used for"]
        for name, value in light.items():
            used_for = described.get(name, "")
            lines += [
                f"   * - ``{name}``",
                f"     - ``{value}``",
                f"     - ``{dark[name]}``" if name in dark else "     - same",
                f"     - {used_for}",
            ]
        return _parse(self, lines)


def _parse(directive: SphinxDirective, lines: list[str]) -> list[nodes.Node]:
    """The generated reStructuredText as nodes (the pages using these directives are .rst)."""
    return nested_parse_to_nodes(
        directive.state,
        StringList(lines, source=f"<{directive.name}>"),
        allow_section_headings=True,
    )


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("account-center-settings", SettingsDirective)
    app.add_directive("account-center-signals", SignalsDirective)
    app.add_directive("account-center-commands", CommandsDirective)
    app.add_directive("account-center-template-blocks", TemplateBlocksDirective)
    app.add_directive("account-center-css-properties", CssPropertiesDirective)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
