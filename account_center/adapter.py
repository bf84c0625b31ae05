"""The decisions a host project may want to change, in one class it can subclass.

As django-allauth's adapter: ``ACCOUNT_CENTER_ADAPTER`` names the class (default
:class:`DefaultAccountCenterAdapter`) and :func:`account_center.site_adapter.get_adapter` returns
the one instance of it. Views and flows ask the adapter instead of deciding themselves, so a site
changes one rule (where the client address comes from, which actions need step-up, the words for
a Logto error code, the mail after a password change) without subclassing a view::

    # myproject/account_adapter.py
    from account_center.adapter import DefaultAccountCenterAdapter

    class AccountAdapter(DefaultAccountCenterAdapter):
        def get_client_ip(self, request):
            # A CDN that puts the visitor's address in its own header.
            return request.META.get("HTTP_CF_CONNECTING_IP") or super().get_client_ip(request)

    # settings.py
    ACCOUNT_CENTER_ADAPTER = "myproject.account_adapter.AccountAdapter"
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template import TemplateDoesNotExist
from django.template.loader import select_template
from django.utils.crypto import get_random_string
from django.utils.http import url_has_allowed_host_and_scheme

from . import clock
from .adapter_protocol import AccountCenterAdapter
from .conf.app_settings import app_settings
from .auth import oidc_settings
from .flows import alerts, stepup
from .flows.identity import LINK_REMOVED_ACTION
from .flows.messages import for_code
from .flows.sign_out_elsewhere import sign_out_elsewhere
from .models import AuditEvent, LogtoIdentity

logger = logging.getLogger(__name__)

# The security alerts the account center mails (``flows/alerts.py`` says each one's words).
NOTIFICATIONS = alerts.KINDS


def _ip_or_none(value: str | None) -> str | None:
    """``value`` as a normalised IP address, or ``None`` when it is not one."""
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def _username_field() -> str:
    return str(getattr(get_user_model(), "USERNAME_FIELD", "username"))


class DefaultAccountCenterAdapter:
    """The account center's default decisions. Subclass it and name the subclass in
    ``ACCOUNT_CENTER_ADAPTER`` to change one."""

    # --- where a request comes from --------------------------------------------------------

    def get_client_ip(self, request: HttpRequest) -> str | None:
        """The client's address, for attempt limits and audit events.

        With ``ACCOUNT_CENTER_TRUSTED_PROXY_COUNT = 0`` (the default) only ``REMOTE_ADDR``:
        ``X-Forwarded-For`` is written by whoever sends the request. With N trusted proxies,
        each appends the address it saw, so the client is the N-th entry from the right; what
        lies further left was written by the client and is ignored. A header too short or not
        an address falls back to ``REMOTE_ADDR``.
        """
        remote = _ip_or_none(request.META.get("REMOTE_ADDR"))
        count = app_settings.TRUSTED_PROXY_COUNT
        if count <= 0:
            return remote
        header = request.META.get("HTTP_X_FORWARDED_FOR", "")
        entries = [entry.strip() for entry in header.split(",") if entry.strip()]
        if len(entries) < count:
            return remote
        return _ip_or_none(entries[-count]) or remote

    def is_safe_url(self, request: HttpRequest, url: str) -> bool:
        """Whether a redirect may go to ``url``: this host (or ``OIDC_REDIRECT_ALLOWED_HOSTS``),
        with the same or a safer scheme; backslashes (which browsers read as slashes) never."""
        if "\\" in url:
            return False
        hosts = {request.get_host(), *oidc_settings.oidc_setting("OIDC_REDIRECT_ALLOWED_HOSTS", [])}
        return url_has_allowed_host_and_scheme(
            url, allowed_hosts=hosts, require_https=request.is_secure()
        )

    # --- step-up ---------------------------------------------------------------------------

    def is_step_up_required(self, request: HttpRequest, action: str) -> bool:
        """True when ``action`` (``"password"``, ``"email"``, ``"phone"``, ``"username"``, ...)
        needs a fresh verification now. The default: every sensitive action, unless the session
        passed step-up within ``ACCOUNT_CENTER_STEP_UP_SECONDS``."""
        return not stepup.is_verified(request)

    # --- after a change --------------------------------------------------------------------

    def on_credentials_changed(self, request: HttpRequest, kind: str) -> None:
        """Called after Logto confirmed a change of ``kind`` (``"password"``, ``"email"``,
        ``"phone"``, ``"username"``, two-step and token changes). The default signs the user out
        everywhere else for the kinds in ``ACCOUNT_CENTER_SIGN_OUT_ELSEWHERE_ON`` (see
        ``flows/sign_out_elsewhere.py``); an override that keeps that should call ``super()``."""
        sign_out_elsewhere(request, kind)

    def send_notification(self, request: HttpRequest, kind: str, context: dict[str, Any]) -> None:
        """Mail the user the security alert ``kind`` (one of :data:`NOTIFICATIONS`) when
        ``ACCOUNT_CENTER_SECURITY_ALERTS`` (or the admin's settings page) has it on: to
        ``context["email"]``, or else the Logto user's (``context["logto_user_id"]``) primary
        email as Logto has it now, and to each of ``context["also_to"]`` (the address an email
        change replaced). The change path and the sign-in call it with the context
        ``flows.alerts.context_for`` makes (``subject``, ``what``, ``when``, ``device``, ``ip``,
        ``sessions_url``); a caller giving only the address gets it made.

        A mail that cannot be sent is logged, never raised: the change itself is done.
        """
        if not alerts.enabled(kind):
            return
        if kind in alerts.BY_KIND and "what" not in context:
            context = {**alerts.context_for(request, kind), **context}
        recipient = context.get("email")
        if not recipient and context.get("logto_user_id"):
            recipient = alerts.primary_email(context["logto_user_id"])
        for address in dict.fromkeys([recipient, *context.get("also_to", ())]):
            if address:
                self.send_mail(request, kind, address, context)

    def send_mail(
        self, request: HttpRequest, kind: str, email: str, context: dict[str, Any]
    ) -> None:
        """Render and send one mail of ``kind`` to ``email`` through Django's email backend:
        ``account_center/email/<kind>_subject.txt``, ``<kind>_message.txt`` and
        ``<kind>_message.html`` where a site has them, else ``security_alert_subject.txt``,
        ``security_alert_message.txt`` and ``security_alert_message.html`` (the HTML part is left
        out when neither exists)."""

        def render(part: str) -> str | None:
            try:
                template = select_template(
                    [f"account_center/email/{kind}_{part}", f"account_center/email/security_alert_{part}"]
                )
            except TemplateDoesNotExist:
                return None
            return template.render(context, request)

        subject, text, html = render("subject.txt"), render("message.txt"), render("message.html")
        if subject is None or text is None:
            logger.warning("No mail templates for the %s notification.", kind)
            return
        mail = EmailMultiAlternatives(" ".join(subject.split()), text, None, [email])
        if html is not None:
            mail.attach_alternative(html, "text/html")
        try:
            mail.send()
        except Exception:  # noqa: BLE001 - any mail backend failure; the change stands
            logger.exception("The %s notification could not be sent.", kind)

    # --- "Download my data" -----------------------------------------------------------------

    def export_custom_data(
        self, request: HttpRequest, custom_data: dict[str, Any]
    ) -> dict[str, Any]:
        """The Logto custom data "Download my data" holds. The default: the fields declared in
        ``ACCOUNT_CENTER_CUSTOM_DATA_FIELDS`` (shown or not), never the keys the site keeps
        in custom data for itself (a fraud flag, a plan id). Override it to add (or keep back)
        keys; ``custom_data`` is all of the user's custom data as Logto has it now."""
        declared = [spec["key"] for spec in app_settings.CUSTOM_DATA_FIELDS]
        return {key: custom_data[key] for key in declared if key in custom_data}

    # --- the profile picture -----------------------------------------------------------------

    def store_avatar(self, request: HttpRequest, file: File) -> str | None:
        """Store an uploaded profile picture and answer the web address it is served at (it
        becomes the user's avatar at Logto), or ``None`` to store none. Called only when Logto
        itself cannot store it (its Account API's ``user-assets/avatar`` needs a storage
        provider on the tenant). ``file`` is already checked and resized: a JPEG or PNG of at
        most 512 × 512 pixels with a random name. The default stores nothing, so no upload is
        offered; for example, with Django's storage::

            def store_avatar(self, request, file):
                name = default_storage.save(f"avatars/{file.name}", file)
                return request.build_absolute_uri(default_storage.url(name))
        """
        return None

    def stores_avatars(self) -> bool:
        """Whether :meth:`store_avatar` may store a picture (the profile form then offers a
        file). The default: when a subclass overrides :meth:`store_avatar`."""
        return type(self).store_avatar is not DefaultAccountCenterAdapter.store_avatar

    # --- words -----------------------------------------------------------------------------

    def message_for(self, logto_code: str) -> tuple[str | None, Any]:
        """``(form field or None, message)`` for a Logto error code."""
        return for_code(logto_code)

    # --- local users -----------------------------------------------------------------------

    def get_username(self, claims: dict[str, Any]) -> str:
        """``logto_<sub>``: unique and stable, and reveals no personal data."""
        model = get_user_model()
        sub = claims["sub"]
        field = model._meta.get_field(_username_field())
        max_length = getattr(field, "max_length", None) or 150
        username = f"logto_{sub}"
        if len(username) > max_length:
            username = "logto_" + hashlib.sha256(sub.encode()).hexdigest()[: max_length - 6]
        return username

    def user_fields(self, claims: dict[str, Any]) -> dict[str, str]:
        """Local copies of the name and email (for the admin and mails), never an identity: the
        user model's ``USERNAME_FIELD`` (an ``email`` one too) stays what :meth:`get_username`
        made, whatever Logto later says."""
        model = get_user_model()
        model_fields = {f.name for f in model._meta.get_fields()} - {_username_field()}
        given = claims.get("given_name") or ""
        family = claims.get("family_name") or ""
        if not given and not family:
            given = claims.get("name") or ""
        values = {
            "first_name": str(given)[:150],
            "last_name": str(family)[:150],
            "email": str(claims.get("email") or "")[:254],
        }
        return {name: value for name, value in values.items() if name in model_fields}

    def create_user(self, claims: dict[str, Any]) -> Any:
        """The local user for a Logto user signing in for the first time, linked by ``sub``."""
        model = get_user_model()
        username = self.get_username(claims)
        manager = model._default_manager
        unlinked = manager.filter(**{_username_field(): username}).first()
        if unlinked is not None:
            relinked = self._relink(unlinked, claims)
            if relinked is not None:
                return relinked
            # A local account already has that name without being linked: never reuse it.
            username = f"{username[:140]}_{get_random_string(8)}"
        try:
            with transaction.atomic():
                user = manager.create_user(
                    **{_username_field(): username}, **self.user_fields(claims)
                )
                user.set_unusable_password()
                user.save()
                LogtoIdentity.objects.create(
                    user=user, sub=claims["sub"], last_sign_in_at=clock.utcnow()
                )
        except IntegrityError:
            # Two first sign-ins of the same person raced: the other one created the link.
            identity = LogtoIdentity.objects.select_related("user").get(sub=claims["sub"])
            return self.update_user_from_claims(identity.user, claims)
        logger.info("Created a local user for Logto user %s", claims["sub"])
        return user

    def _relink(self, user: Any, claims: dict[str, Any]) -> Any:
        """The local user whose link to this ``sub`` an admin removed, linked again (with
        everything the site keeps for it); None for any other account holding the name.

        The ``logto_<sub>`` username finds it; the audit trail's record of that removal is what
        tells it from an account made by hand under that name, which must never be handed to
        whoever signs in as ``sub``. An inactive user is linked too: the sign-in then refuses it.
        """
        sub = claims["sub"]
        if LogtoIdentity.objects.filter(user=user).exists():
            return None
        removed = AuditEvent.objects.filter(user=user, sub=sub, action=LINK_REMOVED_ACTION)
        if not removed.exists():
            return None
        try:
            with transaction.atomic():
                LogtoIdentity.objects.create(user=user, sub=sub, last_sign_in_at=clock.utcnow())
        except IntegrityError:
            return None  # linked meanwhile by a racing sign-in: the caller's create path decides
        logger.info("Linked Logto user %s to its earlier local user again", sub)
        return self.update_user_from_claims(user, claims)

    def update_user_from_claims(self, user: Any, claims: dict[str, Any]) -> Any:
        """Refresh the local copies from a new sign-in's claims."""
        fields = self.user_fields(claims)
        changed = [name for name, value in fields.items() if getattr(user, name, value) != value]
        for name in changed:
            setattr(user, name, fields[name])
        if changed:
            user.save(update_fields=changed)
        LogtoIdentity.objects.filter(user=user).update(last_sign_in_at=clock.utcnow())
        return user


if TYPE_CHECKING:
    # get_adapter() is typed by the protocol: mypy holds the default class to it.
    _DEFAULT: type[AccountCenterAdapter] = DefaultAccountCenterAdapter
