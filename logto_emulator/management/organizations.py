"""A user's organizations and roles, read only (``routes/admin-user/organization.ts``,
``routes/organization/user/role-relations.ts``). Organizations, roles and members are made with
``state.add_organization``, ``add_organization_role`` and ``add_organization_member``: the
emulator serves none of Logto's routes that change them."""

from __future__ import annotations

from typing import Any

from logto_emulator.http import HttpError, Request, Response, json_response
from logto_emulator.management.common import _user
from logto_emulator.management.trusted_devices import paged
from logto_emulator.routes import route
from logto_emulator.state import EmulatorState


def organization_json(state: EmulatorState, organization: dict[str, Any]) -> dict[str, Any]:
    data = dict(organization)
    if state.dev_features:
        # Hidden from the answer by a production build (organizationHiddenFields).
        data.setdefault("isTrustedDeviceAllowed", True)
    return data


@route("GET", r"/api/users/([^/]+)/organizations")
def list_user_organizations(state: EmulatorState, request: Request, user_id: str) -> Response:
    _user(state, user_id)
    answer = []
    for organization_id, members in state.organization_members.items():
        if user_id not in members:
            continue
        roles = [state.organization_roles[r] for r in members[user_id]]
        answer.append(
            {
                **organization_json(state, state.organizations[organization_id]),
                "organizationRoles": [{"id": r["id"], "name": r["name"]} for r in roles],
            }
        )
    return json_response(answer)


@route("GET", r"/api/organizations/([^/]+)/users/([^/]+)/roles")
def list_member_roles(
    state: EmulatorState, request: Request, organization_id: str, user_id: str
) -> Response:
    members = state.organization_members.get(organization_id, {})
    if user_id not in members:
        # Also for an organization that does not exist: membership is all Logto checks.
        raise HttpError(422, "organization.require_membership")
    roles = [dict(state.organization_roles[r]) for r in members[user_id]]
    if "page" in request.query or "page_size" in request.query:
        return paged(request, roles)
    return json_response(roles)
