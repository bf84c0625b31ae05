from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LogtoIdentity(models.Model):
    """Links a local user to their Logto user. Identity is Logto's ``sub``, never an email."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="logto_identity",
        verbose_name=_("user"),
    )
    sub = models.CharField(_("Logto user id (sub)"), max_length=128, unique=True)
    created_at = models.DateTimeField(_("linked at"), auto_now_add=True)
    last_sign_in_at = models.DateTimeField(_("last sign-in"), null=True, blank=True)
    # Raised when the user's credentials change: every Django session signed in under an older
    # epoch is signed out at its next request, whatever the session backend.
    session_epoch = models.PositiveIntegerField(_("session epoch"), default=0, editable=False)

    class Meta:
        verbose_name = _("Logto identity")
        verbose_name_plural = _("Logto identities")
        permissions = [
            (
                "manage_logto_users",
                _("Can suspend, restore, sign out and reset MFA of Logto users"),
            ),
            ("view_as_logto_user", _("Can view the account center as a Logto user (support)")),
        ]

    def __str__(self) -> str:
        return self.sub


class AuditEvent(models.Model):
    """One account change attempted by a user. Never holds a secret, code, token or password."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("Success")
        FAILURE = "failure", _("Failure")
        DENIED = "denied", _("Denied")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="account_center_events",
        verbose_name=_("user"),
    )
    sub = models.CharField(_("Logto user id"), max_length=128, db_index=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.action} {self.outcome} {self.sub}"


class KnownDevice(models.Model):
    """A device and browser a Logto user signed in from, in words ("Firefox", "Linux"): a sign-in
    from one not listed yet is mailed to the user (``flows.devices``). Only the names the user
    agent gives, never the user agent itself."""

    sub = models.CharField(_("Logto user id"), max_length=128)
    browser = models.CharField(_("browser"), max_length=64, blank=True)
    system = models.CharField(_("system"), max_length=64, blank=True)
    first_seen = models.DateTimeField(_("first seen"), auto_now_add=True)
    last_seen = models.DateTimeField(_("last seen"), auto_now=True)

    class Meta:
        verbose_name = _("known device")
        verbose_name_plural = _("known devices")
        constraints = [
            models.UniqueConstraint(
                fields=["sub", "browser", "system"], name="account_center_known_device"
            )
        ]

    def __str__(self) -> str:
        return f"{self.browser or '?'} / {self.system or '?'} ({self.sub})"


DELETED_USER_ACTIONS = {"delete": _("deleted"), "deactivate": _("deactivated")}


class SiteSettings(models.Model):
    """The one row of settings a superuser changes in Django admin; an empty field means the
    Django setting's default. Read through :mod:`account_center.conf.site_settings` (cached)."""

    features = models.JSONField(_("features"), default=dict, blank=True)
    step_up_seconds = models.PositiveIntegerField(
        _("step-up window (seconds)"), null=True, blank=True
    )
    step_up_methods = models.JSONField(_("step-up methods offered"), null=True, blank=True)
    rate_limits = models.JSONField(_("attempt limits"), null=True, blank=True)
    code_resend_seconds = models.PositiveIntegerField(
        _("code resend cooldown (seconds)"), null=True, blank=True
    )
    deleted_user_action = models.CharField(
        _("on account deletion, the local user is"),
        max_length=16,
        blank=True,
        choices=list(DELETED_USER_ACTIONS.items()),
    )
    # {alert kind: on or off}; a kind not named keeps ACCOUNT_CENTER_SECURITY_ALERTS.
    security_alerts = models.JSONField(_("security alerts"), default=dict, blank=True)
    # A fresh value at every save: the cache key of the settings, so every worker sees a save
    # at its next read (values never repeat, even after a database restore).
    revision = models.CharField(max_length=32, editable=False, default="")
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("account center settings")
        verbose_name_plural = _("account center settings")

    def __str__(self) -> str:
        return str(_("Account center settings"))

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.pk = 1  # one row: a second one would never be read
        self.revision = uuid.uuid4().hex
        # site_settings publishes the saved row to every worker (its post_save receiver).
        super().save(*args, **kwargs)
