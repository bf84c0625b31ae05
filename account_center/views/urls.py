"""URLs of the account-settings pages (mounted in the ``account_center`` namespace)."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _

from .profile import (
    CustomDataEditView,
    OverviewView,
    PlaceholderView,
    ProfileEditView,
    ProfileView,
)
from .security import EmailView, PasswordView, PhoneView, SecurityView, UsernameView
from .stepup import StepUpView

urlpatterns = [
    path("", OverviewView.as_view(), name="overview"),
    path("profile/", ProfileView.as_view(), name="profile"),
    path("profile/edit/", ProfileEditView.as_view(), name="profile_edit"),
    path("profile/more/", CustomDataEditView.as_view(), name="custom_data"),
    path("security/", SecurityView.as_view(), name="security"),
    path("security/username/", UsernameView.as_view(), name="username"),
    path("security/email/", EmailView.as_view(), name="email"),
    path("security/phone/", PhoneView.as_view(), name="phone"),
    path("security/password/", PasswordView.as_view(), name="password"),
    path("verify/", StepUpView.as_view(), name="step_up"),
    path(
        "connections/",
        PlaceholderView.as_view(section="connections", page_title=_("Connections")),
        name="connections",
    ),
    path(
        "tokens/",
        PlaceholderView.as_view(section="tokens", page_title=_("Developer tokens")),
        name="tokens",
    ),
    path(
        "sessions/",
        PlaceholderView.as_view(section="sessions", page_title=_("Sessions")),
        name="sessions",
    ),
    path(
        "danger/",
        PlaceholderView.as_view(section="danger", page_title=_("Danger zone")),
        name="danger",
    ),
]
