"""``manage.py account_center_check``: test the live connection to Logto, one line per check.

1. discovery: ``<LOGTO_ENDPOINT>/oidc/.well-known/openid-configuration`` answers, with an issuer.
2. web app: Logto accepts ``LOGTO_APP_ID``/``LOGTO_APP_SECRET`` (see
   ``LogtoClient.probe_client_credentials``: no token is issued either way).
3. M2M token: ``LOGTO_M2M_APP_ID``/``LOGTO_M2M_APP_SECRET`` obtain a Management API token.
4. Management API: one read (the connector list) succeeds with that token.
5. webhooks: a hook in Logto signs with ``ACCOUNT_CENTER_WEBHOOK_SIGNING_KEY``, is enabled and
   sends the three user events the site acts on (``GET /api/hooks``). Webhooks are optional: with
   no signing key set this line is a note, not a failure.

Prints ``OK``/``FAIL`` and a reason, never a secret or token; exits 1 if anything failed.
"""

from __future__ import annotations

import hmac
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ...conf.app_settings import app_settings
from ...flows import gateway_check
from ...logto.client import LogtoClient
from ...logto.errors import LogtoAuthenticationError, LogtoError
from ...webhooks import EVENTS as WEBHOOK_EVENTS

# OAuth errors that prove the client authenticated and only the grant was refused.
_AUTHENTICATED_ERRORS = frozenset(
    {
        "unauthorized_client",
        "unsupported_grant_type",
        "invalid_grant",
        "invalid_scope",
        "invalid_target",
        "invalid_request",
    }
)


class Command(BaseCommand):
    help = _("Check that Logto is reachable and accepts this site's credentials.")

    def handle(self, *args: Any, **options: Any) -> None:
        self.failures = 0
        try:
            # A fresh client: the check must not be answered from a cached document or token.
            client = LogtoClient.from_settings()
        except LogtoError as exc:
            self._line(False, "configuration", str(exc))
            raise CommandError(_("1 check failed.")) from exc

        document = self._discovery(client)
        if document is not None:
            self._web_app(client)
        else:
            self._line(False, "web app", _("skipped: no discovery document"))
        if app_settings.LOGTO_M2M_APP_ID or app_settings.LOGTO_GATEWAY == "management":
            m2m_ok = self._m2m(client)
            if m2m_ok and self._management_api(client):
                self._webhooks(client)
            elif not m2m_ok:
                self._line(False, "management API", _("skipped: no M2M token"))
        else:
            # The Account API carries the user's own changes; what needs M2M is Off.
            self._line(None, "M2M token", _("none set: only the Account API is used"))
        for ok, name, reason in gateway_check.lines():
            self._line(ok, name, reason)
        client.session.close()
        if self.failures:
            raise CommandError(_("%(count)d check(s) failed.") % {"count": self.failures})
        self.stdout.write(_("All checks passed."))

    def _line(self, ok: bool | None, name: str, reason: str) -> None:
        """``ok`` None: a note (something optional is not set up), not a failure."""
        if ok is False:
            self.failures += 1
        status = {
            True: self.style.SUCCESS("OK  "),
            False: self.style.ERROR("FAIL"),
            None: self.style.WARNING("NOTE"),
        }[ok]
        self.stdout.write(f"{status} {name}: {reason}")

    def _discovery(self, client: Any) -> dict[str, Any] | None:
        try:
            document = client.discovery()
        except LogtoError as exc:
            self._line(
                False,
                "discovery",
                _("%(endpoint)s: %(error)s")
                % {"endpoint": app_settings.LOGTO_ENDPOINT, "error": exc},
            )
            return None
        missing = [
            k
            for k in ("issuer", "token_endpoint", "jwks_uri", "authorization_endpoint")
            if not document.get(k)
        ]
        if missing:
            self._line(
                False, "discovery", _("document lacks %(keys)s") % {"keys": ", ".join(missing)}
            )
            return None
        self._line(True, "discovery", _("issuer %(issuer)s") % {"issuer": document["issuer"]})
        return document

    def _web_app(self, client: Any) -> None:
        app_id = app_settings.LOGTO_APP_ID
        if not app_id or not app_settings.LOGTO_APP_SECRET:
            self._line(False, "web app", _("LOGTO_APP_ID and LOGTO_APP_SECRET must be set"))
            return
        try:
            answer = client.probe_client_credentials(app_id, app_settings.LOGTO_APP_SECRET)
        except LogtoError as exc:
            self._line(
                False, "web app", _("token endpoint unreachable (%(error)s)") % {"error": exc}
            )
            return
        if answer.status == 200:
            # Accepted (a web app that may also use client_credentials): certainly authenticated.
            self._line(True, "web app", _("%(app_id)s accepted") % {"app_id": app_id})
        elif answer.error == "invalid_client" or answer.status == 401:
            self._line(
                False,
                "web app",
                _(
                    "Logto refused the credentials of %(app_id)s (invalid_client): check "
                    "LOGTO_APP_ID and LOGTO_APP_SECRET"
                )
                % {"app_id": app_id},
            )
        elif answer.status >= 500:
            self._line(
                False,
                "web app",
                _("token endpoint answered %(status)d") % {"status": answer.status},
            )
        elif answer.error in _AUTHENTICATED_ERRORS:
            self._line(
                True,
                "web app",
                _(
                    "%(app_id)s authenticated (Logto answered %(error)s "
                    "to a probe grant, as expected)"
                )
                % {"app_id": app_id, "error": answer.error},
            )
        else:
            self._line(
                False,
                "web app",
                _("unexpected answer %(status)d %(error)s")
                % {"status": answer.status, "error": answer.error or "-"},
            )

    def _m2m(self, client: Any) -> bool:
        try:
            client.get_access_token(force_refresh=True)
        except LogtoAuthenticationError as exc:
            self._line(
                False,
                "M2M token",
                _(
                    "Logto refused %(app_id)s (%(code)s): check LOGTO_M2M_APP_ID, "
                    "LOGTO_M2M_APP_SECRET and LOGTO_MANAGEMENT_API_RESOURCE"
                )
                % {"app_id": app_settings.LOGTO_M2M_APP_ID, "code": exc.code or exc.status},
            )
            return False
        except LogtoError as exc:
            self._line(False, "M2M token", str(exc))
            return False
        self._line(
            True,
            "M2M token",
            _("obtained for %(resource)s")
            % {"resource": app_settings.LOGTO_MANAGEMENT_API_RESOURCE},
        )
        return True

    def _management_api(self, client: Any) -> bool:
        try:
            connectors = client.list_connectors()
        except LogtoError as exc:
            self._line(
                False,
                "management API",
                _(
                    "GET /api/connectors failed: %(error)s (does the M2M app have the "
                    "Management API access role?)"
                )
                % {"error": exc},
            )
            return False
        self._line(
            True, "management API", _("%(count)d connector(s) listed") % {"count": len(connectors)}
        )
        return True

    def _webhooks(self, client: Any) -> None:
        key = app_settings.WEBHOOK_SIGNING_KEY
        if not key:
            self._line(
                None,
                "webhooks",
                _(
                    "ACCOUNT_CENTER_WEBHOOK_SIGNING_KEY is not set: changes made in Logto itself "
                    "reach this site only when its cached reads expire"
                ),
            )
            return
        try:
            hooks = client.list_hooks()
        except LogtoError as exc:
            self._line(False, "webhooks", _("GET /api/hooks failed: %(error)s") % {"error": exc})
            return
        # Compared in constant time, and never printed: the key is a secret.
        ours = [hook for hook in hooks if hmac.compare_digest(hook.signing_key, key)]
        if not ours:
            self._line(
                False,
                "webhooks",
                _(
                    "none of the %(count)d webhook(s) in Logto signs with "
                    "ACCOUNT_CENTER_WEBHOOK_SIGNING_KEY: create one as the documentation's "
                    "\"Make Logto's console ready\" says (docs/logto-console.md, Webhooks)"
                )
                % {"count": len(hooks)},
            )
            return
        hook = next((hook for hook in ours if hook.enabled), ours[0])
        missing = [event for event in WEBHOOK_EVENTS if event not in hook.events]
        if not hook.enabled:
            self._line(False, "webhooks", _("%(name)s is disabled") % {"name": hook.name})
        elif missing:
            self._line(
                False,
                "webhooks",
                _("%(name)s does not send %(events)s")
                % {"name": hook.name, "events": ", ".join(missing)},
            )
        else:
            self._line(
                True,
                "webhooks",
                _("%(name)s sends the user events to %(url)s")
                % {"name": hook.name, "url": hook.url},
            )
