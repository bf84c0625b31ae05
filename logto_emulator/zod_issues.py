"""zod (v3)'s issues for the checks Logto's guards make beyond a value's type, key for key, so a
client reading ``data.issues`` sees what a real Logto sends (the type check is
:func:`logto_emulator.http.type_issue`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from logto_emulator.http import ABSENT, regex_issue, type_issue, zod_type

Path = list[str | int]


def _path(path: str | Path) -> Path:
    if isinstance(path, list):
        return path
    return [int(p) if p.isdigit() else p for p in path.split(".")] if path else []


def too_small(path: str | Path, minimum: int, kind: str = "string") -> dict[str, Any]:
    noun = "character(s)" if kind == "string" else "element(s)"
    return {
        "code": "too_small",
        "minimum": minimum,
        "type": kind,
        "inclusive": True,
        "exact": False,
        "message": f"{kind.capitalize()} must contain at least {minimum} {noun}",
        "path": _path(path),
    }


def too_big(path: str | Path, maximum: int, kind: str = "string") -> dict[str, Any]:
    noun = "character(s)" if kind == "string" else "element(s)"
    return {
        "code": "too_big",
        "maximum": maximum,
        "type": kind,
        "inclusive": True,
        "exact": False,
        "message": f"{kind.capitalize()} must contain at most {maximum} {noun}",
        "path": _path(path),
    }


def invalid_enum(path: str | Path, options: Sequence[str], received: Any) -> dict[str, Any]:
    said = " | ".join(f"'{option}'" for option in options)
    return {
        "received": received,
        "code": "invalid_enum_value",
        "options": list(options),
        "path": _path(path),
        "message": f"Invalid enum value. Expected {said}, received '{received}'",
    }


def invalid_discriminator(path: str | Path, options: Sequence[str]) -> dict[str, Any]:
    said = " | ".join(f"'{option}'" for option in options)
    return {
        "code": "invalid_union_discriminator",
        "options": list(options),
        "path": _path(path),
        "message": f"Invalid discriminator value. Expected {said}",
    }


def invalid_union(path: str | Path, branches: Sequence[list[dict[str, Any]]]) -> dict[str, Any]:
    return {
        "code": "invalid_union",
        "unionErrors": [{"issues": issues, "name": "ZodError"} for issues in branches],
        "path": _path(path),
        "message": "Invalid input",
    }


def regex(path: str | Path) -> dict[str, Any]:
    issue = regex_issue("")
    issue["path"] = _path(path)
    return issue


def string(
    *, min_length: int | None = None, max_length: int | None = None, pattern: Any = None
) -> Callable[[str, Any], tuple[list[dict[str, Any]], bool]]:
    """``z.string()`` with ``.min()``, ``.max()`` and ``.regex()`` in that order (as Logto's guards
    chain them): a check of ``(path, value)``."""

    def check(path: str, value: Any) -> tuple[list[dict[str, Any]], bool]:
        if zod_type(value) != "string":
            return [type_issue(path, "string", value)], True
        issues = []
        if min_length is not None and len(value) < min_length:
            issues.append(too_small(path, min_length))
        if max_length is not None and len(value) > max_length:
            issues.append(too_big(path, max_length))
        if pattern is not None and not pattern.match(value):
            issues.append(regex(path))
        return issues, False

    return check


def optional(
    check: Callable[[str, Any], tuple[list[dict[str, Any]], bool]],
) -> Callable[[str, Any], tuple[list[dict[str, Any]], bool]]:
    """``.optional()``: an absent key passes."""

    def optional_check(path: str, value: Any) -> tuple[list[dict[str, Any]], bool]:
        return ([], False) if value is ABSENT else check(path, value)

    return optional_check


def object_issues(
    body: Any,
    keys: dict[str, Callable[[str, Any], tuple[list[dict[str, Any]], bool]]],
    prefix: str = "",
) -> tuple[list[dict[str, Any]], bool]:
    """``z.object({...})`` over ``body``: every key's issues in the schema's order, and whether
    one is fatal."""
    if zod_type(body) != "object":
        issue = type_issue(prefix or "body", "object", body)
        issue["path"] = _path(prefix)
        return [issue], True
    issues: list[dict[str, Any]] = []
    fatal = False
    for key, check in keys.items():
        found, aborted = check(f"{prefix}.{key}".lstrip("."), body.get(key, ABSENT))
        issues.extend(found)
        fatal = fatal or aborted
    return issues, fatal


def union_issues(branches: Sequence[tuple[list[dict[str, Any]], bool]]) -> list[dict[str, Any]]:
    """``z.union([...])``'s answer when no branch passes: the first branch that failed only
    softly has its issues reported as they are; when all failed on types, one ``invalid_union``
    with every branch's issues."""
    for issues, fatal in branches:
        if not issues:
            return []
    for issues, fatal in branches:
        if not fatal:
            return issues
    return [invalid_union("", [issues for issues, _ in branches])]
