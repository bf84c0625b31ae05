"""Each implemented Management API path answers what real Logto's OpenAPI document says.

The document (/work/shared/logto/management-api.openapi.json, Logto 1.42) lives outside the repo:
without it these tests are skipped. It is read, never copied.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pyotp
import pytest
import requests
from openapi_schema_validator import OAS30Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from logto_emulator.server import EmulatorServer
from tests.emulator.conftest import Api

REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC_PATH = REPO_ROOT.parent / "shared" / "logto" / "management-api.openapi.json"
SPEC_URI = "urn:logto:management-api"


@cache
def _spec() -> dict[str, Any]:
    if not SPEC_PATH.exists():
        pytest.skip(f"Logto's OpenAPI document is not at {SPEC_PATH}")
    return dict(_literal_formats_as_enums(json.loads(SPEC_PATH.read_text())))


def _literal_formats_as_enums(node: Any) -> Any:
    """Logto's generator writes a zod literal as ``{"type": "string", "format": "\"Password\""}``.
    Validators ignore unknown formats, so ``oneOf`` branches that differ only by such a literal would
    all match; read the literal as the one-value enum it means."""
    if isinstance(node, list):
        return [_literal_formats_as_enums(item) for item in node]
    if not isinstance(node, dict):
        return node
    result = {key: _literal_formats_as_enums(value) for key, value in node.items()}
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
    """The status is one the document lists for this operation, and a JSON body fits its schema."""
    spec = _spec()
    operation = spec["paths"][template][method.lower()]
    status = str(response.status_code)
    assert status in operation["responses"], (
        f"{method} {template} answered {status}, documented: {sorted(operation['responses'])}"
    )
    content = operation["responses"][status].get("content", {}).get("application/json")
    if content is None:
        return
    registry: Registry = Registry().with_resource(
        SPEC_URI, Resource(contents=spec, specification=DRAFT4)
    )
    pointer = _pointer(
        "paths",
        template,
        method.lower(),
        "responses",
        status,
        "content",
        "application/json",
        "schema",
    )
    validator = OAS30Validator({"$ref": f"{SPEC_URI}#{pointer}"}, registry=registry)
    errors = sorted(validator.iter_errors(response.json()), key=lambda e: list(e.path))
    assert not errors, f"{method} {template}: " + "; ".join(
        f"{list(e.path)}: {e.message}" for e in errors[:5]
    )


Case = Callable[[Api, EmulatorServer, str], tuple[requests.Response, str, str]]


def _demo(emu: EmulatorServer) -> str:
    user = emu.state.find_user_by("username", "demo")
    assert user is not None
    return str(user["id"])


def _signed_in(emu: EmulatorServer) -> None:
    from tests.emulator.test_oidc import _full_sign_in

    _full_sign_in(emu, requests.Session())


CASES: dict[str, Case] = {
    "list users": lambda api, emu, uid: (api("GET", "/api/users"), "GET", "/api/users"),
    "create user": lambda api, emu, uid: (
        api(
            "POST",
            "/api/users",
            json={"username": "carol", "primaryEmail": "c@example.com", "password": "pw"},
        ),
        "POST",
        "/api/users",
    ),
    "get user": lambda api, emu, uid: (
        api("GET", f"/api/users/{uid}", params={"includeSsoIdentities": "true"}),
        "GET",
        "/api/users/{userId}",
    ),
    "update user": lambda api, emu, uid: (
        api("PATCH", f"/api/users/{uid}", json={"name": "New", "primaryPhone": "15551234567"}),
        "PATCH",
        "/api/users/{userId}",
    ),
    "update user collision": lambda api, emu, uid: (
        api(
            "PATCH",
            f"/api/users/{api('POST', '/api/users', json={'username': 'x1'}).json()['id']}",
            json={"username": "demo"},
        ),
        "PATCH",
        "/api/users/{userId}",
    ),
    "delete user": lambda api, emu, uid: (
        api("DELETE", f"/api/users/{uid}"),
        "DELETE",
        "/api/users/{userId}",
    ),
    "update profile": lambda api, emu, uid: (
        api(
            "PATCH",
            f"/api/users/{uid}/profile",
            json={"profile": {"givenName": "A", "address": {"country": "NL"}}},
        ),
        "PATCH",
        "/api/users/{userId}/profile",
    ),
    "get custom data": lambda api, emu, uid: (
        api("GET", f"/api/users/{uid}/custom-data"),
        "GET",
        "/api/users/{userId}/custom-data",
    ),
    "update custom data": lambda api, emu, uid: (
        api("PATCH", f"/api/users/{uid}/custom-data", json={"customData": {"theme": "dark"}}),
        "PATCH",
        "/api/users/{userId}/custom-data",
    ),
    "get logto configs": lambda api, emu, uid: (
        api("GET", f"/api/users/{uid}/logto-configs"),
        "GET",
        "/api/users/{userId}/logto-configs",
    ),
    "update logto configs": lambda api, emu, uid: (
        api(
            "PATCH",
            f"/api/users/{uid}/logto-configs",
            json={"mfa": {"enabled": True}, "passkeySignIn": {"skipped": True}},
        ),
        "PATCH",
        "/api/users/{userId}/logto-configs",
    ),
    "suspend": lambda api, emu, uid: (
        api("PATCH", f"/api/users/{uid}/is-suspended", json={"isSuspended": True}),
        "PATCH",
        "/api/users/{userId}/is-suspended",
    ),
    "has password": lambda api, emu, uid: (
        api("GET", f"/api/users/{uid}/has-password"),
        "GET",
        "/api/users/{userId}/has-password",
    ),
    "verify password": lambda api, emu, uid: (
        api("POST", f"/api/users/{uid}/password/verify", json={"password": "wrong"}),
        "POST",
        "/api/users/{userId}/password/verify",
    ),
    "set password": lambda api, emu, uid: (
        api("PATCH", f"/api/users/{uid}/password", json={"password": "Another-Pass-1"}),
        "PATCH",
        "/api/users/{userId}/password",
    ),
    "check password ok": lambda api, emu, uid: (
        api(
            "POST", "/api/sign-in-exp/default/check-password", json={"password": "Correct-Horse-7"}
        ),
        "POST",
        "/api/sign-in-exp/default/check-password",
    ),
    "check password issues": lambda api, emu, uid: (
        api(
            "POST",
            "/api/sign-in-exp/default/check-password",
            json={"password": "short", "userId": uid},
        ),
        "POST",
        "/api/sign-in-exp/default/check-password",
    ),
    "send code": lambda api, emu, uid: (
        api("POST", "/api/verification-codes", json={"email": "a@example.com"}),
        "POST",
        "/api/verification-codes",
    ),
    "verify code": lambda api, emu, uid: (
        api(
            "POST",
            "/api/verification-codes/verify",
            json={"email": "a@example.com", "verificationCode": "123456"},
        ),
        "POST",
        "/api/verification-codes/verify",
    ),
    # Only the social connector: the document's `platform` enum has no null, yet a real Logto
    # answers null for its email and SMS connectors (tests/contract/differential/recorded).
    "list connectors": lambda api, emu, uid: (
        emu.state.set_connectors(False, "email", "sms") or api("GET", "/api/connectors"),
        "GET",
        "/api/connectors",
    ),
    "get connector": lambda api, emu, uid: (
        api("GET", f"/api/connectors/{emu.state.connector_id('social')}"),
        "GET",
        "/api/connectors/{id}",
    ),
    "authorization uri": lambda api, emu, uid: (
        api(
            "POST",
            f"/api/connectors/{emu.state.connector_id('social')}/authorization-uri",
            json={"state": "s", "redirectUri": "http://127.0.0.1:8000/cb"},
        ),
        "POST",
        "/api/connectors/{connectorId}/authorization-uri",
    ),
    "link identity": lambda api, emu, uid: (
        api(
            "POST",
            f"/api/users/{uid}/identities",
            json={
                "connectorId": emu.state.connector_id("social"),
                "connectorData": {"code": "c", "userId": "s-1"},
            },
        ),
        "POST",
        "/api/users/{userId}/identities",
    ),
    "unlink identity": lambda api, emu, uid: (
        api("DELETE", f"/api/users/{uid}/identities/mock-social"),
        "DELETE",
        "/api/users/{userId}/identities/{target}",
    ),
    "list mfa": lambda api, emu, uid: (
        (
            api("POST", f"/api/users/{uid}/mfa-verifications", json={"type": "Totp"}),
            api("GET", f"/api/users/{uid}/mfa-verifications"),
        )[1],
        "GET",
        "/api/users/{userId}/mfa-verifications",
    ),
    "create totp": lambda api, emu, uid: (
        api(
            "POST",
            f"/api/users/{uid}/mfa-verifications",
            json={"type": "Totp", "secret": pyotp.random_base32()},
        ),
        "POST",
        "/api/users/{userId}/mfa-verifications",
    ),
    "create backup codes": lambda api, emu, uid: (
        (
            api("POST", f"/api/users/{uid}/mfa-verifications", json={"type": "Totp"}),
            api("POST", f"/api/users/{uid}/mfa-verifications", json={"type": "BackupCode"}),
        )[1],
        "POST",
        "/api/users/{userId}/mfa-verifications",
    ),
    "delete mfa": lambda api, emu, uid: (
        api(
            "DELETE",
            f"/api/users/{uid}/mfa-verifications/"
            + (
                api("POST", f"/api/users/{uid}/mfa-verifications", json={"type": "Totp"})
                and api("GET", f"/api/users/{uid}/mfa-verifications").json()[0]["id"]
            ),
        ),
        "DELETE",
        "/api/users/{userId}/mfa-verifications/{verificationId}",
    ),
    "list pats": lambda api, emu, uid: (
        (
            api("POST", f"/api/users/{uid}/personal-access-tokens", json={"name": "a"}),
            api("GET", f"/api/users/{uid}/personal-access-tokens"),
        )[1],
        "GET",
        "/api/users/{userId}/personal-access-tokens",
    ),
    "create pat": lambda api, emu, uid: (
        api(
            "POST",
            f"/api/users/{uid}/personal-access-tokens",
            json={"name": "b", "expiresAt": int(time.time() * 1000) + 60_000},
        ),
        "POST",
        "/api/users/{userId}/personal-access-tokens",
    ),
    "rename pat": lambda api, emu, uid: (
        (
            api("POST", f"/api/users/{uid}/personal-access-tokens", json={"name": "c"}),
            api(
                "PATCH",
                f"/api/users/{uid}/personal-access-tokens",
                json={"currentName": "c", "name": "d"},
            ),
        )[1],
        "PATCH",
        "/api/users/{userId}/personal-access-tokens",
    ),
    "delete pat": lambda api, emu, uid: (
        (
            api("POST", f"/api/users/{uid}/personal-access-tokens", json={"name": "e"}),
            api("POST", f"/api/users/{uid}/personal-access-tokens/delete", json={"name": "e"}),
        )[1],
        "POST",
        "/api/users/{userId}/personal-access-tokens/delete",
    ),
    "delete pat legacy": lambda api, emu, uid: (
        (
            api("POST", f"/api/users/{uid}/personal-access-tokens", json={"name": "f"}),
            api("DELETE", f"/api/users/{uid}/personal-access-tokens/f"),
        )[1],
        "DELETE",
        "/api/users/{userId}/personal-access-tokens/{name}",
    ),
    "list sessions": lambda api, emu, uid: (
        (_signed_in(emu), api("GET", f"/api/users/{uid}/sessions"))[1],
        "GET",
        "/api/users/{userId}/sessions",
    ),
    "get session": lambda api, emu, uid: (
        (
            _signed_in(emu),
            api("GET", f"/api/users/{uid}/sessions/{emu.state.active_sessions(uid)[0]['uid']}"),
        )[1],
        "GET",
        "/api/users/{userId}/sessions/{sessionId}",
    ),
    "revoke session": lambda api, emu, uid: (
        (
            _signed_in(emu),
            api("DELETE", f"/api/users/{uid}/sessions/{emu.state.active_sessions(uid)[0]['uid']}"),
        )[1],
        "DELETE",
        "/api/users/{userId}/sessions/{sessionId}",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_response_conforms_to_logto_openapi(
    name: str, api: Api, logto_emulator: EmulatorServer
) -> None:
    _spec()
    response, method, template = CASES[name](api, logto_emulator, _demo(logto_emulator))
    assert response.status_code < 500, response.text
    assert_conforms(response, method, template)


def test_the_checker_catches_a_wrong_payload() -> None:
    """Guard against a validator that accepts anything (e.g. an unresolved $ref)."""
    _spec()
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
