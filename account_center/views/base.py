"""What every account-settings view shares: sign-in required, sections, full page or partial."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any, TypeVar

from django.contrib import auth, messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.generic import TemplateView
from django_htmx.http import HttpResponseClientRedirect

from ..conf import features
from ..conf.app_settings import app_settings
from ..flows import audit, gateway, reads, tenant_wide
from ..flows.account_status import account_status
from ..flows import sessions as sessions_flow
from ..flows import trusted_devices as trusted_devices_flow
from ..clock import now
from ..flows.account_check import ACCOUNT_CHECKED_KEY
from ..flows.errors import FlowError
from ..flows.identity import (
    ACTIVE,
    DELETED,
    SUSPENDED,
    display_name_of,
    logto_user_id,
    remember_display_name,
)
from ..flows.messages import NOT_ACCEPTED, UNAVAILABLE, field_of_issue
from ..flows.sign_out_elsewhere import ADMIN, CREDENTIALS, REVOKED
from ..flows.stepup import StepUpRequired
from ..logto import budget, read_cache
from ..logto.errors import (
    LogtoAPIError,
    LogtoError,
    LogtoNotFound,
    LogtoOutcomeUnknown,
)
from ..redirects import safe_redirect_url
from ..site_adapter import get_adapter
from .feature_rule import FeatureRule
from .htmx import is_htmx
from .step_up_answer import refuse

logger = logging.getLogger(__name__)
R = TypeVar("R", bound=HttpResponseBase)

PROBLEM = "account_center/partials/problem.html"
OUTCOME_UNKNOWN = _(
    "We could not confirm that your change was saved. Check it before trying again."
)


class Answered(Exception):
    """Carries the answer to a failed change from :meth:`AccountView.on_failure` to dispatch."""

    def __init__(self, response: HttpResponse) -> None:
        super().__init__("answered")
        self.response = response


NAV = (
    ("profile", _("Profile"), "account_center:profile"),
    ("security", _("Sign-in & security"), "account_center:security"),
    ("mfa", _("Two-step verification"), "account_center:mfa"),
    ("social", _("Connections"), "account_center:social"),
    ("tokens", _("Developer tokens"), "account_center:tokens"),
    ("sessions", pgettext_lazy("account center", "Sessions"), "account_center:sessions"),
    ("apps", _("Connected apps"), "account_center:apps"),
    ("trusted_devices", _("Remembered devices"), "account_center:trusted_devices"),
    ("activity", _("Recent security activity"), "account_center:activity"),
    ("deletion", _("Danger zone"), "account_center:deletion"),
)


def nav_items() -> list[tuple[str, Any, str]]:
    # Activity is not a feature to switch: everyone may read their own.
    enabled = (*features.shown_sections(), "activity")
    # Sessions and remembered devices only where this Logto has them (known from an earlier
    # answer, never probed here).
    hidden = {"sessions"} if sessions_flow.known_unsupported() else set()
    if trusted_devices_flow.known_unsupported():
        hidden.add("trusted_devices")
    return [item for item in NAV if item[0] in enabled and item[0] not in hidden]


class AccountView(LoginRequiredMixin, FeatureRule):
    """Base of every page: signed in, linked to Logto, section switched on."""

    section: str = ""
    # The menu item marked current: the section by default; "overview", or "" for none.
    nav_current: str | None = None
    page_title: Any = ""
    # The page a partial stands on alone without JavaScript, and the section's own page (which
    # holds all its partials) when it has one.
    page_template = "account_center/section_page.html"
    section_page = ""
    partial = ""  # the section's partial, shown by default
    form_partial = ""
    # Features the page reads only through the Management API (its M2M token is then certain).
    management_reads: tuple[str, ...] = ()

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # The page's reads go through the gateway with this request's user tokens.
        with gateway.signed_in(request):
            return self._dispatch(request, *args, **kwargs)

    def _dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            self.sub = logto_user_id(request)
            # Logto's settings and the M2M token side by side, when both are missing, before
            # the first thing that needs one of them.
            tenant_wide.fetch_ahead(self.management_reads)
            ended = self.check_account()
            if ended is not None:
                return ended
        response: HttpResponseBase
        # A change is decided on Logto's current data: a POST reads past the kept reads (and
        # refreshes them); page views are answered from them.
        reads = read_cache.fresh() if request.method not in ("GET", "HEAD") else nullcontext()
        try:
            with reads, budget.request_budget(app_settings.LOGTO_REQUEST_BUDGET_SECONDS):
                # Signed in (LoginRequiredMixin), then Off / ReadOnly / Edit (FeatureRule).
                response = super().dispatch(request, *args, **kwargs)
        except Answered as answered:
            response = answered.response
        except StepUpRequired:
            response = self.step_up_refused()
        except LogtoError as error:
            response = self.logto_failed(error)
        return private(response)

    # --- the one error path ----------------------------------------------------------------

    def step_up_refused(self) -> HttpResponse:
        """A sensitive change without a fresh verification: the dialog (htmx) or the page."""
        audit.record(self.request, "step_up_required", audit.DENIED, path=self.request.path)
        return refuse(self.request)

    def logto_failed(self, error: LogtoError) -> HttpResponse:
        """What escaped a view: Logto's refusal in words, an unknown outcome, or an outage.

        Never an outage for an answer Logto gave: a 404 for the signed-in user's own account
        signs the session out; other refusals are shown in Logto's words.
        """
        if isinstance(error, LogtoNotFound) and self.own_account_gone():
            return self.end_session("deleted")
        if isinstance(error, LogtoOutcomeUnknown):
            audit.record(self.request, "logto_write", audit.UNKNOWN, path=self.request.path)
            return self.problem(OUTCOME_UNKNOWN, status=503)
        if isinstance(error, LogtoAPIError):
            return self.problem(get_adapter().message_for(error.code)[1], status=200)
        logger.warning("Logto unavailable on %s: %s", self.request.path, error)
        return self.problem(UNAVAILABLE, status=503)

    def problem(self, message: Any, *, status: int, **extra: Any) -> HttpResponse:
        """The error path's words, alone: nothing of the section is read again (Logto may be
        what failed), and without JavaScript they stand on the plain section page."""
        context = {"message": message, "hl": not is_htmx(self.request), **extra}
        return self._answer(PROBLEM, self.page_template, status, context)

    or_none = staticmethod(reads.or_none)

    # --- the account itself: deleted or suspended at Logto ---------------------------------

    def own_account_gone(self) -> bool:
        """After a 404: is it the signed-in user's own Logto account that no longer exists?"""
        return account_status(self.sub) == DELETED

    def check_account(self) -> HttpResponse | None:
        """Every ``ACCOUNT_CENTER_ACCOUNT_CHECK_SECONDS``, ask Logto whether the user still exists
        and is not suspended; end the session when not. Logto being down is not an answer."""
        session = self.request.session
        checked = session.get(ACCOUNT_CHECKED_KEY)
        current = now()
        if checked is not None and current - float(checked) < app_settings.ACCOUNT_CHECK_SECONDS:
            return None
        # Logto's answer now: this check is how a change made in Logto without a webhook (a
        # suspension, a deletion) reaches a signed-in session.
        status = account_status(self.sub)
        if status in (DELETED, SUSPENDED):
            return self.end_session(status)
        if status == ACTIVE:
            session[ACCOUNT_CHECKED_KEY] = current
        return None

    def end_session(self, reason: str) -> HttpResponse:
        """Sign the Django session out because Logto says the account is ``reason``."""
        audit.record(self.request, "session_ended", audit.DENIED, sub=self.sub, reason=reason)
        auth.logout(self.request)
        url = reverse("account_center:account_ended") + f"?reason={reason}"
        if is_htmx(self.request):
            return private(HttpResponseClientRedirect(url))
        return private(AccountEndedView.as_view()(self.request, reason=reason))

    def context(self, **extra: Any) -> dict[str, Any]:
        account = extra.get("account")
        if account is not None and getattr(account, "id", None) == getattr(self, "sub", None):
            # Every page that read the account keeps the top bar's name as Logto has it now.
            shown = display_name_of(account.name, account.username)
            changed = remember_display_name(self.request, shown)
            # A partial swapped in brings the top bar's new name along (hx-swap-oob).
            extra.setdefault("display_name_changed", changed and is_htmx(self.request))
        return {
            "nav_items": nav_items(),
            "current_section": self.section,
            "nav_current": self.section if self.nav_current is None else self.nav_current,
            "page_title": self.page_title,
            # An undo-free action asked once more in place of its button (elements/confirm.html):
            # a GET shows the question, only the POST it leads to changes anything.
            "confirm": self.request.GET.get("confirm", "")[:200]
            if self.request.method == "GET"
            else "",
            **extra,
        }

    # --- the one way a view answers -------------------------------------------------------

    def show(self, partial: str = "", status: int = 200, **extra: Any) -> HttpResponse:
        """The section: ``partial`` (the view's own by default) alone for htmx, else the whole
        page holding it (``section_page``, else ``page_template``); one URL answering both ways.

        ``extra`` goes over :meth:`section_context`'s fresh reads. Logto unreadable for the
        section (``unavailable`` in the context) is said in it and answered 503.
        """
        partial = partial or self.partial
        context = self.section_context(partial, status, dict(extra))
        if context.get("unavailable") and status == 200:
            status = 503
        shown = context.pop("partial", partial)
        return self._answer(shown, self.section_page or self.page_template, status, context)

    def section_context(self, partial: str, status: int, extra: dict[str, Any]) -> dict[str, Any]:
        """What ``partial`` shows besides ``extra``: the view's fresh reads (none by default).
        May name another ``partial`` to show instead (the section could not be read)."""
        return extra

    def changed(self, said: Any, partial: str = "", *, to: str = "", **extra: Any) -> HttpResponse:
        """The answer to a change that went through. With htmx: the fresh section saying
        ``said`` in place. Without JavaScript: ``said`` once (Django's messages) on the page a
        redirect leads to (post/redirect/get), the section's page unless ``to`` names another.
        ``said`` may be None: the section changes without words."""
        if not is_htmx(self.request):
            return self.go_to(to or reverse(f"account_center:{self.section}"), said=said)
        return self.show(partial, notice=said, **extra)

    def go_to(self, url: str, *, said: Any = None) -> HttpResponse:
        """Leave the page for ``url``, in the whole window (htmx cannot follow a redirect
        there), where ``said`` is shown once (Django's messages)."""
        if said:
            messages.success(self.request, said, fail_silently=True)
        if is_htmx(self.request):
            return HttpResponseClientRedirect(url)
        return HttpResponseRedirect(url)

    def _answer(
        self, partial: str, page: str, status: int, extra: dict[str, Any]
    ) -> HttpResponse:
        context = self.context(**{"partial": partial, **extra})
        template = partial if partial and is_htmx(self.request) else page
        response = render(self.request, template, context, status=status)
        # One URL answers both ways: caches must keep them apart.
        patch_vary_headers(response, ("HX-Request",))
        return response

    @contextmanager
    def on_failure(
        self,
        partial: str = "",
        *,
        form: Any = None,
        field: str | None = None,
        form_name: str = "form",
        **extra: Any,
    ) -> Iterator[None]:
        """Within this block a refused or failed change is answered by the section ``partial``
        again (see :meth:`failed`); the view itself never catches Logto's errors."""
        try:
            yield
        except (FlowError, LogtoError) as error:
            raise Answered(
                self.failed(error, partial, form=form, field=field, form_name=form_name, **extra)
            ) from None

    def failed(
        self,
        error: FlowError | LogtoError,
        partial: str = "",
        *,
        form: Any = None,
        field: str | None = None,
        form_name: str = "form",
        **extra: Any,
    ) -> HttpResponse:
        """The one mapping from a failed change to what the user sees, input kept.

        - the signed-in user's own Logto account is gone: the session ends;
        - a refusal (the app's :class:`FlowError`, or Logto's error code in the adapter's words):
          the section ``partial`` again (:meth:`show`) with the message next to ``form``'s field (``field`` if given, else
          the one the error concerns, else the whole form), or as ``error`` without a form;
        - no clear answer after a change: audited as unknown, 503, "check it";
        - Logto unreachable: 503, "unavailable". Never an outage for an answer Logto gave.
        """
        if isinstance(error, LogtoNotFound) and self.own_account_gone():
            return self.end_session("deleted")

        def show(**more: Any) -> HttpResponse:
            return self.show(partial, **more)

        if form is not None:
            extra.setdefault(form_name, form)  # the name the template knows it by
        if isinstance(error, LogtoOutcomeUnknown):
            audit.record(self.request, "logto_write", audit.UNKNOWN, path=self.request.path)
            return show(status=503, unavailable=OUTCOME_UNKNOWN, **extra)
        if isinstance(error, FlowError):
            concerns, said = error.field, getattr(error, "messages", None) or [error.message]
        elif isinstance(error, LogtoAPIError):
            concerns, message = get_adapter().message_for(error.code)
            said = [message]
            named = field_of_issue(error.data) if concerns is None and field is None else None
            if form is not None and named in form.fields:
                # Logto named the value it refused: marked on its field, not above the form.
                concerns, said = named, [NOT_ACCEPTED]
        else:
            logger.warning("Logto unavailable on %s: %s", self.request.path, error)
            return show(status=503, unavailable=UNAVAILABLE, **extra)
        concerns = field or concerns
        if form is None or concerns not in form.fields:
            # About the whole change: said above the form (form_errors.html shows ``error``).
            return show(error=" ".join(str(m) for m in said), **extra)
        for message in said:
            form.add_error(concerns, str(message))
        return show(**extra)


def private(response: R) -> R:
    """Account pages show personal data: no shared cache may keep them, no browser store them."""
    add_never_cache_headers(response)
    patch_cache_control(response, private=True, no_store=True)
    return response


ENDED_REASONS = ("deleted", "suspended", "closed", "unlinked", REVOKED, CREDENTIALS, ADMIN)


class AccountEndedView(TemplateView):
    """Shown once a session ended, saying why: the Logto account was deleted (``closed`` by the
    user) or suspended, an admin removed the user's link to it, or the session was signed out
    from elsewhere (see ``flows/sign_out_elsewhere.py``), with a way to sign in again where one
    is left."""

    template_name = "account_center/auth/account_ended.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        reason = kwargs.get("reason") or self.request.GET.get("reason")
        context["reason"] = reason if reason in ENDED_REASONS else "ended"
        # Where "Sign in again" comes back to (the login view checks it again).
        context["next"] = safe_redirect_url(self.request, self.request.GET.get("next"), "/")
        return context

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return private(super().get(request, *args, **kwargs))
