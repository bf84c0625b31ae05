"""Signals a project can receive after account changes confirmed by Logto.

Every signal is sent with ``sender`` = the view-independent flow module name, ``request`` (the
request that caused it), ``user`` (the local Django user) and ``logto_user_id`` (Logto's ``sub``).
Extra arguments:

- ``profile_updated``: ``fields`` (list of changed field names)
- ``custom_data_updated``: ``keys`` (list of custom data keys written)
- ``username_changed``: ``username`` (new username, ``None`` when removed)
- ``email_changed``: ``email`` (new primary email, ``None`` when removed)
- ``phone_changed``: ``phone`` (new primary phone, ``None`` when removed)
- ``password_changed``: ``created`` (``True`` when the user had no password before)
- ``mfa_factor_added``: ``factor`` (``Totp``, ``BackupCode`` or ``WebAuthn``), ``replaced`` (an
  old one went)
- ``mfa_factor_removed``: ``factor`` (``Totp``, ``BackupCode`` or ``WebAuthn``)
- ``mfa_settings_changed``: ``settings`` (``{"mfa_enabled": bool}`` and/or
  ``{"passkey_prompt_skipped": bool}``)
- ``personal_access_token_created``: ``name``, ``expires_at`` (``None`` for never); never the value
- ``personal_access_token_renamed``: ``old_name``, ``name``
- ``personal_access_token_deleted``: ``name``
- ``social_account_linked`` / ``social_account_unlinked``: ``target`` (the provider, e.g. ``github``)
- ``account_deleting``: sent before anything is deleted; an exception in a receiver stops the
  deletion (the user is told, nothing is deleted). Remove the site's own data here.
- ``account_deleted``: after Logto and the local user are gone (``user`` is the deleted object).
- ``collect_user_data``: for "Download my data"; return a JSON-serialisable dict from a receiver
  and it is added under ``"site"`` (keyed by the receiver's ``__module__``).
- ``session_revoked``: ``session_uid`` (Logto's session uid), ``current`` (it was this session)
- ``app_access_removed``: ``application_id``, ``application_name`` (a third-party app the user
  had authorised; its grant and tokens are revoked)
- ``trusted_device_forgotten``: ``device`` (the device and browser in words); its next sign-in
  asks for the second step again
- ``step_up_verified``: ``method`` (``password``, ``email``, ``phone`` or ``reauthentication``)

Secrets, codes and passwords are never sent.
"""

from __future__ import annotations

from django.dispatch import Signal

profile_updated = Signal()
custom_data_updated = Signal()
username_changed = Signal()
email_changed = Signal()
phone_changed = Signal()
password_changed = Signal()
step_up_verified = Signal()
mfa_factor_added = Signal()
mfa_factor_removed = Signal()
mfa_settings_changed = Signal()
personal_access_token_created = Signal()
personal_access_token_renamed = Signal()
personal_access_token_deleted = Signal()
session_revoked = Signal()
app_access_removed = Signal()
trusted_device_forgotten = Signal()
social_account_linked = Signal()
social_account_unlinked = Signal()
account_deleting = Signal()
account_deleted = Signal()
collect_user_data = Signal()
