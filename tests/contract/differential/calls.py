"""One sequence of Management API calls, sent as-is to a Logto, and what each answer looked like.

The same steps run against the emulator and against a real Logto; an answer is reduced to what
must match (status, Logto's error ``code``, the JSON's shape, a few named facts), never to values
that differ by nature (ids, times, messages). Steps are plain data so the recorded answers of a
real Logto (``recorded/*.json``) can be checked against the emulator without a real Logto.
"""

from __future__ import annotations

import datetime
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import requests

from tests.contract.differential.authenticator import create_credential

# JSON whose inner keys depend on configuration, not on Logto's behaviour: compared by type only.
OPAQUE = {"config", "configTemplate", "rawData", "customData", "details.rawData", "formItems"}
# Objects keyed by an id (a client id): their keys are compared as one "<id>".
ID_KEYED = {"payload.authorizations", "sessions.payload.authorizations"}
MISSING = "nonexistent0000"  # an id no Logto has
CALLBACK = "http://127.0.0.1:8000/account/connections/callback/"
TOTP_SECRET = "JBSWY3DPEHPK3PXP"  # 16 base32 characters: 80 bits
BACKUP_CODES = [f"{i:010x}".upper() for i in range(10, 20)]


def shape(value: Any, path: str = "") -> Any:
    """The JSON's skeleton: key sets and value types; a list is the set of its items' shapes."""
    if isinstance(value, dict):
        if path in OPAQUE:
            return "object"
        if path in ID_KEYED:
            items = {json.dumps(shape(v, f"{path}.*"), sort_keys=True) for v in value.values()}
            return {"<id>": [json.loads(item) for item in sorted(items)]}
        return {k: shape(v, f"{path}.{k}".lstrip(".")) for k, v in sorted(value.items())}
    if isinstance(value, list):
        items = {json.dumps(shape(item, path), sort_keys=True) for item in value}
        return [json.loads(item) for item in sorted(items)]
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "null"


@dataclass
class Step:
    name: str
    method: str
    path: str
    body: Any = None
    # Values the later steps need (an id Logto chose), taken from this answer's JSON.
    save: dict[str, Callable[[Any], Any]] = field(default_factory=dict)
    # Facts beyond the shape that must match (a length, a value), computed from the JSON.
    facts: dict[str, Callable[[Any], Any]] = field(default_factory=dict)
    # Whose own access token goes as the bearer (the Account API), ANONYMOUS for none; the
    # Management API's M2M token when None.
    as_user: str | None = None
    # More request headers (``logto-verification-id``), filled like the path.
    headers: dict[str, str] = field(default_factory=dict)
    # The token endpoint's way: ``body`` sent as a form, the client named by ``client`` (a
    # context key; its secret under ``<client>_secret``) authenticated with HTTP Basic.
    client: str | None = None


ANONYMOUS = ""


@dataclass
class Hook:
    """A change of the Logto's setup between steps, done per target: ``connectors``,
    ``sign_in``, ``user_token`` (the user's own access token, for the Account API), ``passkey``
    (a credential for the last registration options, made on a page at the argument's origin),
    ``application`` (one of ``targets.APPLICATIONS``: its id and secret in the context under the
    kind's name), ``sign_in_at`` (a user signs in at such an application, consenting) or
    ``organization`` (the user a member with a role); not compared."""

    name: str
    argument: Any = None


class Target(Protocol):
    """What the sequence needs from a Logto beyond its Management API."""

    endpoint: str
    api: requests.Session

    def connectors(self, on: bool) -> dict[str, str]: ...

    def sign_in(
        self, username: str, password: str, scope: str = ..., app_id: str = ...
    ) -> tuple[str, str]: ...

    def user_token(self, username: str, password: str) -> str: ...

    def web_app(self) -> tuple[str, str]: ...

    def application(self, kind: str) -> tuple[str, str]: ...

    def organization(self, user_id: str, suffix: str) -> dict[str, str]: ...

    def cleanup(self) -> None: ...


def record(response: requests.Response, step: Step) -> dict[str, Any]:
    """What of an answer is compared."""
    kind = response.headers.get("content-type", "").split(";")[0]
    answer: dict[str, Any] = {"status": response.status_code}
    if not response.content:
        answer["body"] = "empty"
        return answer
    if kind != "application/json":
        answer["body"] = "text"
        answer["text"] = response.text.strip()
        if response.status_code == 405:
            answer["allow"] = sorted(
                m.strip() for m in response.headers.get("allow", "").split(",") if m.strip()
            )
        return answer
    data = response.json()
    answer["body"] = "json"
    if response.status_code >= 400 and isinstance(data, dict):
        answer["code"] = data.get("code")
        answer["shape"] = shape({k: v for k, v in data.items() if k != "message"})
    else:
        answer["shape"] = shape(data)
    for name, fact in step.facts.items():
        try:
            answer.setdefault("facts", {})[name] = fact(data)
        except (KeyError, IndexError, TypeError):
            answer.setdefault("facts", {})[name] = None
    return answer


def _fill(value: Any, context: dict[str, Any]) -> Any:
    if isinstance(value, str):
        whole = context.get(value[1:-1]) if value.startswith("{") and value.endswith("}") else None
        if whole is not None and not isinstance(whole, str):
            return whole  # an object the sequence made (a credential), as it is
        return value.format_map(context)
    if isinstance(value, list):
        return [_fill(v, context) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, context) for k, v in value.items()}
    return value


def run(target: Target, steps: list[Step | Hook] | None = None) -> dict[str, dict[str, Any]]:
    """Send every step to ``target``; the answers by step name."""
    suffix = secrets.token_hex(4)
    context: dict[str, Any] = {
        "missing": MISSING,
        "suffix": suffix,
        "callback": CALLBACK,
        "password": PASSWORD,
    }
    context["web_app"], context["web_app_secret"] = target.web_app()
    for user in USERS:
        body = {
            "username": f"diff_{user}_{suffix}",
            "password": PASSWORD,
            "primaryEmail": f"diff-{user}-{suffix}@example.com",
        }
        answer = target.api.post(f"{target.endpoint}/api/users", json=body, timeout=20)
        answer.raise_for_status()
        context[user] = answer.json()["id"]
        context[f"{user}_username"] = body["username"]
        context[f"{user}_email"] = body["primaryEmail"]
    answers: dict[str, dict[str, Any]] = {}
    try:
        for step in SEQUENCE if steps is None else steps:
            if isinstance(step, Hook):
                _hook(target, step, context)
                continue
            response = _send(target, step, context)
            answers[step.name] = record(response, step)
            if response.ok and step.save:
                data = response.json()
                context.update({key: pick(data) for key, pick in step.save.items()})
    finally:
        # Back to the lab's defaults: no account center, no passkey sign-in (ACCOUNT-API.md).
        target.api.patch(
            f"{target.endpoint}/api/account-center",
            json={"enabled": False, "fields": {}, "webauthnRelatedOrigins": []},
            timeout=20,
        )
        target.api.patch(
            f"{target.endpoint}/api/sign-in-exp", json={"passkeySignIn": {}}, timeout=20
        )
        for user in USERS:
            target.api.delete(f"{target.endpoint}/api/users/{context[user]}", timeout=20)
        target.connectors(False)
        target.cleanup()
    return answers


def _hook(target: Target, step: Hook, context: dict[str, Any]) -> None:
    if step.name == "connectors":
        context.update(target.connectors(step.argument))
    elif step.name == "sign_in":
        user = step.argument
        target.sign_in(context[f"{user}_username"], PASSWORD)
    elif step.name == "user_token":
        user = step.argument
        context[f"{user}_token"] = target.user_token(context[f"{user}_username"], PASSWORD)
    elif step.name == "application":
        key = _context_key(step.argument)
        context[key], context[f"{key}_secret"] = target.application(step.argument)
    elif step.name == "sign_in_at":
        user, kind = step.argument
        target.sign_in(
            context[f"{user}_username"], PASSWORD, "openid profile email", context[_context_key(kind)]
        )
    elif step.name == "organization":
        context.update(target.organization(context[step.argument], context["suffix"]))
    elif step.name == "passkey":
        credential = create_credential(context["registration"], step.argument)
        context["credential"] = {**credential, "type": "WebAuthn"}
        context["browser_credential"] = credential
    else:
        raise ValueError(step.name)


def _context_key(kind: str) -> str:
    return kind.replace(" ", "_") + "_app"


def _send(target: Target, step: Step, context: dict[str, Any]) -> requests.Response:
    url = f"{target.endpoint}{_fill(step.path, context)}"
    headers = {name: _fill(value, context) for name, value in step.headers.items()}
    body = _fill(step.body, context)
    if step.client is not None:
        client = (context[step.client], context[f"{step.client}_secret"])
        return requests.post(url, data=body, auth=client, headers=headers, timeout=20)
    if step.as_user is None:
        return target.api.request(step.method, url, json=body, headers=headers, timeout=20)
    if step.as_user != ANONYMOUS:
        headers["Authorization"] = f"Bearer {context[f'{step.as_user}_token']}"
    return requests.request(step.method, url, json=body, headers=headers, timeout=20)


PASSWORD = "Diff-" + secrets.token_urlsafe(12)
USERS = ("a", "b", "t1", "t2", "t3", "t4", "t5", "gone", "me", "c")


def _first_id_of(kind: str) -> Callable[[Any], Any]:
    return lambda items: next(item["id"] for item in items if item["type"] == kind)


SEQUENCE: list[Step | Hook] = [
    # -- no connector ---------------------------------------------------------------------------
    Hook("connectors", False),
    Step("connectors: none", "GET", "/api/connectors"),
    Step("code by email: no connector", "POST", "/api/verification-codes", {"email": "{a_email}"}),
    Step(
        "code by phone: no connector", "POST", "/api/verification-codes", {"phone": "15555550123"}
    ),
    # -- mock email, SMS and social connectors ----------------------------------------------------
    Hook("connectors", True),
    Step(
        "connectors: list",
        "GET",
        "/api/connectors",
        facts={"types": lambda items: sorted(item["type"] for item in items)},
    ),
    Step("connector: social", "GET", "/api/connectors/{social}"),
    Step("connector: unknown", "GET", "/api/connectors/{missing}"),
    Step(
        "authorization uri: email connector",
        "POST",
        "/api/connectors/{email}/authorization-uri",
        {"state": "diff-state", "redirectUri": "{callback}"},
    ),
    Step(
        "authorization uri: unknown connector",
        "POST",
        "/api/connectors/{missing}/authorization-uri",
        {"state": "diff-state", "redirectUri": "{callback}"},
    ),
    Step(
        "authorization uri: no body",
        "POST",
        "/api/connectors/{social}/authorization-uri",
        {},
    ),
    Step(
        "authorization uri: social",
        "POST",
        "/api/connectors/{social}/authorization-uri",
        {"state": "diff-state", "redirectUri": "{callback}"},
    ),
    Step(
        "link: email connector",
        "POST",
        "/api/users/{a}/identities",
        {"connectorId": "{email}", "connectorData": {"code": "c"}},
    ),
    Step(
        "link: unknown connector",
        "POST",
        "/api/users/{a}/identities",
        {"connectorId": "{missing}", "connectorData": {"code": "c"}},
    ),
    Step(
        "link: unknown user",
        "POST",
        "/api/users/{missing}/identities",
        {"connectorId": "{social}", "connectorData": {"code": "c"}},
    ),
    Step(
        "link: no code",
        "POST",
        "/api/users/{a}/identities",
        {"connectorId": "{social}", "connectorData": {"userId": "diff-social-{suffix}"}},
    ),
    Step(
        "link: social",
        "POST",
        "/api/users/{a}/identities",
        {
            "connectorId": "{social}",
            "connectorData": {
                "code": "c",
                "userId": "diff-social-{suffix}",
                "email": "social-{suffix}@example.com",
                "name": "Social Name",
            },
        },
        facts={"targets": lambda data: sorted(data)},
    ),
    Step(
        "link: same social account to another user",
        "POST",
        "/api/users/{b}/identities",
        {
            "connectorId": "{social}",
            "connectorData": {"code": "c", "userId": "diff-social-{suffix}"},
        },
    ),
    Step("user: after linking", "GET", "/api/users/{a}"),
    Step("user: with sso identities", "GET", "/api/users/{a}?includeSsoIdentities=true"),
    Step("all identities", "GET", "/api/users/{a}/all-identities"),
    Step("identity: get", "GET", "/api/users/{a}/identities/mock-social"),
    Step("sso identity: unknown", "GET", "/api/users/{a}/sso-identities/{missing}"),
    Step("unlink: social", "DELETE", "/api/users/{a}/identities/mock-social"),
    Step("unlink: again", "DELETE", "/api/users/{a}/identities/mock-social"),
    Step("code by email: sent", "POST", "/api/verification-codes", {"email": "{a_email}"}),
    Step(
        "code by email: wrong code",
        "POST",
        "/api/verification-codes/verify",
        {"email": "{a_email}", "verificationCode": "000000"},
    ),
    Step(
        "code by email: none sent",
        "POST",
        "/api/verification-codes/verify",
        {"email": "{b_email}", "verificationCode": "000000"},
    ),
    # -- unknown ids, routes and methods ----------------------------------------------------------
    Step("user: unknown", "GET", "/api/users/{missing}"),
    Step("user: delete unknown", "DELETE", "/api/users/{missing}"),
    Step("user: patch unknown", "PATCH", "/api/users/{missing}", {"name": "x"}),
    Step("mfa: unknown user", "GET", "/api/users/{missing}/mfa-verifications"),
    Step("logto-configs: unknown user", "GET", "/api/users/{missing}/logto-configs"),
    Step("tokens: unknown user", "GET", "/api/users/{missing}/personal-access-tokens"),
    Step(
        "suspend: unknown user",
        "PATCH",
        "/api/users/{missing}/is-suspended",
        {"isSuspended": True},
    ),
    Step("sessions: unknown user", "GET", "/api/users/{missing}/sessions"),
    Step("route: missing", "GET", "/api/no-such-route"),
    Step("method: not allowed", "PUT", "/api/verification-codes", {}),
    Step("validation: username not a string", "PATCH", "/api/users/{a}", {"username": 123}),
    Step("sign-in experience", "GET", "/api/sign-in-exp"),
    Step(
        "user: clear username with null",
        "PATCH",
        "/api/users/{t3}",
        {"username": None},
        facts={"username": lambda data: data["username"]},
    ),
    Step("user: clear email with empty", "PATCH", "/api/users/{t3}", {"primaryEmail": ""}),
    Step("user: invalid email", "PATCH", "/api/users/{t3}", {"primaryEmail": "not-an-email"}),
    # -- profile, password ------------------------------------------------------------------------
    Step("user: patch name", "PATCH", "/api/users/{a}", {"name": "Diff User"}),
    Step("profile: patch", "PATCH", "/api/users/{a}/profile", {"profile": {"nickname": "d"}}),
    Step("custom data: patch", "PATCH", "/api/users/{a}/custom-data", {"customData": {"k": 1}}),
    Step("has password", "GET", "/api/users/{a}/has-password"),
    Step(
        "password: wrong",
        "POST",
        "/api/users/{a}/password/verify",
        {"password": "not-the-password"},
    ),
    Step(
        "password policy: weak",
        "POST",
        "/api/sign-in-exp/default/check-password",
        {"password": "a", "userId": "{a}"},
    ),
    # -- logto-configs ----------------------------------------------------------------------------
    Step("logto-configs: fresh", "GET", "/api/users/{a}/logto-configs"),
    Step("logto-configs: mfa null", "PATCH", "/api/users/{a}/logto-configs", {"mfa": None}),
    Step(
        "logto-configs: enable",
        "PATCH",
        "/api/users/{a}/logto-configs",
        {"mfa": {"enabled": True}},
        facts={"enabled": lambda data: data["mfa"].get("enabled")},
    ),
    # -- MFA ---------------------------------------------------------------------------------------
    Step(
        "totp: 16-character secret",
        "POST",
        "/api/users/{t1}/mfa-verifications",
        {"type": "Totp", "secret": TOTP_SECRET},
    ),
    Step("totp: again", "POST", "/api/users/{t1}/mfa-verifications", {"type": "Totp"}),
    Step(
        "totp: 20-character secret",
        "POST",
        "/api/users/{t2}/mfa-verifications",
        {"type": "Totp", "secret": "JBSWY3DPEHPK3PXPJBSW"},
    ),
    Step("mfa: after refused secret", "GET", "/api/users/{t2}/mfa-verifications"),
    Step(
        "totp: padded secret",
        "POST",
        "/api/users/{t3}/mfa-verifications",
        {"type": "Totp", "secret": "JBSWY3DPEHPK3PXPJB======"},
    ),
    Step(
        "totp: empty secret",
        "POST",
        "/api/users/{t4}/mfa-verifications",
        {"type": "Totp", "secret": ""},
        facts={"secret": lambda data: data["secret"]},
    ),
    Step(
        "totp: too long secret",
        "POST",
        "/api/users/{t2}/mfa-verifications",
        {"type": "Totp", "secret": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DP"},
    ),
    Step(
        "totp: number secret",
        "POST",
        "/api/users/{t5}/mfa-verifications",
        {"type": "Totp", "secret": 123},
    ),
    Step("totp: generated", "POST", "/api/users/{t5}/mfa-verifications", {"type": "Totp"}),
    Step(
        "backup codes: alone",
        "POST",
        "/api/users/{b}/mfa-verifications",
        {"type": "BackupCode"},
    ),
    Step(
        "backup codes: three",
        "POST",
        "/api/users/{t1}/mfa-verifications",
        {"type": "BackupCode", "codes": BACKUP_CODES[:3]},
    ),
    Step(
        "backup codes: ten uppercase",
        "POST",
        "/api/users/{t1}/mfa-verifications",
        {"type": "BackupCode", "codes": BACKUP_CODES},
    ),
    Step(
        "backup codes: generated",
        "POST",
        "/api/users/{t5}/mfa-verifications",
        {"type": "BackupCode"},
        facts={"count": lambda data: len(data["codes"])},
    ),
    Step(
        "backup codes: again",
        "POST",
        "/api/users/{t5}/mfa-verifications",
        {"type": "BackupCode"},
    ),
    Step(
        "mfa: list",
        "GET",
        "/api/users/{t1}/mfa-verifications",
        save={"totp_id": _first_id_of("Totp")},
        facts={"types": lambda items: sorted(item["type"] for item in items)},
    ),
    Step("mfa: remove unknown", "DELETE", "/api/users/{t1}/mfa-verifications/{missing}"),
    Step("mfa: remove totp", "DELETE", "/api/users/{t1}/mfa-verifications/{totp_id}"),
    # -- personal access tokens -------------------------------------------------------------------
    Step("token: create", "POST", "/api/users/{a}/personal-access-tokens", {"name": "ci"}),
    Step("token: create again", "POST", "/api/users/{a}/personal-access-tokens", {"name": "ci"}),
    Step(
        "token: create for unknown user",
        "POST",
        "/api/users/{missing}/personal-access-tokens",
        {"name": "ci"},
    ),
    Step("token: list", "GET", "/api/users/{a}/personal-access-tokens"),
    Step(
        "token: rename unknown",
        "PATCH",
        "/api/users/{a}/personal-access-tokens/nope",
        {"name": "other"},
    ),
    Step(
        "token: rename unknown (body)",
        "PATCH",
        "/api/users/{a}/personal-access-tokens",
        {"currentName": "nope", "name": "other"},
    ),
    Step(
        "token: rename",
        "PATCH",
        "/api/users/{a}/personal-access-tokens",
        {"currentName": "ci", "name": "ci2"},
    ),
    Step("token: delete without name", "POST", "/api/users/{a}/personal-access-tokens/delete", {}),
    Step(
        "token: delete unknown",
        "POST",
        "/api/users/{a}/personal-access-tokens/delete",
        {"name": "nope"},
    ),
    Step("token: delete unknown (path)", "DELETE", "/api/users/{a}/personal-access-tokens/nope"),
    Step("token: delete", "POST", "/api/users/{a}/personal-access-tokens/delete", {"name": "ci2"}),
    # -- sessions (after a real sign-in to the web app) -------------------------------------------
    Hook("sign_in", "b"),
    Step(
        "user: after sign-in",
        "GET",
        "/api/users/{b}",
        facts={"applicationId set": lambda data: data["applicationId"] is not None},
    ),
    Step(
        "sessions: list",
        "GET",
        "/api/users/{b}/sessions",
        save={"uid": lambda data: data["sessions"][0]["payload"]["uid"]},
        facts={
            "count": lambda data: len(data["sessions"]),
            "uid length": lambda data: len(data["sessions"][0]["payload"]["uid"]),
        },
    ),
    Step("session: get", "GET", "/api/users/{b}/sessions/{uid}"),
    Step("grants: list", "GET", "/api/users/{b}/grants"),
    Step("grants: revoke unknown", "DELETE", "/api/users/{b}/grants/{missing}"),
    Step("session: revoke as another user", "DELETE", "/api/users/{a}/sessions/{uid}"),
    Step("session: revoke", "DELETE", "/api/users/{b}/sessions/{uid}"),
    Step("session: revoke again", "DELETE", "/api/users/{b}/sessions/{uid}"),
    # -- suspension and deletion ------------------------------------------------------------------
    Step("suspend: not a boolean", "PATCH", "/api/users/{b}/is-suspended", {"isSuspended": "y"}),
    Step("suspend", "PATCH", "/api/users/{b}/is-suspended", {"isSuspended": True}),
    Step("delete", "DELETE", "/api/users/{gone}"),
    Step("user: deleted", "GET", "/api/users/{gone}"),
    Step("sessions: deleted user", "GET", "/api/users/{gone}/sessions"),
    # -- what the Django admin reads and does ---------------------------------------------------
    Step(
        "users: many ids, exact",
        "GET",
        "/api/users?search.id={a}&search.id={t3}&search.id={missing}&mode.id=exact"
        "&isCaseSensitive=true",
        facts={"count": len},
    ),
    Step("users: many ids, like", "GET", "/api/users?search.id={a}&search.id={t3}"),
    Step(
        "users: like search, escaped",
        "GET",
        "/api/users?search=%25diff%5C_a%5C_{suffix}%25",
        facts={"count": len},
    ),
    Step(
        "session: revoke unknown with grants",
        "DELETE",
        "/api/users/{a}/sessions/{missing}?revokeGrantsTarget=all",
    ),
    Step(
        "hooks: create",
        "POST",
        "/api/hooks",
        {
            "name": "diff {suffix}",
            "events": ["User.Deleted", "User.Data.Updated", "User.SuspensionStatus.Updated"],
            "config": {"url": "https://example.com/account/webhooks/logto/"},
        },
        save={"hook": lambda data: data["id"]},
        facts={"signing key length": lambda data: len(data["signingKey"])},
    ),
    Step(
        "hooks: no events",
        "POST",
        "/api/hooks",
        {"name": "diff", "config": {"url": "https://example.com/x"}},
    ),
    Step(
        "hooks: list",
        "GET",
        "/api/hooks",
        facts={"ours listed": lambda data: any(h["name"].startswith("diff ") for h in data)},
    ),
    Step("hooks: delete", "DELETE", "/api/hooks/{hook}"),
]

# -- what the comparison of the Management API found different ---------------------------------
SEQUENCE += [
    Step("mfa: WebAuthn by the Management API", "POST", "/api/users/{t1}/mfa-verifications",
         {"type": "WebAuthn"}),
    Step("mfa: no type", "POST", "/api/users/{t1}/mfa-verifications", {}),
    Step("token: empty name", "POST", "/api/users/{a}/personal-access-tokens", {"name": ""}),
    Step("token: no name", "POST", "/api/users/{a}/personal-access-tokens", {}),
    Step("token: expiring", "POST", "/api/users/{a}/personal-access-tokens",
         {"name": "expiring", "expiresAt": 4102444800000}),
    Step("token: not expiring", "POST", "/api/users/{a}/personal-access-tokens",
         {"name": "not-expiring"}),
    # No order compared: Logto's query has none, so PostgreSQL's plan decides (by value through
    # the (tenant_id, value) index on a fresh lab, in insertion order once the table is analyzed).
    Step("token: list of two", "GET", "/api/users/{a}/personal-access-tokens"),
    Step("session: revoke with a bad target", "DELETE",
         "/api/users/{a}/sessions/{missing}?revokeGrantsTarget=some"),
    Step("code: empty body", "POST", "/api/verification-codes", {}),
    Step("code: bad email", "POST", "/api/verification-codes", {"email": "not-an-email"}),
    Step("code: bad phone", "POST", "/api/verification-codes", {"phone": "+1 555"}),
    Step("code verify: empty body", "POST", "/api/verification-codes/verify", {}),
    Step("code verify: no code", "POST", "/api/verification-codes/verify", {"email": "{a_email}"}),
    Step("code verify: empty code", "POST", "/api/verification-codes/verify",
         {"phone": "15555550123", "verificationCode": ""}),
]


def _minutes_left(data: Any) -> int:
    expires = datetime.datetime.fromisoformat(data["expiresAt"].replace("Z", "+00:00"))
    return round((expires - datetime.datetime.now(datetime.timezone.utc)).total_seconds() / 60)


ME = "me"
VERIFIED = {"logto-verification-id": "{pwd}"}
EDIT_ALL = {
    field_name: "Edit"
    for field_name in (
        "name", "avatar", "profile", "email", "phone", "password", "username", "social",
        "customData", "mfa",
    )
}


def _types(items: Any) -> list[str]:
    return sorted(item["type"] for item in items)


# -- the Account API, with the user's own opaque token (ACCOUNT-API.md) --------------------------
SEQUENCE += [
    Hook("user_token", ME),
    Step("account center: as a fresh tenant", "GET", "/api/account-center"),
    Step("account center: anonymous copy", "GET", "/api/.well-known/account-center",
         as_user=ANONYMOUS),
    Step("account: while disabled", "GET", "/api/my-account", as_user=ME),
    Step("verification: while disabled", "POST", "/api/verifications/password",
         {"password": "{password}"}, as_user=ME),
    Step("account center: a control it lacks", "PATCH", "/api/account-center",
         {"fields": {"name": "Sometimes"}}),
    Step("account center: enable", "PATCH", "/api/account-center",
         {"enabled": True, "fields": EDIT_ALL},
         facts={"fields": lambda data: data["fields"]}),
    Step("account: M2M token", "GET", "/api/my-account"),
    Step("account: no token", "GET", "/api/my-account", as_user=ANONYMOUS),
    Step("account: a route it lacks", "GET", "/api/my-account/nothing", as_user=ME),
    Step("account: password by PATCH", "PATCH", "/api/my-account/password", {}, as_user=ME),
    Step("account: read", "GET", "/api/my-account", as_user=ME,
         facts={"keys": lambda data: sorted(data)}),
    Step("account: name", "PATCH", "/api/my-account", {"name": "Account Diff"}, as_user=ME,
         facts={"name": lambda data: data["name"]}),
    Step("account: avatar not a URL", "PATCH", "/api/my-account", {"avatar": "no url"},
         as_user=ME),
    Step("account: username not a string", "PATCH", "/api/my-account", {"username": 1},
         as_user=ME),
    Step("account: username unverified", "PATCH", "/api/my-account",
         {"username": "{me_username}"}, as_user=ME),
    Step("account: profile", "PATCH", "/api/my-account/profile", {"nickname": "acc"},
         as_user=ME),
    Step("verification: wrong password", "POST", "/api/verifications/password",
         {"password": "not-the-password"}, as_user=ME),
    Step("verification: empty password", "POST", "/api/verifications/password",
         {"password": ""}, as_user=ME),
    Step("verification: password", "POST", "/api/verifications/password",
         {"password": "{password}"}, as_user=ME,
         save={"pwd": lambda data: data["verificationRecordId"]},
         facts={"minutes left": _minutes_left}),
    Step("account: username verified", "PATCH", "/api/my-account",
         {"username": "{me_username}"}, as_user=ME, headers=VERIFIED),
    Step("account: username, unknown record", "PATCH", "/api/my-account",
         {"username": "{me_username}"}, as_user=ME,
         headers={"logto-verification-id": "bogus123"}),
    Step("password: unverified", "POST", "/api/my-account/password",
         {"password": "{password}"}, as_user=ME),
    Step("password: the same", "POST", "/api/my-account/password",
         {"password": "{password}"}, as_user=ME, headers=VERIFIED),
    Step("password: too weak", "POST", "/api/my-account/password", {"password": "a"},
         as_user=ME, headers=VERIFIED,
         facts={"issues": lambda data: [i["code"] for i in data["data"]]}),
    Step("factors: none", "GET", "/api/my-account/mfa-verifications", as_user=ME),
    Step("mfa settings", "GET", "/api/my-account/mfa-settings", as_user=ME),
    Step("mfa settings: unverified", "PATCH", "/api/my-account/mfa-settings",
         {"skipMfaOnSignIn": True}, as_user=ME),
    Step("mfa settings: change", "PATCH", "/api/my-account/mfa-settings",
         {"skipMfaOnSignIn": True}, as_user=ME, headers=VERIFIED),
    Step("logto-configs", "GET", "/api/my-account/logto-configs", as_user=ME),
    Step("logto-configs: change", "PATCH", "/api/my-account/logto-configs",
         {"passkeySignIn": {"skipped": True}}, as_user=ME, headers=VERIFIED),
    Step("totp secret: generate", "POST", "/api/my-account/mfa-verifications/totp-secret/generate",
         as_user=ME, facts={"length": lambda data: len(data["secret"])}),
    Step("backup codes: generate", "POST",
         "/api/my-account/mfa-verifications/backup-codes/generate", as_user=ME,
         facts={"count": lambda data: len(data["codes"])}),
    Step("totp: not in the sign-in experience", "POST", "/api/my-account/mfa-verifications",
         {"type": "Totp", "secret": TOTP_SECRET}, as_user=ME, headers=VERIFIED),
    Step("factor: a type it lacks", "POST", "/api/my-account/mfa-verifications",
         {"type": "Sms"}, as_user=ME, headers=VERIFIED),
    Step("backup codes: none", "GET", "/api/my-account/mfa-verifications/backup-codes",
         as_user=ME, headers=VERIFIED),
    Step("sessions: unverified", "GET", "/api/my-account/sessions", as_user=ME),
    Step("sessions: field off", "GET", "/api/my-account/sessions", as_user=ME,
         headers=VERIFIED),
    Step("account center: sessions on", "PATCH", "/api/account-center",
         {"fields": {**EDIT_ALL, "session": "Edit"}}),
    Step("own sessions: list", "GET", "/api/my-account/sessions", as_user=ME, headers=VERIFIED,
         facts={"current": lambda data: [s["isCurrent"] for s in data["sessions"]]}),
    Step("own grants: list", "GET", "/api/my-account/grants", as_user=ME, headers=VERIFIED,
         facts={"count": lambda data: len(data["grants"])}),
    Step("grants: an app type it lacks", "GET", "/api/my-account/grants?appType=all",
         as_user=ME, headers=VERIFIED),
    Step("session: end with a bad target", "DELETE",
         "/api/my-account/sessions/{missing}?revokeGrantsTarget=some", as_user=ME,
         headers=VERIFIED),
    Step("session: end unknown", "DELETE", "/api/my-account/sessions/{missing}", as_user=ME,
         headers=VERIFIED),
    Step("grant: revoke unknown", "DELETE", "/api/my-account/grants/{missing}", as_user=ME,
         headers=VERIFIED),
    # codes (the mock connectors are on)
    Step("code: to the own email", "POST", "/api/verifications/verification-code",
         {"identifier": {"type": "email", "value": "{me_email}"}}, as_user=ME,
         save={"own_code": lambda data: data["verificationRecordId"]},
         facts={"minutes left": _minutes_left}),
    Step("code: a type it lacks", "POST", "/api/verifications/verification-code",
         {"identifier": {"type": "fax", "value": "1"}}, as_user=ME),
    Step("own code: bad email", "POST", "/api/verifications/verification-code",
         {"identifier": {"type": "email", "value": "bad"}}, as_user=ME),
    Step("code: a template it lacks", "POST", "/api/verifications/verification-code",
         {"identifier": {"type": "email", "value": "{me_email}"}, "templateType": "SignIn"},
         as_user=ME),
    Step("code: to a new email", "POST", "/api/verifications/verification-code",
         {"identifier": {"type": "email", "value": "new-{suffix}@example.com"}}, as_user=ME,
         save={"new_code": lambda data: data["verificationRecordId"]}),
    Step("code: wrong code", "POST", "/api/verifications/verification-code/verify",
         {"identifier": {"type": "email", "value": "{me_email}"},
          "verificationId": "{own_code}", "code": "000000"}, as_user=ME),
    Step("code: empty code", "POST", "/api/verifications/verification-code/verify",
         {"identifier": {"type": "email", "value": "{me_email}"},
          "verificationId": "{own_code}", "code": ""}, as_user=ME),
    Step("code: another email", "POST", "/api/verifications/verification-code/verify",
         {"identifier": {"type": "email", "value": "other-{suffix}@example.com"},
          "verificationId": "{own_code}", "code": "000000"}, as_user=ME),
    Step("code: phone for an email record", "POST", "/api/verifications/verification-code/verify",
         {"identifier": {"type": "phone", "value": "15555550123"},
          "verificationId": "{own_code}", "code": "000000"}, as_user=ME),
    Step("code: unknown record", "POST", "/api/verifications/verification-code/verify",
         {"identifier": {"type": "email", "value": "{me_email}"},
          "verificationId": "{missing}", "code": "000000"}, as_user=ME),
    Step("code record as proof, unverified", "PATCH", "/api/my-account",
         {"username": "{me_username}"}, as_user=ME,
         headers={"logto-verification-id": "{own_code}"}),
    Step("primary email: unverified record", "POST", "/api/my-account/primary-email",
         {"email": "new-{suffix}@example.com", "newIdentifierVerificationRecordId": "{new_code}"},
         as_user=ME, headers=VERIFIED),
    Step("primary email: no proof", "POST", "/api/my-account/primary-email",
         {"email": "new-{suffix}@example.com", "newIdentifierVerificationRecordId": "{new_code}"},
         as_user=ME),
    Step("primary email: a password record", "POST", "/api/my-account/primary-email",
         {"email": "new-{suffix}@example.com", "newIdentifierVerificationRecordId": "{pwd}"},
         as_user=ME, headers=VERIFIED),
    Step("primary phone: bad phone", "POST", "/api/my-account/primary-phone",
         {"phone": "+1 555", "newIdentifierVerificationRecordId": "{new_code}"},
         as_user=ME, headers=VERIFIED),
    Step("primary phone: remove, none set", "DELETE", "/api/my-account/primary-phone",
         as_user=ME, headers=VERIFIED),
    # social
    Step("social: start", "POST", "/api/verifications/social",
         {"connectorId": "{social}", "state": "diff-state", "redirectUri": "{callback}"},
         as_user=ME, save={"social_record": lambda data: data["verificationRecordId"]}),
    Step("social: unknown connector", "POST", "/api/verifications/social",
         {"connectorId": "{missing}", "state": "diff-state", "redirectUri": "{callback}"},
         as_user=ME),
    Step("social: email connector", "POST", "/api/verifications/social",
         {"connectorId": "{email}", "state": "diff-state", "redirectUri": "{callback}"},
         as_user=ME),
    Step("social: no redirect", "POST", "/api/verifications/social",
         {"connectorId": "{social}", "state": "diff-state"}, as_user=ME),
    Step("identities: link unverified", "POST", "/api/my-account/identities",
         {"newIdentifierVerificationRecordId": "{social_record}"}, as_user=ME, headers=VERIFIED),
    Step("social: verify", "POST", "/api/verifications/social/verify",
         {"verificationRecordId": "{social_record}",
          "connectorData": {"code": "c", "userId": "account-social-{suffix}"}}, as_user=ME),
    Step("social: verify unknown record", "POST", "/api/verifications/social/verify",
         {"verificationRecordId": "{missing}", "connectorData": {"code": "c"}}, as_user=ME),
    Step("identities: link unproven", "POST", "/api/my-account/identities",
         {"newIdentifierVerificationRecordId": "{social_record}"}, as_user=ME),
    Step("identities: link", "POST", "/api/my-account/identities",
         {"newIdentifierVerificationRecordId": "{social_record}"}, as_user=ME, headers=VERIFIED),
    Step("identities: link again", "POST", "/api/my-account/identities",
         {"newIdentifierVerificationRecordId": "{social_record}"}, as_user=ME, headers=VERIFIED),
    Step("account: linked", "GET", "/api/my-account", as_user=ME,
         facts={"targets": lambda data: sorted(data["identities"])}),
    Step("identities: unlink unknown", "DELETE", "/api/my-account/identities/nope", as_user=ME,
         headers=VERIFIED),
    Step("identities: unlink", "DELETE", "/api/my-account/identities/mock-social", as_user=ME,
         headers=VERIFIED),
    # a passkey, registered on a page at another origin
    Step("passkey: registration", "POST", "/api/verifications/web-authn/registration",
         as_user=ME,
         save={"passkey_record": lambda data: data["verificationRecordId"],
               "registration": lambda data: data["registrationOptions"]},
         facts={
             "rp is the host": lambda data: data["registrationOptions"]["rp"]["id"]
             == data["registrationOptions"]["rp"]["name"],
             "selection": lambda data: data["registrationOptions"]["authenticatorSelection"],
             "algorithms": lambda data: [
                 p["alg"] for p in data["registrationOptions"]["pubKeyCredParams"]
             ],
             "minutes left": _minutes_left,
         }),
    Hook("passkey", "http://localhost:8151"),
    Step("passkey: as the browser names it", "POST",
         "/api/verifications/web-authn/registration/verify",
         {"verificationRecordId": "{passkey_record}", "payload": "{browser_credential}"},
         as_user=ME),
    Step("passkey: from an origin not related", "POST",
         "/api/verifications/web-authn/registration/verify",
         {"verificationRecordId": "{passkey_record}", "payload": "{credential}"}, as_user=ME),
    Step("passkey: unknown record", "POST", "/api/verifications/web-authn/registration/verify",
         {"verificationRecordId": "{missing}", "payload": "{credential}"}, as_user=ME),
    Step("account center: related origin", "PATCH", "/api/account-center",
         {"webauthnRelatedOrigins": ["http://localhost:8151", "http://localhost:8151"]},
         facts={"origins": lambda data: data["webauthnRelatedOrigins"]}),
    Step("passkey: verify", "POST", "/api/verifications/web-authn/registration/verify",
         {"verificationRecordId": "{passkey_record}", "payload": "{credential}"}, as_user=ME),
    Step("passkey: bind unproven", "POST", "/api/my-account/mfa-verifications",
         {"type": "WebAuthn", "newIdentifierVerificationRecordId": "{passkey_record}",
          "name": "diff passkey"}, as_user=ME),
    Step("passkey: bind, not in the sign-in experience", "POST",
         "/api/my-account/mfa-verifications",
         {"type": "WebAuthn", "newIdentifierVerificationRecordId": "{passkey_record}",
          "name": "diff passkey"}, as_user=ME, headers=VERIFIED),
    Step("sign-in experience: passkey sign-in on", "PATCH", "/api/sign-in-exp",
         {"passkeySignIn": {"enabled": True}},
         facts={"passkeySignIn": lambda data: data["passkeySignIn"]}),
    Step("passkey: bind", "POST", "/api/my-account/mfa-verifications",
         {"type": "WebAuthn", "newIdentifierVerificationRecordId": "{passkey_record}",
          "name": "diff passkey"}, as_user=ME, headers=VERIFIED),
    Step("passkey: listed", "GET", "/api/my-account/mfa-verifications", as_user=ME,
         save={"passkey": lambda items: items[0]["id"]},
         facts={"types": _types, "names": lambda items: [i.get("name") for i in items]}),
    Step("passkey: listed by the Management API", "GET", "/api/users/{me}/mfa-verifications",
         facts={"agent": lambda items: items[0]["agent"].startswith("python-requests/")}),
    Step("passkey: rename", "PATCH", "/api/my-account/mfa-verifications/{passkey}/name",
         {"name": "renamed"}, as_user=ME, headers=VERIFIED),
    Step("passkey: rename unknown", "PATCH", "/api/my-account/mfa-verifications/{missing}/name",
         {"name": "renamed"}, as_user=ME, headers=VERIFIED),
    Step("passkey: renamed", "GET", "/api/my-account/mfa-verifications", as_user=ME,
         facts={"names": lambda items: [i.get("name") for i in items]}),
    Step("passkey: remove unproven", "DELETE", "/api/my-account/mfa-verifications/{passkey}",
         as_user=ME),
    Step("passkey: remove", "DELETE", "/api/my-account/mfa-verifications/{passkey}",
         as_user=ME, headers=VERIFIED),
    Step("passkey: remove again", "DELETE", "/api/my-account/mfa-verifications/{passkey}",
         as_user=ME, headers=VERIFIED),
    Step("sign-in experience: passkey sign-in off", "PATCH", "/api/sign-in-exp",
         {"passkeySignIn": {}}, facts={"passkeySignIn": lambda data: data["passkeySignIn"]}),
    Step("account center: disable", "PATCH", "/api/account-center",
         {"enabled": False, "fields": {}, "webauthnRelatedOrigins": []}),
    Step("account: disabled again", "GET", "/api/my-account", as_user=ME),
]


# -- connected apps, remembered devices, organizations, impersonation ---------------------------
TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token"


def _grant_names(data: Any) -> list[str]:
    return sorted(grant["application"]["name"] for grant in data["grants"])


def _exchange(subject: str, **more: str) -> dict[str, str]:
    return {
        "grant_type": TOKEN_EXCHANGE,
        "subject_token": subject,
        "subject_token_type": ACCESS_TOKEN_TYPE,
        **more,
    }


SEQUENCE += [
    # grants: a third-party app the user allowed on Logto's consent page
    Hook("application", "third party"),
    Hook("application", "token exchange"),
    Step("grants: none yet", "GET", "/api/users/{c}/grants"),
    Hook("sign_in_at", ("c", "third party")),
    Step("grants: a third-party app", "GET", "/api/users/{c}/grants?appType=thirdParty",
         save={"tp_grant": lambda data: data["grants"][0]["id"]},
         facts={"names": _grant_names, "grant id length": lambda data: len(data["grants"][0]["id"])}),
    Step("grants: first-party only", "GET", "/api/users/{c}/grants?appType=firstParty",
         facts={"names": _grant_names}),
    Step("grants by the Management API: an app type it lacks", "GET",
         "/api/users/{c}/grants?appType=all"),
    Step("grants: unknown user", "GET", "/api/users/{missing}/grants"),
    Step("application: third-party", "GET", "/api/applications/{third_party_app}",
         facts={"isThirdParty": lambda data: data["isThirdParty"], "name": lambda d: d["name"]}),
    Step("application: token exchange", "GET", "/api/applications/{token_exchange_app}",
         facts={"custom": lambda data: data["customClientMetadata"]}),
    Step("application: unknown", "GET", "/api/applications/{missing}"),
    Step("application: branding", "GET", "/api/applications/{third_party_app}/sign-in-experience",
         facts={"displayName": lambda data: data["displayName"],
                "logo": lambda data: data["branding"]["logoUrl"]}),
    Step("application: no branding", "GET",
         "/api/applications/{token_exchange_app}/sign-in-experience"),
    Step("application: branding of an unknown app", "GET",
         "/api/applications/{missing}/sign-in-experience"),
    Step("grant: revoke as another user", "DELETE", "/api/users/{a}/grants/{tp_grant}"),
    Step("grant: revoke the third-party app", "DELETE", "/api/users/{c}/grants/{tp_grant}"),
    Step("grants: after revoking", "GET", "/api/users/{c}/grants",
         facts={"names": _grant_names}),
    Step("sessions: after revoking the grant", "GET", "/api/users/{c}/sessions",
         facts={"authorizations": lambda data: [
             len(s["payload"]["authorizations"]) for s in data["sessions"]]}),
    Step("grant: revoke again", "DELETE", "/api/users/{c}/grants/{tp_grant}"),
    # remembered devices: behind Logto's development features, off in a production build
    Step("trusted devices: production build", "GET", "/api/users/{c}/trusted-devices"),
    Step("trusted device: forget, production build", "DELETE",
         "/api/users/{c}/trusted-devices/{missing}"),
    Step("own trusted devices: production build", "GET", "/api/my-account/trusted-devices",
         as_user=ME),
    Step("own trusted devices: no token", "GET", "/api/my-account/trusted-devices",
         as_user=ANONYMOUS),
    # organizations
    Step("organizations: none", "GET", "/api/users/{c}/organizations"),
    Hook("organization", "c"),
    Step("organizations: a member with a role", "GET", "/api/users/{c}/organizations",
         facts={"names": lambda items: [o["name"] for o in items],
                "role counts": lambda items: [len(o["organizationRoles"]) for o in items]}),
    Step("organizations: unknown user", "GET", "/api/users/{missing}/organizations"),
    Step("organization roles: of a member", "GET", "/api/organizations/{org}/users/{c}/roles",
         facts={"descriptions": lambda items: [r["description"] for r in items],
                "types": lambda items: [r["type"] for r in items]}),
    Step("organization roles: paged", "GET",
         "/api/organizations/{org}/users/{c}/roles?page=1&page_size=5"),
    Step("organization roles: not a member", "GET", "/api/organizations/{org}/users/{a}/roles"),
    Step("organization roles: unknown organization", "GET",
         "/api/organizations/{missing}/users/{c}/roles"),
    # impersonation: a subject token, exchanged by an application at the token endpoint
    Step("subject token", "POST", "/api/subject-tokens",
         {"userId": "{c}", "context": {"reason": "differential"}},
         save={"subject": lambda data: data["subjectToken"]},
         facts={"prefix": lambda data: data["subjectToken"][:4],
                "length": lambda data: len(data["subjectToken"]),
                "expiresIn": lambda data: data["expiresIn"]}),
    Step("subject token: no user", "POST", "/api/subject-tokens", {}),
    Step("subject token: unknown user", "POST", "/api/subject-tokens", {"userId": "{missing}"}),
    Step("subject token: context not an object", "POST", "/api/subject-tokens",
         {"userId": "{c}", "context": "x"}),
    Step("exchange: an app without token exchange", "POST", "/oidc/token", _exchange("{subject}"),
         client="web_app"),
    Step("exchange: no subject token", "POST", "/oidc/token",
         {"grant_type": TOKEN_EXCHANGE, "subject_token_type": ACCESS_TOKEN_TYPE},
         client="token_exchange_app"),
    Step("exchange: unknown subject token", "POST", "/oidc/token", _exchange("sub_{missing}"),
         client="token_exchange_app"),
    Step("exchange: a token type it lacks", "POST", "/oidc/token",
         {**_exchange("{subject}"), "subject_token_type": "urn:example:nothing"},
         client="token_exchange_app"),
    Step("exchange", "POST", "/oidc/token", _exchange("{subject}", scope="openid profile"),
         client="token_exchange_app",
         save={"x_token": lambda data: data["access_token"]},
         facts={"scope": lambda data: data["scope"],
                "opaque": lambda data: len(data["access_token"]) == 43
                and "." not in data["access_token"],
                "expires_in": lambda data: data["expires_in"]}),
    Step("exchange: spent subject token", "POST", "/oidc/token", _exchange("{subject}"),
         client="token_exchange_app"),
    Step("exchange: the token at userinfo", "GET", "/oidc/me", as_user="x"),
    Step("exchange: the token at the Account API", "GET", "/api/my-account", as_user="x"),
    Step("grants: after an exchange", "GET", "/api/users/{c}/grants?appType=firstParty",
         save={"x_grant": lambda data: data["grants"][0]["id"]},
         facts={"names": _grant_names,
                "grant id length": lambda data: len(data["grants"][0]["id"]),
                "scopes": lambda data: [g["payload"]["openid"]["scope"] for g in data["grants"]]}),
    Step("grant: revoke the exchange's", "DELETE", "/api/users/{c}/grants/{x_grant}"),
    Step("exchange: the token after its grant", "GET", "/oidc/me", as_user="x"),
]
