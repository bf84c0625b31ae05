"""The one "Account center settings" page in Django admin: every feature Off, ReadOnly or Edit,
the step-up, attempt-limit, resend and deletion settings, and which security alerts are mailed. An empty choice keeps the Django
setting's value, shown beside it. Only superusers change it; staff with the view permission
see it. A save is in force at once on every worker (:mod:`account_center.conf.site_settings`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from .. import ratelimit
from ..conf import features
from ..conf.app_settings import STEP_UP_METHODS, _setting, app_settings
from ..flows import alerts, audit, reads
from ..models import DELETED_USER_ACTIONS, SiteSettings

VIEW_ONLY_FIELDS = (
    "logto_account_center",
    "features_in_force",
    "step_up_seconds",
    "step_up_methods",
    "rate_limits",
    "code_resend_seconds",
    "deleted_user_action",
    "security_alerts",
)
FEATURE_PREFIX = "feature__"
ALERT_PREFIX = "alert__"
LIMIT_PREFIX = "limit__"
METHOD_LABELS = {
    "password": _("Current password"),
    "email": _("Code sent to the email address"),
    "phone": _("Code sent to the phone"),
    "reauthentication": _("Signing in again"),
}


def _default_words(value: Any) -> str:
    return str(_("Default: %(value)s")) % {"value": value}


# Logto's own levels, in the page's words.
LOGTO_LEVELS = {"Off": _("Off"), "ReadOnly": _("Read-only"), "Edit": _("Editable")}
LOGTO_UNREAD = _(
    "Logto's account-center settings could not be read now (Logto did not answer, or this "
    "Logto has no account center). The site's settings below are shown without them."
)


def _logto_words(logto: tuple[bool, dict[str, str]] | None, name: str) -> str:
    """What Logto's settings say of feature ``name``, for its help text (empty: nothing)."""
    if logto is None or name not in logto[1]:
        return ""
    if not logto[0]:
        return str(_("Logto: account center disabled."))
    return str(_("Logto: %(level)s.")) % {"level": LOGTO_LEVELS.get(logto[1][name], logto[1][name])}


class SiteSettingsForm(forms.ModelForm):
    """The model's JSON fields as one plain field per feature, per method, per limit."""

    class Meta:
        model = SiteSettings
        fields = ("step_up_seconds", "code_resend_seconds", "deleted_user_action")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        row = self.instance
        choices = [("", _("Default")), *features.LEVEL_LABELS.items()]
        # Beside each feature, Logto's own setting of it (the site may close more, never open
        # what Logto closes): only where Logto's settings are in force.
        logto = reads.logto_account_center() if app_settings.LOGTO_GATEWAY != "management" else None
        for name, label in features.all_features():
            default = features.LEVEL_LABELS[features.default_level(name)]
            self.fields[FEATURE_PREFIX + name] = forms.ChoiceField(
                label=label,
                choices=choices,
                required=False,
                initial=(row.features or {}).get(name, ""),
                help_text=" ".join(filter(None, (_default_words(default), _logto_words(logto, name)))),
            )
        defaults = {
            "step_up_seconds": _setting("ACCOUNT_CENTER_STEP_UP_SECONDS", 600),
            "code_resend_seconds": _setting("ACCOUNT_CENTER_CODE_RESEND_SECONDS", 60),
            # The choice's words ("deleted"), not the setting's value.
            "deleted_user_action": DELETED_USER_ACTIONS[
                "deactivate"
                if _setting("ACCOUNT_CENTER_DELETED_USER_ACTION", "delete") == "deactivate"
                else "delete"
            ],
        }
        for name, default in defaults.items():
            if name in self.fields:  # not in the view-only form
                self.fields[name].help_text = _default_words(default)
        default_methods = _setting("ACCOUNT_CENTER_STEP_UP_METHODS", STEP_UP_METHODS)
        self.fields["step_up_methods_choice"] = forms.MultipleChoiceField(
            label=_("Step-up methods offered"),
            choices=[(method, METHOD_LABELS[method]) for method in STEP_UP_METHODS],
            required=False,
            widget=forms.CheckboxSelectMultiple,
            initial=row.step_up_methods or [],
            help_text=_("None ticked: the default, %(methods)s.")
            % {"methods": ", ".join(str(METHOD_LABELS.get(m, m)) for m in default_methods)},
        )
        sent = alerts.configured()
        for alert in alerts.ALERTS:
            chosen = (row.security_alerts or {}).get(alert.kind)
            self.fields[ALERT_PREFIX + alert.kind] = forms.ChoiceField(
                label=alert.label,
                choices=[("", _("Default")), ("on", _("Sent")), ("off", _("Not sent"))],
                required=False,
                initial="" if chosen is None else ("on" if chosen else "off"),
                help_text=_default_words(_("sent") if alert.kind in sent else _("not sent")),
            )
        configured = _setting("ACCOUNT_CENTER_RATE_LIMITS", {})
        for action, spec in ratelimit.DEFAULT_LIMITS.items():
            self.fields[LIMIT_PREFIX + action] = forms.CharField(
                label=_("Attempt limit: %(action)s")
                % {"action": ratelimit.LABELS.get(action, action)},
                required=False,
                initial=(row.rate_limits or {}).get(action, ""),
                help_text=_default_words(configured.get(action, spec) or _("no limit"))
                + " "
                + str(_("“-” for no limit.")),
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for action in ratelimit.DEFAULT_LIMITS:
            spec = (cleaned.get(LIMIT_PREFIX + action) or "").strip()
            try:
                valid = spec in ("", "-") or bool(ratelimit.parse(spec))
            except ValueError:
                valid = False
            if not valid:
                self.add_error(
                    LIMIT_PREFIX + action,
                    _("Write count/period/key rules, e.g. 5/15m/user,20/15m/ip."),
                )
        return cleaned

    def save(self, commit: bool = True) -> Any:
        row = super().save(commit=False)
        row.features = {
            name: self.cleaned_data[FEATURE_PREFIX + name]
            for name, _label in features.all_features()
            if self.cleaned_data.get(FEATURE_PREFIX + name)
        }
        row.security_alerts = {
            alert.kind: self.cleaned_data[ALERT_PREFIX + alert.kind] == "on"
            for alert in alerts.ALERTS
            if self.cleaned_data.get(ALERT_PREFIX + alert.kind)
        }
        row.step_up_methods = list(self.cleaned_data["step_up_methods_choice"]) or None
        limits = {
            action: self.cleaned_data[LIMIT_PREFIX + action].strip()
            for action in ratelimit.DEFAULT_LIMITS
            if (self.cleaned_data.get(LIMIT_PREFIX + action) or "").strip()
        }
        # "-" switches an action's limits off (an empty field means the default).
        row.rate_limits = {k: ("" if v == "-" else v) for k, v in limits.items()} or None
        if commit:
            row.save()
        return row


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    """One row, changed in place: the list goes straight to it."""

    form = SiteSettingsForm

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if not self.has_change_permission(request, obj):
            # Staff who may only look see what is in force, not the superuser's form.
            return ((None, {"fields": VIEW_ONLY_FIELDS}),)
        form_fields = list(self.form(instance=obj or SiteSettings()).fields)
        names = [n for n in form_fields if n.startswith(FEATURE_PREFIX)]
        limits = [n for n in form_fields if n.startswith(LIMIT_PREFIX)]
        mails = [n for n in form_fields if n.startswith(ALERT_PREFIX)]
        return (
            (_("Logto's account center"), {"fields": ["logto_account_center"]}),
            (_("Off, read-only or editable"), {"fields": names}),
            (
                _("Confirming it's you (step-up)"),
                {"fields": ["step_up_seconds", "step_up_methods_choice"]},
            ),
            (_("Attempt limits and codes"), {"fields": [*limits, "code_resend_seconds"]}),
            (_("Account deletion"), {"fields": ["deleted_user_action"]}),
            (_("Security alerts mailed to users"), {"fields": mails}),
        )

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if self.has_change_permission(request, obj):
            # The dynamic fields are declared by the form itself, not by the model.
            kwargs["fields"] = None
        return super().get_form(request, obj, change, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if self.has_change_permission(request, obj):
            return ("logto_account_center",)
        return VIEW_ONLY_FIELDS

    @admin.display(description=_("Logto's settings"))
    def logto_account_center(self, obj: Any) -> str:
        """Logto's account-center settings beside the site's: whether they are in force, and
        each field Logto governs."""
        if app_settings.LOGTO_GATEWAY == "management":
            return str(
                _(
                    "Not in force: ACCOUNT_CENTER_LOGTO_GATEWAY is “management”, so every change "
                    "goes through the Management API and these settings are the site's alone."
                )
            )
        logto = reads.logto_account_center()
        if logto is None:
            return str(LOGTO_UNREAD)
        enabled, levels = logto
        if not enabled:
            return str(
                _(
                    "Logto's account center is disabled: every change goes through the "
                    "Management API, and Logto's field settings do not apply."
                )
            )
        rows = (
            (label, LOGTO_LEVELS.get(levels[name], levels[name]))
            for name, label in features.all_features()
            if name in levels
        )
        return format_html_join("", "<div>{}: {}</div>", rows)

    @admin.display(description=_("In force now"))
    def features_in_force(self, obj: Any) -> str:
        rows = (
            (label, features.LEVEL_LABELS[features.level(name)])
            for name, label in features.all_features()
        )
        return format_html_join("", "<div>{}: {}</div>", rows)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser) and not SiteSettings.objects.exists()

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        row = SiteSettings.objects.order_by("pk").first()
        if row is None:
            if not self.has_add_permission(request):
                return super().changelist_view(request, extra_context)
            return HttpResponseRedirect(reverse("admin:account_center_sitesettings_add"))
        return HttpResponseRedirect(
            reverse("admin:account_center_sitesettings_change", args=[row.pk])
        )

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit.record(
            request,
            "site_settings_changed",
            audit.SUCCESS,
            staff=True,
            fields=sorted(form.changed_data),
        )
