from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext_lazy as _

from .conf.app_settings import read_overrides_from


class AccountCenterConfig(AppConfig):
    name = "account_center"
    verbose_name = _("Account center")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here, not at the top: each of them reaches the models, which cannot be imported
        # while the app registry is still loading this module.
        from .conf import (
            checks,  # noqa: F401  (registers the system checks)
            checks_features,  # noqa: F401  (and those of Off / ReadOnly / Edit)
            site_settings,
        )
        from .flows.account_check import mark_account_checked
        from .flows.activity import record_sign_in
        from .flows.gateway import reachable_without_m2m, settings_for_features
        from .conf.tenant_fields import use_reader

        # The admin's settings page overrides some Django settings (site_settings publishes a
        # save to every worker).
        read_overrides_from(site_settings.current)

        # Off / ReadOnly / Edit never more open than Logto's own settings (features sits below
        # the Logto client, so the gateway hands it its reader).
        use_reader(settings_for_features, reachable_without_m2m)

        # Signing in just proved the account exists and may sign in: the next check can wait.
        user_logged_in.connect(mark_account_checked, dispatch_uid="account_center_checked")

        # Sign-ins appear on the user's recent security activity.
        user_logged_in.connect(record_sign_in, dispatch_uid="account_center_sign_in_audit")
