"""Admin for the local records: the Logto link of each user, and the audit trail (read-only)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .flows.identity import client_ip as get_adapter_ip
from .models import AuditEvent, LogtoIdentity


@admin.register(LogtoIdentity)
class LogtoIdentityAdmin(admin.ModelAdmin):
    """Links are made only by signing in with Logto, never by hand: whoever can link a ``sub`` to a
    user can sign in as that user (a staff member could link a fresh Logto account to a
    superuser). So no adding, the link itself is read-only, and only superusers remove one
    (audited): the user then gets a new link at their next sign-in."""

    list_display = ("sub", "user", "created_at", "last_sign_in_at")
    search_fields = ("sub", "user__username", "user__email")
    list_select_related = ("user",)
    date_hierarchy = "created_at"
    readonly_fields = ("sub", "user", "created_at", "last_sign_in_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # nothing on a link is editable; viewing needs only the view permission

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def delete_model(self, request: HttpRequest, obj: LogtoIdentity) -> None:
        _audit_unlink(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        _audit_unlink(request, list(queryset))
        super().delete_queryset(request, queryset)


def _audit_unlink(request: HttpRequest, links: list[LogtoIdentity]) -> None:
    for link in links:
        AuditEvent.objects.create(
            user=link.user,
            sub=link.sub,
            action="identity_link_deleted",
            outcome=AuditEvent.Outcome.SUCCESS,
            detail={"by": request.user.get_username()},
            ip_address=get_adapter_ip(request),
        )


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """A trail is only worth something if nobody can edit it: view permission only."""

    list_display = ("created_at", "action", "outcome", "sub", "user", "ip_address")
    list_filter = ("action", "outcome")
    search_fields = ("sub", "user__username", "action")
    list_select_related = ("user",)
    date_hierarchy = "created_at"
    readonly_fields = ("created_at", "user", "sub", "action", "outcome", "detail", "ip_address")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LogtoIdentityInline(admin.StackedInline):
    model = LogtoIdentity
    can_delete = False
    extra = 0
    max_num = 0  # links are made by signing in, never by hand
    readonly_fields = ("sub", "created_at", "last_sign_in_at")
    fields = readonly_fields
    verbose_name_plural = _("Logto identity")


def _add_inline_to_user_admin() -> None:
    """Show the Logto link on the user page, keeping whatever user admin the project uses."""
    user_model = get_user_model()
    current = admin.site._registry.get(user_model)
    if current is None or LogtoIdentityInline in getattr(current, "inlines", ()):
        return
    base = type(current)
    extended = type(base.__name__, (base,), {"inlines": [*base.inlines, LogtoIdentityInline]})
    admin.site.unregister(user_model)
    admin.site.register(user_model, extended)


_add_inline_to_user_admin()
from . import admin_site_settings  # noqa: E402,F401  (the settings page)
