"""Django admin over the users linked to Logto: their Logto details on every row, and the
actions an operator needs (suspend, restore, sign out everywhere, refresh, reset MFA).

Details come from Logto in one batched read per page (``GET /api/users`` with the page's ids).
Logto's user list carries no second factors (``userInfoSelectFields`` in Logto's schemas), so
the MFA column is the one read per row: made side by side and kept by the read cache.

Links are made only by signing in with Logto, never by hand: whoever can link a ``sub`` to a user
can sign in as that user (a staff member could link a fresh Logto account to a superuser). So no
adding, the link itself is read-only, and only superusers remove one (audited): the user is
signed out here at their next request, and their next sign-in links the same local user again
(the adapter finds it by its ``logto_<sub>`` username and that audited removal). The actions
need the ``manage_logto_users`` permission, and decide on Logto's current data (never the kept
reads); their messages name each user as a person knows them (Logto's username, email or name).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any, cast
from urllib.parse import quote

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.views.main import ChangeList
from django.db import DatabaseError, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..flows.identity import LINK_REMOVED_ACTION
from ..conf.app_settings import app_settings
from ..flows import admin_actions, reads
from ..flows.audit import FAILURE, SUCCESS, UNKNOWN
from ..flows.messages import UNAVAILABLE
from ..formatting import international_phone
from ..logto import read_cache
from ..logto.errors import (
    LogtoAPIError,
    LogtoError,
    LogtoNotFound,
    LogtoOutcomeUnknown,
)
from ..logto.models import LogtoUser
from ..models import LogtoIdentity
from ..parallel_reads import concurrently
from ..site_adapter import get_adapter
from . import view_as

logger = logging.getLogger(__name__)

_NOT_READ = object()  # Logto could not be read for this page
# What Logto answered, kept on each row's object for the columns of this one page.
_USER, _MFA = "_logto_user", "_logto_mfa"


class LogtoChangeList(ChangeList):
    """The changelist that reads the page's users from Logto once, after paging."""

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        admin_page = cast(LogtoIdentityAdmin, self.model_admin)
        admin_page.load_from_logto(request, list(self.result_list))


def _mfa_of(sub: str) -> bool | None:
    try:
        return bool(reads.mfa_factors(sub))
    except LogtoError:
        return None


def _name_of(identity: LogtoIdentity, account: LogtoUser | None) -> str:
    """How the admin's words name a user: as a person knows them (Logto's username, email or
    name), else the Logto id; never the local ``logto_<sub>``, which means nothing to anyone."""
    if account is not None:
        for known_as in (account.username, account.primary_email, account.name):
            if known_as:
                return str(known_as)
    return identity.sub


def _accounts(identities: list[LogtoIdentity]) -> dict[str, LogtoUser]:
    """The selected users as Logto has them now, for their names (a search: never kept); none
    when Logto cannot be read (the actions then report that per user)."""
    try:
        return reads.accounts(i.sub for i in identities)
    except LogtoError:
        return {}


def _column(description: Any, read: Callable[[LogtoUser], Any]) -> Any:
    """A changelist column of one detail of the row's Logto user."""

    @admin.display(description=description)
    def column(model_admin: LogtoIdentityAdmin, obj: LogtoIdentity) -> Any:
        return model_admin._field(obj, read)

    return column


# What Logto says of each linked user, on the list and on each user's page.
_LOGTO_COLUMNS = (
    "logto_username",
    "logto_email",
    "logto_phone",
    "logto_last_sign_in",
    "logto_suspended",
    "logto_mfa",
    "in_logto_console",
)


@admin.register(LogtoIdentity)
class LogtoIdentityAdmin(admin.ModelAdmin):
    list_display = ("sub", "user", *_LOGTO_COLUMNS)
    list_per_page = 25
    search_fields = ("sub", "user__username", "user__email", "user__first_name")
    list_select_related = ("user",)
    date_hierarchy = "created_at"
    readonly_fields = ("sub", "user", "created_at", "last_sign_in_at", *_LOGTO_COLUMNS)
    actions = ("suspend", "restore", "sign_out_everywhere", "refresh_details", "reset_mfa")

    # --- permissions -------------------------------------------------------------------------

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # nothing on a link is editable; viewing needs only the view permission

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_manage_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("account_center.manage_logto_users"))

    # --- support's "view as" (admin/view_as.py) ------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        start = self.admin_site.admin_view(partial(view_as.start_view, self))
        own = [
            # Not admin_view: it is posted while signed in as the viewed user, who is no staff.
            path("view-as/end/", view_as.end_view, name=f"{name}_view_as_end"),
            path("<path:object_id>/view-as/", start, name=f"{name}_view_as"),
        ]
        return [*own, *super().get_urls()]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and request.user.has_perm(view_as.PERMISSION):
            return (*fields, "view_as_button")
        return fields

    @admin.display(description=gettext_lazy("Support"))
    def view_as_button(self, obj: LogtoIdentity) -> Any:
        if obj.user.is_superuser:
            return _("Superusers cannot be viewed as.")
        name = f"admin:{self.opts.app_label}_{self.opts.model_name}_view_as"
        url = reverse(name, args=[obj.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("View as this user"))

    # --- Logto's details, one read per page ----------------------------------------------------

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return LogtoChangeList

    def load_from_logto(self, request: HttpRequest, identities: list[LogtoIdentity]) -> None:
        if not identities:
            return
        try:
            users: dict[str, LogtoUser] | None = reads.accounts(i.sub for i in identities)
        except LogtoError:
            users = None
            messages.warning(
                request, _("Logto could not be read: its columns are blank on this page.")
            )
        # A user Logto no longer has has no factors, whatever a kept read still says.
        in_logto = [i for i in identities if users is None or i.sub in users]
        factors = dict(
            zip(
                (i.sub for i in in_logto),
                concurrently(*[(_mfa_of, identity.sub) for identity in in_logto]),
                strict=True,
            )
        )
        for identity in identities:
            setattr(identity, _USER, _NOT_READ if users is None else users.get(identity.sub))
            setattr(identity, _MFA, factors.get(identity.sub))

    def _logto(self, obj: LogtoIdentity) -> Any:
        if not hasattr(obj, _USER):  # the change page: one object, read here
            self.load_from_logto_one(obj)
        return getattr(obj, _USER)

    def load_from_logto_one(self, obj: LogtoIdentity) -> None:
        account: Any
        try:
            with read_cache.fresh():
                account = reads.account(obj.sub)
        except LogtoNotFound:
            account = None
        except LogtoError:
            account = _NOT_READ
        setattr(obj, _USER, account)
        setattr(obj, _MFA, None if account is None else _mfa_of(obj.sub))

    def _field(self, obj: LogtoIdentity, read: Callable[[LogtoUser], Any]) -> Any:
        account = self._logto(obj)
        if account is _NOT_READ:
            return "?"
        if account is None:
            return _("not in Logto")
        return read(account) or "-"

    logto_username = _column(gettext_lazy("username"), lambda a: a.username)
    logto_email = _column(gettext_lazy("email"), lambda a: a.primary_email)
    logto_phone = _column(gettext_lazy("phone"), lambda a: international_phone(a.primary_phone))
    logto_last_sign_in = _column(gettext_lazy("last sign-in (Logto)"), lambda a: a.last_sign_in_at)
    logto_suspended = _column(
        gettext_lazy("suspended"), lambda a: _("yes") if a.is_suspended else _("no")
    )

    @admin.display(description=gettext_lazy("MFA"))
    def logto_mfa(self, obj: LogtoIdentity) -> Any:
        if self._logto(obj) is None:
            return _("not in Logto")
        return {True: _("on"), False: _("off"), None: "?"}[getattr(obj, _MFA)]

    @admin.display(description=gettext_lazy("Logto console"))
    def in_logto_console(self, obj: LogtoIdentity) -> Any:
        console = app_settings.CONSOLE_URL
        if not console:
            return "-"
        return format_html(
            '<a href="{}/users/{}" target="_blank" rel="noopener noreferrer">{}</a>',
            console,
            quote(obj.sub, safe=""),
            _("Open in Logto"),
        )

    # --- search: the local fields, and Logto's (username, email, phone, name) ------------------

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if not term:
            return found, may_have_duplicates
        try:
            ids = reads.search_user_ids(term)
        except LogtoError:
            messages.warning(request, _("Logto could not be searched: local fields only."))
            return found, may_have_duplicates
        return queryset.filter(Q(pk__in=found.values("pk")) | Q(sub__in=ids)), may_have_duplicates

    # --- actions, each user reported and audited on its own ------------------------------------

    def _each(
        self,
        request: HttpRequest,
        identities: Iterable[LogtoIdentity],
        action: str,
        do: Callable[[LogtoIdentity], dict[str, Any] | None],
        done: str | Callable[[dict[str, Any]], tuple[str, int]],
        *,
        accounts: dict[str, LogtoUser] | None = None,
        failed: str = "%(reason)s",
    ) -> None:
        """Run ``do`` for each user on Logto's current data, each in its own transaction, and
        say and audit each outcome: nothing one user's failure raises stops the others.
        ``failed`` words a Logto failure (``%(reason)s``) when ``do`` changed something first."""
        identities = list(identities)
        if accounts is None:
            accounts = _accounts(identities)
        for identity in identities:
            name = _name_of(identity, accounts.get(identity.sub))
            refused: LogtoError | None = None
            try:
                with read_cache.fresh(), transaction.atomic():
                    try:
                        detail = do(identity) or {}
                    except LogtoError as error:
                        refused = error  # what was done here before it stands (a sign-out)
            except DatabaseError:
                # This site could not keep the outcome (a constraint, the database away): said,
                # logged for the operator, and the other users go on.
                logger.exception("Admin action %s failed on this site's database", action)
                admin_actions.record(
                    request, identity, f"admin_{action}", FAILURE, error="database"
                )
                words = _("this site could not save the change; try again.")
                self._say(request, name, words, messages.ERROR)
                continue
            if refused is not None:
                outcome, words = self._failure(refused)
                code = getattr(refused, "code", "")
                admin_actions.record(request, identity, f"admin_{action}", outcome, error=code)
                self._say(request, name, failed % {"reason": words}, messages.ERROR)
                continue
            admin_actions.record(request, identity, f"admin_{action}", SUCCESS, **detail)
            said, level = done(detail) if callable(done) else (done % detail, messages.SUCCESS)
            self._say(request, name, said, level)

    def _say(self, request: HttpRequest, name: str, words: str, level: int) -> None:
        # Quoted as Django's own admin messages quote an object, which also keeps the admin's
        # capitalisation of a message's first letter off the name.
        text = _("“%(name)s”: %(outcome)s") % {"name": name, "outcome": words}
        self.message_user(request, text, level)

    @staticmethod
    def _failure(error: LogtoError) -> tuple[str, str]:
        if isinstance(error, LogtoNotFound):
            return FAILURE, _("not found in Logto; nothing changed.")
        if isinstance(error, LogtoOutcomeUnknown):
            return UNKNOWN, _("Logto did not confirm the change: check this user in Logto.")
        if isinstance(error, LogtoAPIError):
            _field, message = get_adapter().message_for(error.code)
            refused = message or _("Logto refused (%(code)s).") % {"code": error.code or "-"}
            return FAILURE, str(refused)
        return FAILURE, str(UNAVAILABLE)

    @admin.action(description=gettext_lazy("Suspend in Logto"), permissions=["manage"])
    def suspend(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._each(
            request,
            queryset.select_related("user"),
            "suspend",
            lambda identity: admin_actions.set_suspended(identity, True),
            _("suspended; signed out here at the next request."),
        )

    @admin.action(description=gettext_lazy("Restore in Logto"), permissions=["manage"])
    def restore(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._each(
            request,
            queryset.select_related("user"),
            "restore",
            lambda identity: admin_actions.set_suspended(identity, False),
            _("restored."),
        )

    @admin.action(
        description=gettext_lazy("Sign out of all Logto sessions"), permissions=["manage"]
    )
    def sign_out_everywhere(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        def said(detail: dict[str, Any]) -> tuple[str, int]:
            if detail.get("logto") == "unsupported":
                words = _(
                    "signed out here at the next request. This Logto has no sessions API (an "
                    "older version), so their Logto sessions were not ended: they end when they "
                    "expire, or suspend the user to end them now."
                )
                return words, messages.WARNING
            if detail.get("logto") == "not_found":
                words = _("signed out here at the next request; not found in Logto.")
                return words, messages.WARNING
            words = _("%(sessions)d Logto session(s) ended; signed out here at the next request.")
            return words % detail, messages.SUCCESS

        self._each(
            request,
            queryset.select_related("user"),
            "sign_out_everywhere",
            admin_actions.sign_out_everywhere,
            said,
            failed=_(
                "signed out here at the next request, but not every Logto session ended: "
                "%(reason)s"
            ),
        )

    @admin.action(description=gettext_lazy("Refresh details from Logto"), permissions=["manage"])
    def refresh_details(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        identities = list(queryset.select_related("user"))
        try:
            users = reads.accounts(i.sub for i in identities)  # a search: never kept
        except LogtoError as error:
            self.message_user(request, self._failure(error)[1], messages.ERROR)
            return

        def refresh(identity: LogtoIdentity) -> dict[str, Any]:
            read_cache.forget(identity.sub)  # the account pages read Logto anew too
            account = users.get(identity.sub)
            if account is None:
                raise LogtoNotFound(404, "entity.not_found", "")
            changed = admin_actions.refresh(identity, account)
            return {"fields": ", ".join(changed) or "-"}

        self._each(
            request,
            identities,
            "refresh",
            refresh,
            _("refreshed (changed: %(fields)s)."),
            accounts=users,
        )

    @admin.action(
        description=gettext_lazy("Reset MFA (remove all factors)"), permissions=["manage"]
    )
    def reset_mfa(self, request: HttpRequest, queryset: QuerySet[Any]) -> HttpResponse | None:
        if request.POST.get("confirmed") == "yes":
            self._each(
                request,
                queryset.select_related("user"),
                "reset_mfa",
                lambda identity: {"removed": admin_actions.reset_mfa(identity)},
                _("%(removed)d factor(s) removed."),
            )
            return None
        identities = list(queryset.select_related("user"))
        accounts = _accounts(identities)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reset MFA?"),
            "opts": self.model._meta,
            "people": [(_name_of(i, accounts.get(i.sub)), i.sub) for i in identities],
            "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, "admin/account_center/logtoidentity/reset_mfa_confirmation.html", context
        )

    # --- removing a link (superusers), audited ----------------------------------------------------

    # The record is also what lets the user's next sign-in link the same local user again
    # (adapter.create_user): it is written with the deletion, in the admin's transaction.

    def delete_model(self, request: HttpRequest, obj: LogtoIdentity) -> None:
        admin_actions.record(request, obj, LINK_REMOVED_ACTION, SUCCESS)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for link in queryset:
            admin_actions.record(request, link, LINK_REMOVED_ACTION, SUCCESS)
        super().delete_queryset(request, queryset)
