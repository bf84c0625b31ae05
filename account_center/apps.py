from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountCenterConfig(AppConfig):
    name = "account_center"
    verbose_name = _("Account center")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from . import (
            checks,  # noqa: F401  (registers the system checks)
            checks_features,  # noqa: F401  (and those of Off / ReadOnly / Edit)
        )
        from .views.base import mark_account_checked

        # Signing in just proved the account exists and may sign in: the next check can wait.
        user_logged_in.connect(mark_account_checked, dispatch_uid="account_center_checked")

        from .flows.activity import record_sign_in

        # Sign-ins appear on the user's recent security activity.
        user_logged_in.connect(record_sign_in, dispatch_uid="account_center_sign_in_audit")
