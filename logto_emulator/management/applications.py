"""``/api/applications/{id}`` and its ``/sign-in-experience`` (the branding a third-party app
shows on the consent page): read only; applications are made with ``state.add_application``."""

from __future__ import annotations

from typing import Any

from logto_emulator.http import HttpError, Request, Response, json_response
from logto_emulator.management.common import TENANT_ID
from logto_emulator.routes import route
from logto_emulator.state import Application, EmulatorState


def application_json(app: Application) -> dict[str, Any]:
    """As Logto answers ``GET /api/applications/{id}``: no secret (those are ``/secrets``)."""
    oidc_metadata: dict[str, Any] = {}
    if app.type != "MachineToMachine":
        oidc_metadata = {
            "redirectUris": list(app.redirect_uris),
            "postLogoutRedirectUris": list(app.post_logout_redirect_uris),
        }
    return {
        "tenantId": TENANT_ID,
        "id": app.id,
        "name": app.name,
        "description": app.description,
        "type": app.type,
        "oidcClientMetadata": oidc_metadata,
        "customClientMetadata": {"allowTokenExchange": True} if app.allow_token_exchange else {},
        "protectedAppMetadata": None,
        "customData": {},
        "isThirdParty": app.is_third_party,
        "appLevelAccessControlEnabled": False,
        "createdAt": app.created_at,
        "isAdmin": False,
    }


def _application(state: EmulatorState, app_id: str) -> Application:
    app = state.applications.get(app_id)
    if app is None:
        raise HttpError(404, "entity.not_exists_with_id", name="applications", id=app_id)
    return app


@route("GET", r"/api/applications/([^/]+)")
def get_application(state: EmulatorState, request: Request, app_id: str) -> Response:
    return json_response(application_json(_application(state, app_id)))


@route("GET", r"/api/applications/([^/]+)/sign-in-experience")
def get_sign_in_experience(state: EmulatorState, request: Request, app_id: str) -> Response:
    app = _application(state, app_id)
    if app.sign_in_experience is None:
        raise HttpError(
            404, "entity.not_exists_with_id", name="application_sign_in_experiences", id=app_id
        )
    chosen = app.sign_in_experience
    return json_response(
        {
            "tenantId": TENANT_ID,
            "applicationId": app.id,
            "color": chosen.get("color", {}),
            "branding": chosen.get("branding", {}),
            "customCss": chosen.get("customCss"),
            "termsOfUseUrl": chosen.get("termsOfUseUrl"),
            "privacyPolicyUrl": chosen.get("privacyPolicyUrl"),
            "displayName": chosen.get("displayName"),
        }
    )
