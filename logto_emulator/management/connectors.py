"""``/api/connectors``: the tenant's mock connectors and a social connector's authorization URI."""

from __future__ import annotations

from logto_emulator.connectors import connector_json, kind_of
from logto_emulator.http import (
    ABSENT,
    HttpError,
    Request,
    Response,
    guard_error,
    json_response,
    not_found,
    type_issue,
    with_query,
)
from logto_emulator.routes import route
from logto_emulator.state import EmulatorState


def _connector_kind(state: EmulatorState, connector_id: str) -> str:
    kind = kind_of(connector_id)
    if kind is None or kind not in state.connectors:
        raise not_found()
    return kind


@route("GET", r"/api/connectors")
def list_connectors(state: EmulatorState, request: Request) -> Response:
    return json_response([connector_json(kind) for kind in sorted(state.connectors)])


@route("GET", r"/api/connectors/([^/]+)")
def get_connector(state: EmulatorState, request: Request, connector_id: str) -> Response:
    return json_response(connector_json(_connector_kind(state, connector_id)))


@route("POST", r"/api/connectors/([^/]+)/authorization-uri")
def authorization_uri(state: EmulatorState, request: Request, connector_id: str) -> Response:
    body = request.json_object()
    issues = [
        type_issue(key, "string", body[key] if key in body else ABSENT)
        for key in ("state", "redirectUri")
        if not isinstance(body.get(key), str)
    ]
    if issues:
        raise guard_error(*issues)
    if _connector_kind(state, connector_id) != "social":
        raise HttpError(400, "connector.unexpected_type")
    with state.lock:
        state.social_redirect_uris.add(body["redirectUri"])
    return json_response(
        {
            "redirectTo": with_query(
                f"{request.base_url}/mock-social/authorize",
                {
                    "state": body["state"],
                    "redirect_uri": body["redirectUri"],
                    "scope": "email profile",
                },
            )
        }
    )
