"""Logto's Account API: the signed-in user's own changes, made with their own access token.

The resources are ``my_account`` (profile, password, email, phone, social), ``my_account_mfa``
(factors, passkeys, sign-in settings), ``my_account_sessions`` (sessions, grants),
``my_account_trusted_devices``,
``verifications`` (Logto's proof-of-identity records) and ``account_center_settings`` (the
tenant's switches, Management API). Every ``*_own_*`` method takes a
:class:`~account_center.logto.user_token.UserTokenProvider` first; calls and answers as tried on
a real Logto are in ``shared/logto/ACCOUNT-API.md``.

How the gateway will choose, capability by capability (the flows switch over in a later round)
-----------------------------------------------------------------------------------------------
A setting says ``"management"`` (today: the M2M token for everything), ``"account"`` (the Account
API wherever it has the capability) or ``"auto"``. ``"auto"`` reads the tenant's
:class:`AccountCenterSettings` (with the M2M token, or anonymously from
``/api/.well-known/account-center`` on a site without M2M credentials; to be kept tenant-wide
in the read cache like the connector list, so a page costs no extra round trip) and then:

* **Account center disabled**: the Management API for everything, as today.
* **Enabled**: each capability follows its field (``AccountCenterSettings.control``): name →
  ``name``, picture → ``avatar``, profile claims → ``profile``, username → ``username``, email →
  ``email``, phone → ``phone``, password → ``password``, social links → ``social``, custom data →
  ``customData``, authenticator app and backup codes → ``mfa``, passkeys → ``passkey`` (else
  ``mfa``), sessions and apps → ``session``. Edit: reads and changes through the Account API;
  ReadOnly: reads through it, the change closed in the app; Off: closed. Logto's settings are the
  tenant's word, so the site's features and Off / ReadOnly / Edit may close more, never open what
  Logto closes (``account_center_check`` fails when the app offers what Logto closes).
* **Only the Management API can**: deleting the account, personal access tokens, suspension and
  the admin's Logto actions, webhook checks, and anything when the user's token lacks the scope
  (``identities`` for factors, ``urn:logto:scope:sessions`` for sessions). Without M2M
  credentials these are Off, saying why.

With the Account API, the app's step-up becomes a Logto verification record
(:meth:`Verifications.verify_own_password`, or a code to the user's own email or phone): its id
travels as ``logto-verification-id``, the app's step-up window ends no later than the record's
``expires_at``, and Logto itself refuses a change without it (:class:`LogtoVerificationRequired`).
Sessions and grants need the record even to be listed.
"""

from __future__ import annotations

from account_center.logto.account_center_settings import AccountCenterSettingsResource
from account_center.logto.my_account import MyAccount
from account_center.logto.my_account_mfa import MyAccountMfa
from account_center.logto.my_account_sessions import MyAccountSessions
from account_center.logto.my_account_trusted_devices import MyAccountTrustedDevices
from account_center.logto.verifications import Verifications


class AccountApi(
    MyAccount,
    MyAccountMfa,
    MyAccountSessions,
    MyAccountTrustedDevices,
    Verifications,
    AccountCenterSettingsResource,
):
    """Every Account API resource, and the account-center settings, on one transport."""
