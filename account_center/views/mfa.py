"""Two-step verification page: authenticator app, backup codes, passkeys and the user's switches.

Each part is a section swapped in place with htmx; without JavaScript the same URLs answer with
the whole page. Backup codes are shown in the answer to the POST that made them and never again,
so that answer is never cached and never redirected through the session.
"""

from __future__ import annotations

from typing import Any

import segno
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters

from ..conf.app_settings import app_settings
from ..forms.mfa import PasskeyCredentialForm, PasskeyNameForm, TotpCodeForm
from ..flows import mfa, passkeys, reads
from ..flows.errors import FlowError
from ..flows.messages import UNAVAILABLE
from ..parallel_reads import concurrently
from ..secret_text import SecretText
from .base import AccountView

PAGE = "account_center/mfa.html"
APP = "account_center/partials/mfa_app.html"
BACKUP = "account_center/partials/mfa_backup.html"
PASSKEYS = "account_center/partials/mfa_passkeys.html"
SETTINGS = "account_center/partials/mfa_settings.html"
SECTIONS = (SETTINGS, APP, BACKUP, PASSKEYS)
# A changed section, with the others after it out of band.
CHANGED = "account_center/partials/mfa_changed.html"
UNAVAILABLE_PARTIAL = "account_center/partials/unavailable.html"
SAVED = _("Saved.")


def grouped(secret: str, size: int = 4) -> str:
    """``ABCD EFGH ...``: easier to read and type than one long run of letters."""
    return " ".join(secret[i : i + size] for i in range(0, len(secret), size))


def qr_svg(uri: SecretText, title: str) -> str:
    """The QR code as inline SVG made on the server: no JavaScript, no image request."""
    return segno.make(str(uri), error="m").svg_inline(
        scale=4, dark="#000", light="#fff", title=title, svgclass="ac-qr"
    )


class MfaView(AccountView):
    """The page, and the base of its sections (each answers GET with the whole page)."""

    section = "mfa"
    page_title = _("Two-step verification")
    section_page = PAGE
    # An authenticator app and backup codes are "mfa"; passkeys are their own feature.
    feature_names: tuple[str, ...] = ("mfa", "passkeys")

    def section_context(self, partial: str, status: int, extra: dict[str, Any]) -> dict[str, Any]:
        """Every section from fresh Logto reads (one answer may carry them all)."""
        context = self.or_none(lambda: self._page_context(**extra))
        if context is None:
            # Said in place of the section; the whole page says it without JavaScript.
            return {
                "partial": UNAVAILABLE_PARTIAL if partial else "",
                "target_id": extra.get("target_id", "ac-two-step"),
                "unavailable": UNAVAILABLE,
            }
        return context

    def _page_context(self, **overrides: Any) -> dict[str, Any]:
        factors, configs = concurrently(
            (reads.mfa_factors, self.sub),
            (reads.mfa_configs, self.sub),
        )
        rename = self.request.GET.get("rename", "")[:128]
        named = next((f.name for f in factors if f.id == rename), None) or ""
        context: dict[str, Any] = {
            "factors": mfa.Factors.of(factors),
            "settings": mfa.Settings.from_configs(configs),
            "totp_form": TotpCodeForm(),
            "passkeys_addable": passkeys.addable(self.request),
            "rename": rename,
            "rename_form": PasskeyNameForm(initial={"name": named}),
        }
        context.update(self._pending_context())
        context.update(overrides)
        return context

    def _pending_context(self) -> dict[str, Any]:
        secret = mfa.pending_totp(self.request)
        if secret is None:
            return {"pending": None}
        account = self._account_label()
        issuer = app_settings.SITE_NAME or self.request.get_host().split(":")[0]
        uri = mfa.provisioning_uri(secret, account, issuer)
        return {
            "pending": {
                "grouped": SecretText(grouped(str(secret))),
                "qr": SecretText(
                    qr_svg(uri, str(_("QR code to add this account to your authenticator app")))
                ),
                "account": account,
                "issuer": issuer,
                "minutes_left": max(1, mfa.pending_seconds_left(self.request) // 60),
            }
        }

    def _account_label(self) -> str:
        user = self.request.user
        return str(getattr(user, "email", "") or user.get_username())

    def show(self, partial: str = "", status: int = 200, **extra: Any) -> HttpResponse:
        partial = partial or self.partial
        if partial in SECTIONS and status == 200 and self.request.method == "POST":
            # What one factor changes (the switch's status, whether backup codes can be made)
            # shows everywhere at once: the other sections come along out of band.
            others = [p for p in SECTIONS if p != partial]
            return super().show(CHANGED, status, changed_partial=partial, others=others, **extra)
        return super().show(partial, status, **extra)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.show(self.partial)

    def post(self, request: HttpRequest) -> HttpResponse:
        return self.show()


@method_decorator(sensitive_post_parameters("code"), name="dispatch")
class AuthenticatorAppView(MfaView):
    partial = APP
    feature_names = ("mfa",)

    def post(self, request: HttpRequest) -> HttpResponse:
        # StepUpRequired from the flows reaches the one error path (AccountView.dispatch).
        action = request.POST.get("action", "")
        if action == "cancel":
            mfa.cancel_totp(request)
            return self.changed(None)
        if action == "start":
            mfa.start_totp(request)
            return self.changed(None)
        if action == "confirm":
            return self._confirm(request)
        return self.show()

    def _confirm(self, request: HttpRequest) -> HttpResponse:
        form = TotpCodeForm(request.POST)
        if not form.is_valid():
            if mfa.pending_totp(request) is None:
                # The setup ended (with the step-up window, say): its field is gone, say why.
                return self.show(error=mfa.EXPIRED)
            return self.show(totp_form=form)
        with self.on_failure(form=form, form_name="totp_form", field="code"):
            try:
                mfa.confirm_totp(request, form.cleaned_data["code"])
            except FlowError as error:
                if error.code != "totp_expired":
                    raise
                # The QR step is gone: say so above the "Set up" button, not at the code.
                return self.show(error=error.message)
        return self.changed(_("Your authenticator app is set up."))


class BackupCodesView(MfaView):
    partial = BACKUP
    feature_names = ("mfa",)

    def post(self, request: HttpRequest) -> HttpResponse:
        with self.on_failure():
            codes = mfa.generate_backup_codes(request)
        # The one answer that carries the codes: shown here, kept nowhere, never cached.
        response = self.show(
            codes=codes, codes_text=SecretText("".join(f"{code}\n" for code in codes))
        )
        add_never_cache_headers(response)
        return response


class RemoveFactorView(MfaView):
    """Remove the authenticator app, the backup codes, or one passkey (by Logto's factor id)."""

    def features_for(self, request: HttpRequest) -> tuple[str, ...]:
        if request.method != "POST":
            return self.feature_names
        # The flow removes the factor only when it is of this kind, so the posted kind decides.
        return ("passkeys",) if request.POST.get("kind") == "WebAuthn" else ("mfa",)

    def get(self, request: HttpRequest) -> HttpResponse:
        # "Remove ...?" asked in place (``?confirm=``), or its Cancel: the kind's section.
        partial = {"Totp": APP, "BackupCode": BACKUP, "WebAuthn": PASSKEYS}.get(
            request.GET.get("kind", "")
        )
        return self.show(partial or "")

    def post(self, request: HttpRequest) -> HttpResponse:
        factor_id = request.POST.get("factor", "")
        kind = request.POST.get("kind", "")
        partial = {"Totp": APP, "BackupCode": BACKUP}.get(kind, PASSKEYS)
        if not factor_id or len(factor_id) > 128:
            return self.show(partial)
        with self.on_failure(partial):
            removed = mfa.remove_factor(request, factor_id, passkey=kind == "WebAuthn")
        # Backup codes alone are no second step: they went with the last other factor.
        went = mfa.BACKUP_CODE in removed and kind != mfa.BACKUP_CODE
        said = _("Removed, and your backup codes with it.") if went else _("Removed.")
        return self.changed(said, partial)


class MfaSettingsView(MfaView):
    partial = SETTINGS

    def features_for(self, request: HttpRequest) -> tuple[str, ...]:
        touched: tuple[str, ...] = ("mfa",) if request.POST.get("mfa_enabled") else ()
        touched += ("passkeys",) if request.POST.get("passkey_skipped") else ()
        return touched if request.method == "POST" and touched else self.feature_names

    def post(self, request: HttpRequest) -> HttpResponse:
        choices = {"on": True, "off": False}
        mfa_enabled = choices.get(request.POST.get("mfa_enabled", ""))
        passkey = choices.get(request.POST.get("passkey_skipped", ""))
        if mfa_enabled is None and passkey is None:
            return self.show()
        with self.on_failure():
            mfa.change_settings(request, mfa_enabled=mfa_enabled, passkey_skipped=passkey)
        return self.changed(SAVED)


class PasskeysView(MfaView):
    """Add a passkey (Logto's registration, made by the browser: ``passkeys.js``), rename one."""

    partial = PASSKEYS
    feature_names = ("passkeys",)

    def post(self, request: HttpRequest) -> HttpResponse:
        action = request.POST.get("action", "")
        if action == "start":
            return self._start(request)
        if action == "finish":
            return self._finish(request)
        if action == "cancel":
            passkeys.cancel(request)
            return self.show()
        if action == "rename":
            return self._rename(request)
        return self.show()

    def _start(self, request: HttpRequest) -> HttpResponse:
        if not passkeys.addable(request):
            return self.show(error=passkeys.ACCOUNT_API_ONLY)
        # StepUpRequired reaches the one error path: confirmed, the dialog sends this again.
        with self.on_failure():
            options = passkeys.start(request)
        response = self.show(passkey_options=options)
        add_never_cache_headers(response)
        return response

    def _finish(self, request: HttpRequest) -> HttpResponse:
        form = PasskeyCredentialForm(request.POST)
        credential = form.cleaned_data.get("credential") if form.is_valid() else None
        if not credential:
            # The browser made none (cancelled, timed out, no authenticator): start again.
            passkeys.cancel(request)
            return self.show(error=passkeys.NOT_MADE)
        with self.on_failure():
            passkeys.finish(
                request, credential, user_agent=request.META.get("HTTP_USER_AGENT", "")[:512]
            )
        return self.changed(_("Your passkey is added. Logto will offer it when you sign in."))

    def _rename(self, request: HttpRequest) -> HttpResponse:
        factor_id = request.POST.get("factor", "")[:128]
        form = PasskeyNameForm(request.POST)
        if not factor_id or not form.is_valid():
            return self.show(rename_form=form, rename=factor_id)
        with self.on_failure(form=form, form_name="rename_form", rename=factor_id):
            passkeys.rename(request, factor_id, form.cleaned_data["name"])
        return self.changed(_("Renamed."))
