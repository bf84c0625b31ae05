from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("account/", include("account_center.urls")),
    path("admin/", admin.site.urls),
]
