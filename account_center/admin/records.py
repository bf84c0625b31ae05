"""Admin for the local records: the audit trail (read-only) and the Logto link on the user page.
The linked users and their actions are in :mod:`.users`; the settings page in
:mod:`.settings_page`."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ..models import AuditEvent, LogtoIdentity


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """A trail is only worth something if nobody can edit it: view permission only."""

    list_display = ("created_at", "action", "outcome", "sub", "user", "ip_address")
    # Every outcome recorded, "unknown" too (kept out of the model's choices).
    list_filter = ("action", ("outcome", admin.AllValuesFieldListFilter), "created_at")
    search_fields = ("sub", "user__username", "user__email", "action", "ip_address")
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
