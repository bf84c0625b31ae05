"""Include with ``path("account/", include("account_center.urls"))``; names are in the
``account_center`` namespace (``account_center:overview``, ``account_center:login``, ...)."""

from django.urls import path

from .auth.urls import urlpatterns as sign_in_urlpatterns
from .views.urls import urlpatterns as page_urlpatterns
from .webhooks import logto_webhook

app_name = "account_center"
urlpatterns = [
    *sign_in_urlpatterns,
    *page_urlpatterns,
    path("webhooks/logto/", logto_webhook, name="logto_webhook"),
]
