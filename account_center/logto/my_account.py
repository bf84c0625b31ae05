"""The signed-in user's own account through Logto's Account API (``/api/my-account``,
``routes/account/index.ts``, ``email-and-phone.ts``, ``identities.ts``): profile, password,
primary email and phone, social identities.

Logto enforces here what the Management API does not: the tenant's field settings
(:class:`LogtoFieldClosed`), the token's scopes, the password policy, the username rules, the
email blocklist, "keep one way to sign in", and proof of identity (``verification_id``, the id of
a password or own-code :class:`VerificationRecord`; without a valid one
:class:`LogtoVerificationRequired`). Logto asks no proof of a user with no password, email or
phone (``hasSecurityVerificationMethod`` false) for a password or social change.
"""

from __future__ import annotations

from typing import Any

from account_center.logto.account_models import OwnAccount
from account_center.logto.transport import _UNSET, Transport, _segment, _typed
from account_center.logto.user_token import UserTokenProvider

_ME = "/api/my-account"

# What ``POST /api/my-account/user-assets/avatar`` takes (``routes/avatar-upload.ts``,
# ``@logto/schemas`` ``avatarMimeTypes`` and ``maxUploadFileSize``): Logto reads the type from the
# file's first bytes, not from the name or the part's content type.
AVATAR_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp")
AVATAR_MAX_BYTES = 20 * 1024 * 1024
# Logto's answer when the tenant has no storage provider (checked after the file itself).
NO_STORAGE = "storage.not_configured"


class MyAccount(Transport):
    # ------------------------------------------------------------------ profile

    def get_own_account(self, user: UserTokenProvider) -> OwnAccount:
        """The user as Logto lets them see themselves: fields Off, or outside the token's scopes,
        are left out (:meth:`OwnAccount.shows`)."""
        data = self._user_request(user, "GET", _ME, shape="user")
        return _typed(lambda: OwnAccount.from_api(data))

    def update_own_account(
        self,
        user: UserTokenProvider,
        *,
        name: str | None = _UNSET,
        avatar: str | None = _UNSET,
        username: str | None = _UNSET,
        custom_data: dict[str, Any] = _UNSET,
        verification_id: str | None = None,
    ) -> OwnAccount:
        """PATCH only the given fields (``None`` clears; ``custom_data`` replaces the whole
        object). Each must be Edit; ``username`` also needs ``verification_id``; ``avatar`` must
        be a URL. Answers the account as :meth:`get_own_account` does."""
        given = {"name": name, "avatar": avatar, "username": username, "customData": custom_data}
        body = {key: value for key, value in given.items() if value is not _UNSET}
        data = self._user_request(
            user, "PATCH", _ME, json=body, verification_id=verification_id, shape="user"
        )
        return _typed(lambda: OwnAccount.from_api(data))

    def update_own_profile(
        self, user: UserTokenProvider, profile: dict[str, Any]
    ) -> dict[str, Any]:
        """Merge ``profile`` (OIDC claims, camelCase: ``givenName``..., ``address`` needs the
        ``address`` scope) into the user's; answers the new profile. ``profile`` must be Edit."""
        data = self._user_request(user, "PATCH", f"{_ME}/profile", json=profile, shape="object")
        return dict(data or {})

    def upload_own_avatar(
        self, user: UserTokenProvider, content: bytes, *, filename: str, content_type: str
    ) -> str:
        """Store a picture with the tenant's storage provider; answers its public URL, which
        :meth:`update_own_account` then sets as ``avatar``. One multipart part named ``file``.

        Needs the ``profile`` scope, a first-party client and ``avatar`` Edit. Refusals (400):
        ``guard.file_size_exceeded`` (over :data:`AVATAR_MAX_BYTES`), ``guard.mime_type_not_allowed``
        (not one of :data:`AVATAR_TYPES`, or a truncated file), :data:`NO_STORAGE` (the tenant
        has no storage: most self-hosted ones); 500 ``storage.upload_error``.
        """
        data = self._user_request(
            user,
            "POST",
            f"{_ME}/user-assets/avatar",
            files={"file": (filename, content, content_type)},
            shape="object",
        )

        def convert() -> str:
            url = data["url"]
            if not isinstance(url, str) or not url:
                raise TypeError("url")
            return url

        return _typed(convert)

    # ------------------------------------------------------------------ password

    def set_own_password(
        self, user: UserTokenProvider, password: str, *, verification_id: str | None
    ) -> None:
        """Set the password (``POST``; Logto checks its policy: 422 ``password_rejected.*``
        and ``user.same_password``)."""
        self._user_request(
            user,
            "POST",
            f"{_ME}/password",
            json={"password": password},
            verification_id=verification_id,
        )

    # ------------------------------------------------------------------ primary email and phone

    def set_own_primary_email(
        self, user: UserTokenProvider, email: str, *, new_record_id: str, verification_id: str
    ) -> None:
        """Make ``email`` the primary email: ``new_record_id`` is a verified code record sent to
        that very address (else :class:`LogtoVerificationNotFound`). 422
        ``user.email_already_in_use``."""
        body = {"email": email, "newIdentifierVerificationRecordId": new_record_id}
        self._user_request(
            user, "POST", f"{_ME}/primary-email", json=body, verification_id=verification_id
        )

    def remove_own_primary_email(self, user: UserTokenProvider, *, verification_id: str) -> None:
        """Remove the primary email; refused when it is the last way to sign in."""
        self._user_request(user, "DELETE", f"{_ME}/primary-email", verification_id=verification_id)

    def set_own_primary_phone(
        self, user: UserTokenProvider, phone: str, *, new_record_id: str, verification_id: str
    ) -> None:
        """As :meth:`set_own_primary_email`; ``phone`` is digits only, country code first."""
        body = {"phone": phone, "newIdentifierVerificationRecordId": new_record_id}
        self._user_request(
            user, "POST", f"{_ME}/primary-phone", json=body, verification_id=verification_id
        )

    def remove_own_primary_phone(self, user: UserTokenProvider, *, verification_id: str) -> None:
        self._user_request(user, "DELETE", f"{_ME}/primary-phone", verification_id=verification_id)

    # ------------------------------------------------------------------ social identities

    def link_own_identity(
        self,
        user: UserTokenProvider,
        *,
        new_record_id: str,
        verification_id: str | None,
        replace: bool = False,
    ) -> None:
        """Link the identity of a verified social record (:meth:`verify_own_social`). 422
        ``user.identity_already_in_use`` if the user already has one at that provider, unless
        ``replace`` (``PUT``) swaps it."""
        self._user_request(
            user,
            "PUT" if replace else "POST",
            f"{_ME}/identities",
            json={"newIdentifierVerificationRecordId": new_record_id},
            verification_id=verification_id,
        )

    def unlink_own_identity(
        self, user: UserTokenProvider, target: str, *, verification_id: str | None
    ) -> None:
        """Unlink the identity at ``target`` (e.g. ``github``); refused when it is the last way
        to sign in."""
        self._user_request(
            user,
            "DELETE",
            f"{_ME}/identities/{_segment(target)}",
            verification_id=verification_id,
        )
