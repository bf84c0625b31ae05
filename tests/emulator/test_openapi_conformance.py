"""Each operation the emulator serves answers what Logto's OpenAPI document says, and has a case
that shows it.

The document is the subset of a live Logto's ``/api/swagger.json`` for the routes the emulator
serves, recorded into the project (tests/emulator/conformance/logto-openapi-subset.json, by
``python -m tests.emulator.conformance.record``), so these tests run on every checkout. A new
emulator route fails here until it has a case (tests/emulator/conformance/*_cases.py) and the
subset has its operation (re-record). The routes of Logto's development features come from the
same build's document with those features on, and only they (record.py).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from openapi_schema_validator import OAS30Validator

from logto_emulator.server import EmulatorServer
from tests.emulator.conformance import account_cases, management_cases  # noqa: F401  (their cases)
from tests.emulator.conformance.cases import CASES, Context
from tests.emulator.conformance.document import as_logto_means_it, assert_conforms, recorded
from tests.emulator.conformance.record import METHODS, cut_for, documented, merge, subset
from tests.emulator.conformance.served import ServedRoutes, served_routes, shape
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
    # koa-router's answer when no route matched (a wrong path, or a development feature's route
    # on a production build): several operations document a 404, but not this one's.
    assert (response.status_code, response.text) != (404, "Not Found"), "the route was not found"
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
    return documented(recorded())


def test_the_recorded_subset_covers_exactly_the_routes_the_emulator_serves() -> None:
    served = set(served_routes().api)
    missing = sorted(served - _documented())
    assert not missing, f"the subset lacks {missing}: {RE_RECORD}"
    stale = sorted(_documented() - served)
    assert not stale, f"the subset has operations the emulator does not serve {stale}: {RE_RECORD}"


DEV_FEATURE_TAG = "Dev feature"  # how Logto's generator tags an operation of its dev features


def test_the_development_features_operations_are_those_the_emulator_marks_so() -> None:
    """Logto's own tag says which operations a production build lacks: exactly those the
    emulator serves only with ``configure_dev_features`` (``@route(..., dev_feature=True)``), and
    those the recorder took from the development features' document."""
    tagged = {
        (method.upper(), shape(template))
        for template, item in recorded()["paths"].items()
        for method, operation in item.items()
        if method in METHODS and DEV_FEATURE_TAG in operation.get("tags", [])
    }
    marked = set(served_routes().dev_features)
    assert marked, "no development feature left: drop this test and record.py's --dev-features"
    assert tagged == marked, f"Logto's tag only: {tagged - marked}, marked only: {marked - tagged}"
    taken = recorded()["x-recorded"]["dev-features"]
    assert taken["build"] == "the same build with DEV_FEATURES_ENABLED=1", taken
    assert {
        (method, shape(template))
        for method, template in (operation.split(" ") for operation in taken["operations"])
    } == marked


def _document(paths: dict[str, Any], **schemas: Any) -> dict[str, Any]:
    return {"openapi": "3.0.1", "info": {}, "paths": paths, "components": {"schemas": schemas}}


def _answer(schema: str) -> dict[str, Any]:
    ref = {"$ref": f"#/components/schemas/{schema}"}
    return {"responses": {"200": {"content": {"application/json": {"schema": ref}}}}}


PRODUCTION = _document(
    {"/api/users/{userId}": {"get": _answer("User")}}, User={"type": "object"}
)
DEV_FEATURES = _document(
    {
        "/api/users/{userId}": {"get": _answer("User")},
        "/api/users/{userId}/trusted-devices": {"get": _answer("Device")},
    },
    User={"type": "object"},
    Device={"type": "array"},
)
SERVED = ServedRoutes(
    api=[("GET", "/api/users/{}"), ("GET", "/api/users/{}/trusted-devices")],
    dev_features=[("GET", "/api/users/{}/trusted-devices")],
    unplaced=[],
    any_method=[],
)


def test_the_recorder_takes_the_development_features_from_their_own_document_only() -> None:
    cut, problems = cut_for(SERVED, PRODUCTION, DEV_FEATURES)
    assert problems == []
    assert sorted(cut["paths"]) == ["/api/users/{userId}", "/api/users/{userId}/trusted-devices"]
    assert cut["components"]["schemas"] == {"Device": {"type": "array"}, "User": {"type": "object"}}
    # A production operation is never taken from the development features' document.
    lacking = ServedRoutes([*SERVED.api, ("GET", "/api/me")], SERVED.dev_features, [], [])
    me = {"/api/me": {"get": _answer("User")}}
    with_me = {**DEV_FEATURES, "paths": {**DEV_FEATURES["paths"], **me}}
    _, problems = cut_for(lacking, PRODUCTION, with_me)
    assert problems == ["the document lacks GET /api/me"]


def test_the_recorder_refuses_without_the_development_features_document() -> None:
    _, problems = cut_for(SERVED, PRODUCTION, None)
    assert problems == [
        "GET /api/users/{}/trusted-devices is a development feature: give --dev-features"
    ]
    _, problems = cut_for(SERVED, PRODUCTION, PRODUCTION)
    assert problems == [
        "the development features' document lacks GET /api/users/{}/trusted-devices"
    ]


def test_the_recorder_refuses_a_development_feature_a_production_build_serves() -> None:
    _, problems = cut_for(SERVED, DEV_FEATURES, DEV_FEATURES)
    assert problems == [
        "a production build serves GET /api/users/{}/trusted-devices: the emulator marks it "
        "dev_feature"
    ]


def test_the_recorder_refuses_two_documents_that_differ_on_what_they_share() -> None:
    other = _document(DEV_FEATURES["paths"], User={"type": "string"}, Device={"type": "array"})
    with pytest.raises(ValueError, match="#/components/schemas/User"):
        merge(subset(PRODUCTION, SERVED.api[:1])[0], subset(other, SERVED.api)[0])


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
