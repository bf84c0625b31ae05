"""The organizations a user belongs to and the user's roles there, read-only
(``routes/admin-user/organization.ts``, ``routes/organization/user/role-relations.ts``).
Membership is the organization admin's business: nothing here changes it."""

from __future__ import annotations

from account_center.logto.access_models import OrganizationRole, UserOrganization
from account_center.logto.transport import Transport, _segment, _typed


class Organizations(Transport):
    # ------------------------------------------------------------------ organizations

    def list_user_organizations(self, user_id: str) -> list[UserOrganization]:
        """Every organization of the user (Logto does not page it), each with the user's role
        names. 404 ``entity.not_found`` for an unknown user."""
        data = self._request("GET", self._user_path(user_id, "organizations"), shape="list")
        return _typed(lambda: [UserOrganization.from_api(item) for item in data])

    def list_organization_user_roles(
        self, organization_id: str, user_id: str
    ) -> list[OrganizationRole]:
        """The user's roles in one organization, with the tenant's descriptions. 422
        ``organization.require_membership`` when the user is not a member (or the
        organization does not exist)."""
        path = f"/api/organizations/{_segment(organization_id)}/users/{_segment(user_id)}/roles"
        data = self._request("GET", path, shape="list")
        return _typed(lambda: [OrganizationRole.from_api(item) for item in data])
