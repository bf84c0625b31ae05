"""The recorded subset of Logto's OpenAPI document, and the check of an answer against it."""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

import requests
from openapi_schema_validator import OAS30Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from tests.emulator.conformance.record import SUBSET

SPEC_URI = "urn:logto:openapi-subset"


@cache
def recorded() -> dict[str, Any]:
    """The subset as recorded: Logto's text, untouched."""
    return dict(json.loads(SUBSET.read_text()))


@cache
def _spec() -> dict[str, Any]:
    return dict(as_logto_means_it(recorded()))


def as_logto_means_it(node: Any) -> Any:
    """Three things Logto's generator writes that a validator reads otherwise.

    A zod literal is ``{"type": "string", "format": "\"Password\""}``. Validators ignore unknown
    formats, so ``oneOf`` branches that differ only by such a literal would all match; read the
    literal as the one-value enum it means.

    A nullable zod enum is ``{"type": "string", "enum": [...], "nullable": true}`` without null in
    the enum, which OpenAPI 3.0.3 reads as "never null"; a real Logto answers null there (a hook's
    ``event``: tests/contract/differential/recorded), so read null into the enum.

    A pattern is a JavaScript regex literal, ``/^#[\\da-f]{3}([\\da-f]{3})?$/i``, slashes and flags
    included, which matches no value as a pattern; read the regex it writes."""
    if isinstance(node, list):
        return [as_logto_means_it(item) for item in node]
    if not isinstance(node, dict):
        return node
    result = {key: as_logto_means_it(value) for key, value in node.items()}
    literal_regex = re.fullmatch(r"/(.*)/([a-z]*)", str(result.get("pattern", "")), re.DOTALL)
    if literal_regex is not None:
        body, flags = literal_regex.groups()
        # JavaScript's i, m and s mean what Python's do; others (g, u, y) change no match.
        inline = "".join(flag for flag in flags if flag in "ims")
        result["pattern"] = f"(?{inline}){body}" if inline else body
    if result.get("nullable") is True and isinstance(result.get("enum"), list):
        if None not in result["enum"]:
            result["enum"] = [*result["enum"], None]
    literal = result.get("format")
    if (
        isinstance(literal, str)
        and len(literal) >= 2
        and literal[0] == literal[-1] == '"'
        and "enum" not in result
    ):
        result["enum"] = [literal[1:-1]]
    return result


def _pointer(*parts: str) -> str:
    return "/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def assert_conforms(response: requests.Response, method: str, template: str) -> None:
    """The status is one the document lists for this operation, and a JSON body fits its schema
    (where the document gives one: some answers are documented as JSON of no stated shape)."""
    spec = _spec()
    operation = spec["paths"][template][method.lower()]
    status = str(response.status_code)
    assert status in operation["responses"], (
        f"{method} {template} answered {status}, documented: {sorted(operation['responses'])}"
    )
    content = operation["responses"][status].get("content", {}).get("application/json")
    if content is None or "schema" not in content:
        return
    registry: Registry = Registry().with_resource(
        SPEC_URI, Resource(contents=spec, specification=DRAFT4)
    )
    pointer = _pointer(
        "paths", template, method.lower(), "responses", status, "content", "application/json",
        "schema",
    )
    validator = OAS30Validator({"$ref": f"{SPEC_URI}#{pointer}"}, registry=registry)
    errors = sorted(validator.iter_errors(response.json()), key=lambda e: list(e.path))
    assert not errors, f"{method} {template}: " + "; ".join(
        f"{list(e.path)}: {e.message}" for e in errors[:5]
    )
