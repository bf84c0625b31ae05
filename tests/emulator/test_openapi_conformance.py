"""Each operation the emulator serves answers what Logto's OpenAPI document says, and has a case
that shows it.

The document is the subset of a live Logto's ``/api/swagger.json`` for the routes the emulator
serves, recorded into the project (tests/emulator/conformance/logto-openapi-subset.json, by
``python -m tests.emulator.conformance.record``), so these tests run on every checkout. A new
emulator route fails here until it has a case (tests/emulator/conformance/*_cases.py) and the
subset has its operation (re-record).
"""

from __future__ import annotations

import json

import pytest
import requests
from openapi_schema_validator import OAS30Validator

from logto_emulator.server import EmulatorServer
from tests.emulator.conformance import account_cases, management_cases  # noqa: F401  (their cases)
from tests.emulator.conformance.cases import CASES, Context
from tests.emulator.conformance.document import as_logto_means_it, assert_conforms, recorded
from tests.emulator.conformance.record import METHODS, subset
from tests.emulator.conformance.served import served_routes, shape
from tests.emulator.conftest import Api

RE_RECORD = (
    'record the subset again: python -m tests.emulator.conformance.record "<which Logto>" '
    "(CONTRIBUTING.md, \"The emulator's OpenAPI subset\")"
)


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_answer_conforms_to_logtos_openapi(
    name: str, api: Api, logto_emulator: EmulatorServer
) -> None:
    chosen = CASES[name]
    response = chosen.run(Context(api, logto_emulator))
    assert response.status_code < 500, response.text
    assert_conforms(response, chosen.method, chosen.template)


def test_every_route_the_emulator_serves_has_a_conformance_case() -> None:
    covered = {(chosen.method, shape(chosen.template)) for chosen in CASES.values()}
    missing = [
        f"{method} {path}"
        for method, path in served_routes().api
        if (method, path) not in covered
    ]
    assert not missing, (
        "no conformance case in tests/emulator/conformance/*_cases.py for: " + ", ".join(missing)
    )


def test_every_route_outside_the_api_is_placed_on_purpose() -> None:
    served = served_routes()
    assert not served.unplaced, (
        f"routes outside /api that served.OUT_OF_SCOPE does not place: {served.unplaced}; say why "
        "the OpenAPI document does not describe them, or serve them under /api"
    )
    assert not served.any_method, (
        f"API routes that take any method (no case or document can name one): {served.any_method}"
    )


def _documented() -> set[tuple[str, str]]:
    return {
        (method.upper(), shape(template))
        for template, item in recorded()["paths"].items()
        for method in item
        if method in METHODS
    }


def test_the_recorded_subset_covers_exactly_the_routes_the_emulator_serves() -> None:
    served = set(served_routes().api)
    missing = sorted(served - _documented())
    assert not missing, f"the subset lacks {missing}: {RE_RECORD}"
    stale = sorted(_documented() - served)
    assert not stale, f"the subset has operations the emulator does not serve {stale}: {RE_RECORD}"


def test_every_case_names_an_operation_as_the_document_writes_it() -> None:
    paths = recorded()["paths"]
    wrong = [
        f"{name}: {chosen.method} {chosen.template}"
        for name, chosen in CASES.items()
        if chosen.method.lower() not in paths.get(chosen.template, {})
    ]
    assert not wrong, wrong


def test_the_recorded_subset_says_where_it_came_from() -> None:
    origin = recorded()["x-recorded"]
    assert origin["logto"] and origin["source"].endswith("swagger.json"), origin
    assert origin["recorded"] >= "2026-01-01", origin


def test_the_recorder_keeps_the_routes_and_what_they_reach_only() -> None:
    ref = {"$ref": "#/components/schemas/User"}
    document = {
        "openapi": "3.0.1",
        "info": {"title": "t"},
        "paths": {
            "/api/users/{userId}": {
                "parameters": [{"$ref": "#/components/parameters/userId"}],
                "get": {"responses": {"200": {"content": {"application/json": {"schema": ref}}}}},
                "delete": {"responses": {"204": {}}},
            },
            "/api/roles": {"get": {"responses": {"200": {}}}},
        },
        "components": {
            "schemas": {
                "User": {"properties": {"identity": {"$ref": "#/components/schemas/Identity"}}},
                "Identity": {"type": "object"},
                "Role": {"type": "object"},
            },
            "parameters": {"userId": {"name": "userId", "in": "path"}},
        },
    }
    cut, missing = subset(document, [("GET", "/api/users/{}"), ("POST", "/api/users")])
    assert missing == [("POST", "/api/users")]
    assert list(cut["paths"]) == ["/api/users/{userId}"]
    assert sorted(cut["paths"]["/api/users/{userId}"]) == ["get", "parameters"]
    assert cut["components"] == {
        "parameters": document["components"]["parameters"],
        "schemas": {
            "Identity": {"type": "object"},
            "User": document["components"]["schemas"]["User"],
        },
    }


def test_the_checker_catches_a_wrong_payload() -> None:
    """Guard against a validator that accepts anything (e.g. an unresolved $ref)."""
    wrong = requests.Response()
    wrong.status_code = 200
    wrong._content = json.dumps({"hasPassword": "yes"}).encode()
    with pytest.raises(AssertionError):
        assert_conforms(wrong, "GET", "/api/users/{userId}/has-password")
    missing = requests.Response()
    missing.status_code = 200
    missing._content = json.dumps({"id": "x"}).encode()
    with pytest.raises(AssertionError):
        assert_conforms(missing, "GET", "/api/users/{userId}")
    undocumented = requests.Response()
    undocumented.status_code = 418
    with pytest.raises(AssertionError):
        assert_conforms(undocumented, "GET", "/api/my-account")


@pytest.mark.parametrize(
    ("schema", "good", "bad"),
    [
        ({"type": "string", "format": '"Totp"'}, "Totp", "BackupCode"),
        ({"type": "string", "enum": ["User.Deleted"], "nullable": True}, None, "Role.Created"),
        ({"type": "string", "pattern": "/^#[\\da-f]{3}([\\da-f]{3})?$/i"}, "#6139F6", "#6139G6"),
        ({"type": "string", "pattern": "/^\\d+$/"}, "123", "12a"),
    ],
)
def test_the_generators_writing_is_read_as_logto_means_it(
    schema: dict[str, object], good: object, bad: object
) -> None:
    validator = OAS30Validator(as_logto_means_it(schema))
    assert validator.is_valid(good) and not validator.is_valid(bad)
