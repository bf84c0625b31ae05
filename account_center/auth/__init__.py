"""Sign-in and sign-out with Logto over OpenID Connect (mozilla-django-oidc)."""
