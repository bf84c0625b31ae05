"""Sign-in URLs, included by ``account_center.urls`` (namespace ``account_center``)."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/failed/", views.login_failed, name="login_failed"),
    path("oidc/callback/", views.CallbackView.as_view(), name="oidc_callback"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("reauthenticate/", views.ReauthenticateView.as_view(), name="reauthenticate"),
]
