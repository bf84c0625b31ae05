"""The applications a user authorised (their grants) and what the tenant says about each
application (``routes/admin-user/grants.ts``, ``routes/applications/``).

A grant names its application by id and name only (``{"grants": [{"id", "payload",
"expiresAt", "application": {"id", "name"}}]}``); whether it is third-party, its type and its
logo need the application's own reads, kept tenant-wide in the read cache.
"""

from __future__ import annotations

from account_center.logto import read_cache
from account_center.logto.access_models import ApplicationBranding, LogtoApplication
from account_center.logto.account_models import AppGrant
from account_center.logto.errors import LogtoNotFound, LogtoUnavailable
from account_center.logto.transport import Transport, _segment, _typed

APP_TYPES = ("firstParty", "thirdParty")


class Grants(Transport):
    # ------------------------------------------------------------------ grants

    def list_grants(self, user_id: str, *, app_type: str | None = None) -> list[AppGrant]:
        """The user's active grants; ``app_type`` (``"firstParty"``, ``"thirdParty"``) keeps one
        kind. An unknown user has none (200, as Logto answers). A token exchange leaves a grant
        of the exchanging application here too, for as long as a consent (180 days on Logto)."""
        if app_type is not None and app_type not in APP_TYPES:
            raise ValueError(f"app_type must be one of {APP_TYPES}")
        data = self._request(
            "GET",
            self._user_path(user_id, "grants"),
            params={"appType": app_type} if app_type else None,
            shape="object",
        )
        grants = data.get("grants")
        if not isinstance(grants, list) or not all(isinstance(item, dict) for item in grants):
            raise LogtoUnavailable("Logto's answer was not what Logto sends.")
        return _typed(lambda: [AppGrant.from_api(item) for item in grants])

    def revoke_grant(self, user_id: str, grant_id: str) -> None:
        """Revoke a grant and every token issued under it; Logto also removes it from the
        session that holds it. 404 ``oidc.invalid_grant`` when it is gone or someone else's."""
        self._request("DELETE", self._user_path(user_id, "grants", _segment(grant_id)))

    # ------------------------------------------------------------------ applications

    def get_application(self, application_id: str) -> LogtoApplication:
        """One application; 404 ``entity.not_exists_with_id`` when it does not exist (a grant of
        a client-ID-metadata-document client names a URL, which has no application)."""
        data = self._request(
            "GET", f"/api/applications/{_segment(application_id)}", shape="object"
        )
        return _typed(lambda: LogtoApplication.from_api(data))

    def get_application_branding(self, application_id: str) -> ApplicationBranding | None:
        """The name and logo a third-party application shows on Logto's consent page; ``None``
        when the tenant set none (404 ``entity.not_exists_with_id``, kept like an answer) or the
        application is gone."""
        path = f"/api/applications/{_segment(application_id)}/sign-in-experience"
        key, kept = read_cache.lookup(path, None)
        if kept is read_cache.MISS:
            try:
                kept = self._request("GET", path, shape="object")
            except LogtoNotFound as error:
                if not error.code:
                    raise
                kept = {}
            read_cache.store(key, kept, path)
        data = kept
        if not data:
            return None
        return _typed(lambda: ApplicationBranding.from_api(data))
