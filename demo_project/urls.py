from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("account/", include("account_center.urls")),
    path("admin/", admin.site.urls),
    # Browsers ask for /favicon.ico on pages that name no icon (admin, error pages).
    path("favicon.ico", views.favicon),
    # The benchmark's yardstick: a signed-in page that makes no Logto call.
    path("_baseline/", views.baseline, name="baseline"),
]
