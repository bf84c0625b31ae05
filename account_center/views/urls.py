"""URLs of the account-settings pages (mounted in the ``account_center`` namespace). A URL's name
is its capability's name (``mfa``, ``social``, ``deletion``, ...), and ``<capability>_<what>``
for its parts."""

from __future__ import annotations

from django.urls import path

from .activity import ActivityView
from .apps import AppsView
from .base import AccountEndedView
from .deletion import DeletionView
from .identifiers import EmailView, PhoneView, UsernameView
from .mfa import (
    AuthenticatorAppView,
    BackupCodesView,
    MfaSettingsView,
    MfaView,
    PasskeysView,
    RemoveFactorView,
)
from .overview import OverviewView
from .password import PasswordView
from .profile import CustomDataEditView, ProfileEditView, ProfileView
from .security import SecurityView
from .sessions import SessionsView
from .social import SocialCallbackView, SocialView
from .step_up import StepUpView
from .tokens import DeleteTokenView, RenameTokenView, TokensView
from .trusted_devices import TrustedDevicesView

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
    path("two-step/", MfaView.as_view(), name="mfa"),
    path("two-step/app/", AuthenticatorAppView.as_view(), name="mfa_app"),
    path("two-step/backup-codes/", BackupCodesView.as_view(), name="mfa_backup_codes"),
    path("two-step/remove/", RemoveFactorView.as_view(), name="mfa_remove"),
    path("two-step/passkeys/", PasskeysView.as_view(), name="mfa_passkeys"),
    path("two-step/settings/", MfaSettingsView.as_view(), name="mfa_settings"),
    path("connections/", SocialView.as_view(), name="social"),
    path("connections/callback/", SocialCallbackView.as_view(), name="social_callback"),
    path("tokens/", TokensView.as_view(), name="tokens"),
    path("tokens/rename/", RenameTokenView.as_view(), name="tokens_rename"),
    path("tokens/delete/", DeleteTokenView.as_view(), name="tokens_delete"),
    path("sessions/", SessionsView.as_view(), name="sessions"),
    path("apps/", AppsView.as_view(), name="apps"),
    path("remembered-devices/", TrustedDevicesView.as_view(), name="trusted_devices"),
    path("activity/", ActivityView.as_view(), name="activity"),
    path("delete/", DeletionView.as_view(), name="deletion"),
]

# The names before 0.1.0 named a capability its own way per layer; a host project's {% url %}
# and reverse() with them keep working as the deprecation policy says (docs/upgrading.md). Same
# routes: a request resolves to the canonical name above, which comes first.
DEPRECATED_NAMES = {
    "two_step": "mfa",
    "two_step_app": "mfa_app",
    "two_step_backup_codes": "mfa_backup_codes",
    "two_step_remove": "mfa_remove",
    "two_step_settings": "mfa_settings",
    "connections": "social",
    "connections_callback": "social_callback",
    "token_rename": "tokens_rename",
    "token_delete": "tokens_delete",
    "danger": "deletion",
}
_by_name = {pattern.name: pattern for pattern in urlpatterns}
urlpatterns += [
    path(str(_by_name[new].pattern), _by_name[new].callback, name=old)
    for old, new in DEPRECATED_NAMES.items()
]
