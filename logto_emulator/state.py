"""In-memory, thread-safe state of the emulator: applications, users, codes, sessions, tokens.

Everything is guarded by one lock: the emulator is a test tool, so simplicity beats concurrency.
Users are kept as Logto's JSON (camelCase) plus a few private keys that start with ``_`` (password
hash, MFA factors), which the Management API layer strips before answering.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
import string
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from logto_emulator.connectors import CONNECTOR_IDS
from logto_emulator.password_policy import DEFAULT_POLICY, PasswordPolicy

logger = logging.getLogger("logto_emulator")

CODE_LIFETIME_SECONDS = 600  # Logto's verification codes live 10 minutes ...
CODE_MAX_TRIES = 10  # ... and allow 10 attempts.
SESSION_LIFETIME_SECONDS = 14 * 24 * 3600  # oidc-provider's default session TTL in Logto.
TOKEN_LIFETIME_SECONDS = 3600
# Logto's verification records (the Account API's proof of identity) live 10 minutes.
VERIFICATION_RECORD_LIFETIME_SECONDS = 600
GRANT_LIFETIME_SECONDS = 180 * 24 * 3600  # a consent grant on the lab expired 180 days on
TRUSTED_DEVICE_LIFETIME_SECONDS = 30 * 24 * 3600
SUBJECT_TOKEN_LIFETIME_SECONDS = 600  # subjectTokenExpiresIn

_ID_ALPHABET = string.ascii_lowercase + string.digits


def now_ms() -> int:
    return int(time.time() * 1000)


def generate_id(length: int = 12) -> str:
    """Logto's ids: lowercase letters and digits (nanoid with a custom alphabet)."""
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(length))


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**12, r=8, p=1)
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


def check_password(password: str, encoded: str | None) -> bool:
    if not encoded:
        return False
    _, salt_b64, digest_b64 = encoded.split("$")
    digest = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt_b64), n=2**12, r=8, p=1)
    return hmac.compare_digest(digest, base64.b64decode(digest_b64))


def _b64url_uint(value: int, size: int) -> str:
    return base64.urlsafe_b64encode(value.to_bytes(size, "big")).rstrip(b"=").decode()


@dataclass
class Application:
    id: str
    secret: str
    type: str  # "Traditional" or "MachineToMachine", as Logto names them
    name: str = ""
    redirect_uris: list[str] = field(default_factory=list)
    post_logout_redirect_uris: list[str] = field(default_factory=list)
    # Logto's "third-party app" switch: such an app may not change the account (Account API).
    is_third_party: bool = False
    # The console's "token exchange" switch (``customClientMetadata.allowTokenExchange``).
    allow_token_exchange: bool = False
    # What a third-party app shows on the consent page (``/sign-in-experience``: ``displayName``,
    # ``branding.logoUrl``...); None: the tenant set none.
    sign_in_experience: dict[str, Any] | None = None
    description: str | None = None
    created_at: int = field(default_factory=lambda: now_ms())


@dataclass
class VerificationCode:
    target: tuple[str, str]  # ("email", value) or ("phone", value)
    code: str
    created_at: float
    tries: int = 0


class EmulatorState:
    """All the emulator knows. Create one per test; ``reset()`` empties it but keeps apps and key."""

    def __init__(self, *, base_url: str | None = None, delay_seconds: float = 0.0) -> None:
        self.lock = threading.RLock()
        self.base_url = base_url.rstrip("/") if base_url else None
        self.delay_seconds = delay_seconds
        self.management_api_resource = "https://default.logto.app/api"
        # Logto's tenant setting for extra ID token claims ("custom_data", "identities",
        # "sso_identities"); off by default, as in Logto: those claims come from userinfo.
        self.extended_id_token_claims: set[str] = set()
        # The sign-in experience's password policy: Logto's defaults unless a test sets another.
        self.password_policy: PasswordPolicy = DEFAULT_POLICY
        # A production build of Logto unless a test says otherwise (``configure_dev_features``):
        # the routes behind Logto's development features (trusted devices) answer a plain 404.
        self.dev_features = False
        self.applications: dict[str, Application] = {}
        self.signing_key = ec.generate_private_key(ec.SECP384R1())
        numbers = self.signing_key.public_key().public_numbers()
        self._public_jwk_core = {
            "crv": "P-384",
            "kty": "EC",
            "x": _b64url_uint(numbers.x, 48),
            "y": _b64url_uint(numbers.y, 48),
        }
        # Logto computes the kid as the base64url SHA-256 of the key's JSON thumbprint components.
        self.kid = (
            base64.urlsafe_b64encode(
                hashlib.sha256(
                    json.dumps(self._public_jwk_core, separators=(",", ":")).encode()
                ).digest()
            )
            .rstrip(b"=")
            .decode()
        )
        self._clear()

    def _clear(self) -> None:
        self.users: dict[str, dict[str, Any]] = {}
        self.hooks: list[dict[str, Any]] = []  # POST /api/hooks; never delivered
        self.codes: list[VerificationCode] = []
        self.outbox: list[dict[str, Any]] = []
        self.personal_access_tokens: list[dict[str, Any]] = []
        self.sessions: dict[str, dict[str, Any]] = {}  # uid -> session
        self.interactions: dict[str, dict[str, Any]] = {}  # uid -> pending sign-in
        self.authorization_codes: dict[str, dict[str, Any]] = {}
        self.tokens: dict[str, dict[str, Any]] = {}  # access token -> grant info
        self.social_codes: dict[str, dict[str, Any]] = {}  # mock-social code -> identity
        # Where the mock social provider may send a browser back: the redirect URIs the app
        # named in its (authenticated) authorization-URI calls.
        self.social_redirect_uris: set[str] = set()
        # The tenant's connectors by kind ("email", "sms", "social"): all three mock ones.
        self.connectors: set[str] = {"email", "sms", "social"}
        # The tenant's account-center settings (``/api/account-center``): a fresh Logto's.
        self.account_center: dict[str, Any] = {
            "tenantId": "default",
            "id": "default",
            "enabled": False,
            "fields": {},
            "webauthnRelatedOrigins": [],
            "deleteAccountUrl": None,
            "customCss": None,
            "profileFields": None,
        }
        # The sign-in experience's settings changed by ``PATCH /api/sign-in-exp`` (the rest is the
        # recorded tenant's, in management.sign_in_experience).
        self.sign_in_experience_changes: dict[str, Any] = {}
        self.verification_records: dict[str, dict[str, Any]] = {}  # id -> Logto's record
        # A tenant without a storage provider, as most self-hosted ones are (avatar uploads answer
        # ``storage.not_configured``) unless ``configure_avatar_storage``; what was uploaded then.
        self.avatar_storage = False
        self.user_assets: dict[str, tuple[str, bytes]] = {}  # object key -> (type, bytes)
        # Grants no session holds (a consent kept after its session ended, a token exchange's):
        # grant id -> {"accountId", "clientId", "iat", "exp", "scope"}. A session's own grants
        # are its ``authorizations``.
        self.grants: dict[str, dict[str, Any]] = {}
        self.subject_tokens: dict[str, dict[str, Any]] = {}  # "sub_..." -> Logto's row
        self.trusted_devices: list[dict[str, Any]] = []  # Logto's rows, ``userId`` included
        self.organizations: dict[str, dict[str, Any]] = {}  # id -> Logto's JSON
        self.organization_roles: dict[str, dict[str, Any]] = {}  # id -> Logto's JSON
        # organization id -> user id -> the user's role ids there
        self.organization_members: dict[str, dict[str, list[str]]] = {}
        self.management_api_calls = 0
        # Every request answered but the emulator's own /_emulator/ ones: what a client paid in
        # round trips, whatever the API (Management, Account, the token endpoint).
        self.requests_served = 0
        self.m2m_tokens_issued = 0

    def set_connectors(self, on: bool, *kinds: str) -> None:
        """Switch the mock connectors of ``kinds`` (default: all) on or off."""
        with self.lock:
            chosen = set(kinds or ("email", "sms", "social"))
            self.connectors = self.connectors | chosen if on else self.connectors - chosen

    def configure_account_center(
        self,
        *,
        enabled: bool = True,
        fields: dict[str, str] | None = None,
        webauthn_related_origins: list[str] | None = None,
    ) -> None:
        """Set the account-center settings as ``PATCH /api/account-center`` would (``fields``
        replaces the whole map; a field left out is Off)."""
        with self.lock:
            self.account_center["enabled"] = enabled
            if fields is not None:
                self.account_center["fields"] = dict(fields)
            if webauthn_related_origins is not None:
                self.account_center["webauthnRelatedOrigins"] = list(webauthn_related_origins)

    def configure_avatar_storage(self, enabled: bool = True) -> None:
        """Play a tenant with a storage provider: ``POST /api/my-account/user-assets/avatar``
        accepts pictures (kept here, served at ``/user-assets/...``)."""
        with self.lock:
            self.avatar_storage = enabled

    def configure_dev_features(self, enabled: bool = True) -> None:
        """Play a Logto build with its development features on (trusted devices' routes, the
        ``trustedDevice`` account-center field) or, by default, a production build."""
        with self.lock:
            self.dev_features = enabled

    def connector_id(self, kind: str) -> str:
        return CONNECTOR_IDS[kind]

    def reset(self) -> None:
        """Forget users, codes, sessions and tokens; keep applications and the signing key."""
        with self.lock:
            self._clear()

    # -- applications -------------------------------------------------------------------------
    def add_application(self, app: Application) -> Application:
        with self.lock:
            self.applications[app.id] = app
        return app

    def web_applications(self) -> list[Application]:
        return [a for a in self.applications.values() if a.type == "Traditional"]

    def register_redirect_uri(self, uri: str, app_id: str | None = None) -> None:
        with self.lock:
            for app in self._apps_for(app_id):
                if uri not in app.redirect_uris:
                    app.redirect_uris.append(uri)

    def register_post_logout_redirect_uri(self, uri: str, app_id: str | None = None) -> None:
        with self.lock:
            for app in self._apps_for(app_id):
                if uri not in app.post_logout_redirect_uris:
                    app.post_logout_redirect_uris.append(uri)

    def _apps_for(self, app_id: str | None) -> list[Application]:
        if app_id is not None:
            return [self.applications[app_id]]
        return self.web_applications()

    # -- grants, trusted devices, organizations -------------------------------------------------
    def add_grant(
        self, user_id: str, client_id: str, scope: str = "openid profile", *, jti: str = ""
    ) -> str:
        """A grant of ``client_id`` for ``user_id`` that no session holds (a consent given
        earlier); its id. Logto's grants live 180 days."""
        now = int(time.time())
        grant_id = jti or generate_id(43)
        with self.lock:
            self.grants[grant_id] = {
                "accountId": user_id,
                "clientId": client_id,
                "iat": now,
                "exp": now + GRANT_LIFETIME_SECONDS,
                "scope": scope,
            }
        return grant_id

    def add_trusted_device(
        self,
        user_id: str,
        *,
        user_agent: str | None = None,
        ip: str | None = None,
        country: str | None = None,
        city: str | None = None,
    ) -> dict[str, Any]:
        """A device ``user_id`` chose to remember at the second step (served only with
        ``configure_dev_features``)."""
        created = now_ms()
        device = {
            "id": generate_id(21),
            "userId": user_id,
            "userAgent": user_agent,
            "ip": ip,
            "country": country,
            "city": city,
            "createdAt": created,
            "lastUsedAt": created,
            "expiresAt": created + TRUSTED_DEVICE_LIFETIME_SECONDS * 1000,
        }
        with self.lock:
            self.trusted_devices.append(device)
        return device

    def add_organization(self, name: str, description: str | None = None) -> dict[str, Any]:
        organization = {
            "tenantId": "default",
            "id": generate_id(12),
            "name": name,
            "description": description,
            "customData": {},
            "isMfaRequired": False,
            "color": {},
            "branding": {},
            "customCss": None,
            "createdAt": now_ms(),
        }
        with self.lock:
            self.organizations[organization["id"]] = organization
            self.organization_members[organization["id"]] = {}
        return organization

    def add_organization_role(self, name: str, description: str | None = None) -> dict[str, Any]:
        role = {
            "tenantId": "default",
            "id": generate_id(21),
            "name": name,
            "description": description,
            "type": "User",
        }
        with self.lock:
            self.organization_roles[role["id"]] = role
        return role

    def add_organization_member(
        self, organization_id: str, user_id: str, role_ids: list[str] | None = None
    ) -> None:
        with self.lock:
            roles = self.organization_members[organization_id].setdefault(user_id, [])
            roles.extend(r for r in role_ids or [] if r not in roles)

    # -- keys ---------------------------------------------------------------------------------
    def public_jwk(self) -> dict[str, str]:
        return {**self._public_jwk_core, "kid": self.kid, "alg": "ES384", "use": "sig"}

    # -- users --------------------------------------------------------------------------------
    def create_user(
        self,
        *,
        username: str | None = None,
        password: str | None = None,
        primary_email: str | None = None,
        primary_phone: str | None = None,
        name: str | None = None,
        avatar: str | None = None,
        custom_data: dict[str, Any] | None = None,
        profile: dict[str, Any] | None = None,
        identities: dict[str, Any] | None = None,
        sso_identities: list[dict[str, Any]] | None = None,
        user_id: str | None = None,
    ) -> dict[str, Any]:
        """Add a user directly (no collision checks beyond the id) and answer its stored dict."""
        created = now_ms()
        user: dict[str, Any] = {
            "id": user_id or generate_id(),
            "username": username,
            "primaryEmail": primary_email,
            "primaryPhone": primary_phone,
            "name": name,
            "avatar": avatar,
            "customData": dict(custom_data or {}),
            "identities": dict(identities or {}),
            "profile": dict(profile or {}),
            "applicationId": None,
            "lastSignInAt": None,
            "createdAt": created,
            "updatedAt": created,
            "isSuspended": False,
            "logtoConfig": {},
            "_password": hash_password(password) if password else None,
            "_mfa": [],
            "_sso": [dict(s) for s in sso_identities or []],
        }
        for sso in user["_sso"]:
            sso["userId"] = user["id"]
        with self.lock:
            self.users[user["id"]] = user
        return user

    def find_user_by(
        self, field_name: str, value: str | None, *, exclude: str | None = None
    ) -> dict[str, Any] | None:
        if not value:
            return None
        with self.lock:
            for user in self.users.values():
                if user["id"] == exclude:
                    continue
                stored = user.get(field_name)
                if stored is None:
                    continue
                # Logto compares usernames and emails case-insensitively.
                if field_name in ("username", "primaryEmail") and stored.lower() == value.lower():
                    return user
                if stored == value:
                    return user
        return None

    def find_user_by_identifier(self, identifier: str) -> dict[str, Any] | None:
        identifier = identifier.strip()
        if "@" in identifier:
            return self.find_user_by("primaryEmail", identifier)
        digits = identifier.lstrip("+").replace(" ", "").replace("-", "")
        if digits.isdigit():
            found = self.find_user_by("primaryPhone", digits)
            if found:
                return found
        return self.find_user_by("username", identifier)

    # -- verification codes -------------------------------------------------------------------
    def issue_code(self, kind: str, value: str) -> VerificationCode:
        code = VerificationCode((kind, value), f"{secrets.randbelow(10**6):06d}", time.time())
        with self.lock:
            # A new code replaces the previous ones for that recipient, as in Logto.
            self.codes = [c for c in self.codes if c.target != code.target]
            self.codes.append(code)
        self.deliver_code(kind, value, code.code)
        return code

    def deliver_code(self, kind: str, value: str, code: str) -> None:
        """Put a sent code in the outbox (and the log) for a developer or a test to read."""
        with self.lock:
            self.outbox.append({"to": value, "type": kind, "code": code, "sentAt": now_ms()})
        # Like a console email backend: a developer reads the code in the log.
        logger.info("Verification code for %s: %s", value, code)

    def last_code(self, email: str | None = None, phone: str | None = None) -> str | None:
        with self.lock:
            for message in reversed(self.outbox):
                if email is not None and message["to"].lower() == email.lower():
                    return message["code"]
                if phone is not None and message["to"] == phone:
                    return message["code"]
                if email is None and phone is None:
                    return message["code"]
        return None

    # -- tokens -------------------------------------------------------------------------------
    def store_token(self, token: str, info: dict[str, Any]) -> None:
        with self.lock:
            self.tokens[token] = {**info, "exp": time.time() + TOKEN_LIFETIME_SECONDS}

    def token_info(self, token: str) -> dict[str, Any] | None:
        with self.lock:
            info = self.tokens.get(token)
        if info is None or info["exp"] < time.time():
            return None
        return info

    # -- sessions -----------------------------------------------------------------------------
    def active_sessions(self, user_id: str) -> list[dict[str, Any]]:
        now = time.time()
        with self.lock:
            return [
                s for s in self.sessions.values() if s["accountId"] == user_id and s["exp"] > now
            ]

    def end_sessions_of(self, user_id: str) -> None:
        with self.lock:
            for uid in [u for u, s in self.sessions.items() if s["accountId"] == user_id]:
                del self.sessions[uid]
            for token in [t for t, i in self.tokens.items() if i.get("sub") == user_id]:
                del self.tokens[token]
