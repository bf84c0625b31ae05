"""URLs of the account-settings pages (mounted in the ``account_center`` namespace)."""

from __future__ import annotations

from django.urls import path

from .activity import ActivityView
from .base import AccountEndedView
from .connections import ConnectionsCallbackView, ConnectionsView
from .danger import DangerView
from .profile import (
    CustomDataEditView,
    OverviewView,
    ProfileEditView,
    ProfileView,
)
from .security import EmailView, PasswordView, PhoneView, SecurityView, UsernameView
from .sessions import SessionsView
from .stepup import StepUpView
from .tokens import DeleteTokenView, RenameTokenView, TokensView
from .two_step import (
    AuthenticatorAppView,
    BackupCodesView,
    RemoveFactorView,
    TwoStepSettingsView,
    TwoStepView,
)

urlpatterns = [
    path("", OverviewView.as_view(), name="overview"),
    path("ended/", AccountEndedView.as_view(), name="account_ended"),
    path("profile/", ProfileView.as_view(), name="profile"),
    path("profile/edit/", ProfileEditView.as_view(), name="profile_edit"),
    path("profile/more/", CustomDataEditView.as_view(), name="custom_data"),
    path("security/", SecurityView.as_view(), name="security"),
    path("security/username/", UsernameView.as_view(), name="username"),
    path("security/email/", EmailView.as_view(), name="email"),
    path("security/phone/", PhoneView.as_view(), name="phone"),
    path("security/password/", PasswordView.as_view(), name="password"),
    path("verify/", StepUpView.as_view(), name="step_up"),
    path("two-step/", TwoStepView.as_view(), name="two_step"),
    path("two-step/app/", AuthenticatorAppView.as_view(), name="two_step_app"),
    path("two-step/backup-codes/", BackupCodesView.as_view(), name="two_step_backup_codes"),
    path("two-step/remove/", RemoveFactorView.as_view(), name="two_step_remove"),
    path("two-step/settings/", TwoStepSettingsView.as_view(), name="two_step_settings"),
    path("connections/", ConnectionsView.as_view(), name="connections"),
    path(
        "connections/callback/",
        ConnectionsCallbackView.as_view(),
        name="connections_callback",
    ),
    path("tokens/", TokensView.as_view(), name="tokens"),
    path("tokens/rename/", RenameTokenView.as_view(), name="token_rename"),
    path("tokens/delete/", DeleteTokenView.as_view(), name="token_delete"),
    path("sessions/", SessionsView.as_view(), name="sessions"),
    path("activity/", ActivityView.as_view(), name="activity"),
    path("delete/", DangerView.as_view(), name="danger"),
]
