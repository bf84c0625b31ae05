"""The user's OIDC sessions at Logto (recent Logto versions only)."""

from __future__ import annotations

from account_center.logto import unsupported
from account_center.logto.errors import LogtoUnavailable
from account_center.logto.models import LogtoSession
from account_center.logto.transport import Transport, _segment, _typed


class Sessions(Transport):
    # ------------------------------------------------------------------ sessions

    def list_sessions(self, user_id: str) -> list[LogtoSession]:
        """The user's OIDC sessions. Older Logto has no such route: :class:`LogtoUnsupported`
        (a :class:`LogtoNotFound` without a code), remembered as
        ``unsupported.known("sessions")``."""
        path = self._user_path(user_id, "sessions")
        with unsupported.probing(unsupported.SESSIONS):
            data = self._request("GET", path, shape="object")
        sessions = data.get("sessions", [])
        if not isinstance(sessions, list) or not all(isinstance(item, dict) for item in sessions):
            raise LogtoUnavailable("Logto's answer was not what Logto sends.")
        return _typed(lambda: [LogtoSession.from_api(item) for item in sessions])

    def revoke_session(
        self, user_id: str, session_uid: str, *, revoke_grants_target: str | None = None
    ) -> None:
        """End a session; ``revoke_grants_target`` is ``"all"`` or ``"firstParty"``."""
        params = {"revokeGrantsTarget": revoke_grants_target} if revoke_grants_target else None
        self._request(
            "DELETE", self._user_path(user_id, "sessions", _segment(session_uid)), params=params
        )
