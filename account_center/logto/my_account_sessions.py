"""The signed-in user's own sessions and application grants through the Account API
(``routes/account/sessions.ts``, ``grants.ts``).

Reads need more than the other Account API reads: proof of identity (``verification_id``, even to
list), the ``session`` field ReadOnly or Edit (Edit to revoke), and the token's
``urn:logto:scope:sessions`` scope.
"""

from __future__ import annotations

from account_center.logto.account_models import AccountSession, AppGrant
from account_center.logto.errors import LogtoUnavailable
from account_center.logto.transport import Transport, _segment, _typed
from account_center.logto.user_token import UserTokenProvider


def _items(data: dict[str, object], key: str) -> list[dict[str, object]]:
    items = data.get(key)
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise LogtoUnavailable("Logto's answer was not what Logto sends.")
    return items


class MyAccountSessions(Transport):
    # ------------------------------------------------------------------ sessions and grants

    def list_own_sessions(
        self, user: UserTokenProvider, *, verification_id: str
    ) -> list[AccountSession]:
        """The user's active sessions; ``is_current`` marks the one the token belongs to."""
        data = self._user_request(
            user,
            "GET",
            "/api/my-account/sessions",
            verification_id=verification_id,
            shape="object",
        )
        sessions = _items(data, "sessions")
        return _typed(lambda: [AccountSession.from_api(item) for item in sessions])

    def revoke_own_session(
        self,
        user: UserTokenProvider,
        session_uid: str,
        *,
        verification_id: str,
        revoke_grants_target: str | None = None,
    ) -> None:
        """End a session; ``revoke_grants_target`` (``"all"`` or ``"firstParty"``) also revokes
        its applications' grants. 404 ``oidc.session_not_found`` when it is gone."""
        params = {"revokeGrantsTarget": revoke_grants_target} if revoke_grants_target else None
        self._user_request(
            user,
            "DELETE",
            f"/api/my-account/sessions/{_segment(session_uid)}",
            params=params,
            verification_id=verification_id,
        )

    def list_own_grants(
        self, user: UserTokenProvider, *, verification_id: str, app_type: str | None = None
    ) -> list[AppGrant]:
        """The applications the user has authorized; ``app_type`` is ``"firstParty"`` or
        ``"thirdParty"`` to keep one kind."""
        data = self._user_request(
            user,
            "GET",
            "/api/my-account/grants",
            params={"appType": app_type} if app_type else None,
            verification_id=verification_id,
            shape="object",
        )
        grants = _items(data, "grants")
        return _typed(lambda: [AppGrant.from_api(item) for item in grants])

    def revoke_own_grant(
        self, user: UserTokenProvider, grant_id: str, *, verification_id: str
    ) -> None:
        self._user_request(
            user,
            "DELETE",
            f"/api/my-account/grants/{_segment(grant_id)}",
            verification_id=verification_id,
        )
