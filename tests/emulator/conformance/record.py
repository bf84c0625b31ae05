"""Record the part of a live Logto's OpenAPI document that covers the routes the emulator serves.

    ../shared/logto/lab/start.sh      # the lab kit (CONTRIBUTING.md), LAB_DIR exported
    python -m tests.emulator.conformance.record "<which Logto>" [SOURCE]

SOURCE is the document's URL (default: ``$LOGTO_CONTRACT_ENDPOINT/api/swagger.json``, else the
lab's ``http://127.0.0.1:3001/api/swagger.json``) or a file saved from one. Writes
``logto-openapi-subset.json`` beside this file: each operation the emulator serves (method and
path), every component they ``$ref``, transitively, and under ``x-recorded`` which Logto, from
where and when. Logto's text is copied as it is. Refuses, writing nothing, when the document lacks
an operation the emulator serves.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
from pathlib import Path
from typing import Any

import requests

from tests.emulator.conformance.served import served_routes, shape

SUBSET = Path(__file__).with_name("logto-openapi-subset.json")
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def default_source() -> str:
    endpoint = os.environ.get("LOGTO_CONTRACT_ENDPOINT", "http://127.0.0.1:3001")
    return f"{endpoint.rstrip('/')}/api/swagger.json"


def read(source: str) -> dict[str, Any]:
    if source.startswith(("http://", "https://")):
        answer = requests.get(source, timeout=30)
        answer.raise_for_status()
        return dict(answer.json())
    return dict(json.loads(Path(source).read_text()))


def _refs(node: Any) -> set[str]:
    if isinstance(node, list):
        return set().union(*(_refs(item) for item in node))
    if not isinstance(node, dict):
        return set()
    found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
    return found.union(*(_refs(value) for value in node.values()))


def _components(document: dict[str, Any], paths: dict[str, Any]) -> dict[str, Any]:
    """Every ``#/components/<kind>/<name>`` the paths reach, through components too."""
    components: dict[str, dict[str, Any]] = {}
    pending = _refs(paths)
    seen: set[str] = set()
    while pending:
        ref = pending.pop()
        seen.add(ref)
        parts = ref.split("/")
        if len(parts) != 4 or parts[:2] != ["#", "components"]:
            raise ValueError(f"a $ref this recorder cannot follow: {ref}")
        kind, name = parts[2], parts[3].replace("~1", "/").replace("~0", "~")
        value = document["components"][kind][name]
        components.setdefault(kind, {})[name] = value
        pending |= _refs(value) - seen
    return {kind: dict(sorted(named.items())) for kind, named in sorted(components.items())}


def subset(
    document: dict[str, Any], operations: list[tuple[str, str]]
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The document cut down to ``operations`` ((method, shape) pairs), and those it lacks."""
    templates = {shape(template): template for template in document["paths"]}
    paths: dict[str, dict[str, Any]] = {}
    missing: list[tuple[str, str]] = []
    for method, path_shape in operations:
        template = templates.get(path_shape)
        item = document["paths"].get(template, {}) if template else {}
        if method.lower() not in item:
            missing.append((method, path_shape))
            continue
        assert template is not None
        kept = paths.setdefault(
            template, {key: value for key, value in item.items() if key not in METHODS}
        )
        kept[method.lower()] = item[method.lower()]
    cut = {
        "openapi": document["openapi"],
        "info": document["info"],
        "paths": dict(sorted(paths.items())),
        "components": _components(document, paths),
    }
    return cut, missing


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print(__doc__)
        return 2
    source = argv[2] if len(argv) == 3 else default_source()
    cut, missing = subset(read(source), served_routes().api)
    if missing:
        print(f"{source} lacks what the emulator serves; nothing written:")
        for method, path_shape in missing:
            print(f"  {method} {path_shape}")
        return 1
    cut = {
        "x-recorded": {
            "logto": argv[1],
            "source": source,
            "recorded": datetime.date.today().isoformat(),
            "by": "python -m tests.emulator.conformance.record",
        },
        **cut,
    }
    SUBSET.write_text(json.dumps(cut, indent=1, ensure_ascii=False) + "\n")
    operations = sum(len(item) for item in cut["paths"].values())
    print(f"{operations} operations written to {SUBSET}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
