"""The Management API half of the emulator (``/api/...``), with Logto's payloads, statuses and codes.

Like real Logto, the Management API enforces little: no password policy on set, no username rules
beyond its guard regexes, no "keep one way to sign in". Applications must enforce those themselves.
"""

from __future__ import annotations

import base64
import re
import secrets
import time
from collections.abc import Callable
from typing import Any

import jwt

from logto_emulator import password_policy, totp
from logto_emulator.connectors import CONNECTOR_IDS, connector_json, kind_of
from logto_emulator.http import (
    ABSENT,
    HttpError,
    Request,
    Response,
    check_type,
    clearable_issue,
    empty,
    guard_error,
    invalid_input,
    json_response,
    not_found,
    regex_issue,
    type_issue,
    with_query,
)
from logto_emulator.state import (
    CODE_LIFETIME_SECONDS,
    CODE_MAX_TRIES,
    EmulatorState,
    check_password,
    generate_id,
    hash_password,
    now_ms,
)

# Logto's guard regexes (packages/toolkit/core-kit/src/regex.ts).
USERNAME_RE = re.compile(r"^[A-Z_a-z]\w*$")
EMAIL_RE = re.compile(r"^\S+@\S+\.\S+$")
PHONE_RE = re.compile(r"^\d+$")
PROFILE_KEYS = {
    "familyName",
    "givenName",
    "middleName",
    "nickname",
    "preferredUsername",
    "profile",
    "website",
    "gender",
    "birthdate",
    "zoneinfo",
    "locale",
    "address",
}
ADDRESS_KEYS = {"formatted", "streetAddress", "locality", "region", "postalCode", "country"}
TENANT_ID = "default"

MOCK_SOCIAL_CONNECTOR_ID = CONNECTOR_IDS["social"]


# -- routing ----------------------------------------------------------------------------------
Handler = Callable[..., Response]
_ROUTES: list[tuple[str, re.Pattern[str], Handler]] = []


def route(method: str, pattern: str) -> Callable[[Handler], Handler]:
    def register(func: Handler) -> Handler:
        _ROUTES.append((method, re.compile(pattern), func))
        return func

    return register


def dispatch(state: EmulatorState, request: Request) -> Response:
    _authenticate(state, request)
    with state.lock:
        state.management_api_calls += 1
    allowed: list[str] = []
    for method, pattern, handler in _ROUTES:
        match = pattern.fullmatch(request.path)
        if match is None:
            continue
        allowed.append(method)
        if method == request.method:
            with state.lock:
                return handler(state, request, *match.groups())
    # koa-router's own answers, plain text without a Logto code: the client tells a Logto
    # version without a route (e.g. sessions) by them.
    if allowed:
        return Response(
            405,
            b"Method Not Allowed",
            [("Content-Type", "text/plain; charset=utf-8"), ("Allow", ", ".join(allowed))],
        )
    return Response(404, b"Not Found", [("Content-Type", "text/plain; charset=utf-8")])


def _authenticate(state: EmulatorState, request: Request) -> None:
    header = request.headers.get("authorization")
    if not header:
        raise HttpError(401, "auth.authorization_header_missing")
    if not header.startswith("Bearer"):
        raise HttpError(
            401, "auth.authorization_token_type_not_supported", {"supportedTypes": ["Bearer"]}
        )
    token = header[len("Bearer ") :].strip()
    info = state.token_info(token)
    if info is None or info["kind"] != "m2m":
        raise HttpError(401, "auth.unauthorized", _jose_error(state, token))
    if "all" not in info["scope"].split():
        raise HttpError(403, "auth.forbidden")


def _jose_error(state: EmulatorState, token: str) -> dict[str, str] | None:
    """What Logto's JWT library (jose) says about a token the API refuses, as Logto puts it in
    the 401's ``data``; ``None`` for a sound token the emulator no longer knows (after a reset)."""
    try:
        jwt.decode(
            token,
            state.signing_key.public_key(),
            algorithms=["ES384"],
            options={"verify_aud": False},
        )
    except jwt.InvalidAlgorithmError:
        return {"code": "ERR_JOSE_NOT_SUPPORTED", "name": "JOSENotSupported"}
    except jwt.InvalidSignatureError:
        return {
            "code": "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
            "name": "JWSSignatureVerificationFailed",
        }
    except jwt.ExpiredSignatureError:
        return {"code": "ERR_JWT_EXPIRED", "name": "JWTExpired"}
    except jwt.PyJWTError:  # not a JWS at all, e.g. an opaque user access token
        return {"code": "ERR_JWS_INVALID", "name": "JWSInvalid"}
    return None


# -- helpers ----------------------------------------------------------------------------------
def _user(state: EmulatorState, user_id: str) -> dict[str, Any]:
    user = state.users.get(user_id)
    if user is None:
        raise not_found("user", user_id)
    return user


def user_json(user: dict[str, Any], *, include_sso: bool = False) -> dict[str, Any]:
    data = {k: v for k, v in user.items() if not k.startswith("_") and k != "logtoConfig"}
    data["cimdClientId"] = None
    data["hasPassword"] = bool(user["_password"])
    if include_sso:
        data["ssoIdentities"] = user["_sso"]
    return data


def _touch(user: dict[str, Any]) -> None:
    user["updatedAt"] = now_ms()


def _check_collisions(state: EmulatorState, body: dict[str, Any], user_id: str | None) -> None:
    if body.get("username") and state.find_user_by("username", body["username"], exclude=user_id):
        raise HttpError(422, "user.username_already_in_use")
    if body.get("primaryEmail") and state.find_user_by(
        "primaryEmail", body["primaryEmail"], exclude=user_id
    ):
        raise HttpError(422, "user.email_already_in_use")
    if body.get("primaryPhone") and state.find_user_by(
        "primaryPhone", body["primaryPhone"], exclude=user_id
    ):
        raise HttpError(422, "user.phone_already_in_use")


def _validate_user_fields(body: dict[str, Any], *, allow_clear: bool) -> dict[str, Any]:
    """Apply Logto's body guard for user create/update; answer the fields with "" turned into None."""
    clean: dict[str, Any] = {}
    patterns = {"username": USERNAME_RE, "primaryEmail": EMAIL_RE, "primaryPhone": PHONE_RE}
    for key, value in body.items():
        if key in patterns and allow_clear and value not in ("", None):
            # The update guard: a valid string, or "" or null (clear), and nothing else.
            if not isinstance(value, str):
                raise guard_error(clearable_issue(key, value, type_issue(key, "string", value)))
            if not patterns[key].match(value):
                # zod reports a union member that got the type right by its own issue alone.
                raise guard_error(regex_issue(key))
        if key in patterns or key in ("name", "avatar"):
            if value in ("", None):
                if not allow_clear and key != "avatar":
                    raise guard_error(
                        regex_issue(key) if value == "" else type_issue(key, "string", value)
                    )
                clean[key] = None
                continue
            if not isinstance(value, str):
                raise guard_error(type_issue(key, "string", value))
            if key in patterns and not patterns[key].match(value):
                raise guard_error(regex_issue(key))
            if key == "avatar" and not value.startswith(("http://", "https://")):
                raise invalid_input("avatar: Invalid url")
            clean[key] = value
        elif key == "customData":
            if not isinstance(value, dict):
                raise invalid_input("customData: Expected object")
            clean[key] = value
        elif key == "profile":
            clean[key] = _validate_profile(value)
    return clean


def _validate_profile(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise invalid_input("profile: Expected object")
    profile: dict[str, Any] = {}
    for key, item in value.items():
        if key not in PROFILE_KEYS:
            continue  # zod strips unknown keys
        if key == "address":
            if not isinstance(item, dict) or any(
                not isinstance(v, str) for k, v in item.items() if k in ADDRESS_KEYS
            ):
                raise invalid_input("profile.address: Expected object of strings")
            profile[key] = {k: v for k, v in item.items() if k in ADDRESS_KEYS}
        elif not isinstance(item, str):
            raise invalid_input(f"profile.{key}: Expected string")
        else:
            profile[key] = item
    return profile


def _bool_query(request: Request, name: str) -> bool:
    return request.query.get(name, "").lower() in ("true", "1", "yes", "y")


# -- users ------------------------------------------------------------------------------------
# Logto's user search keys (queries/user.ts) and its search syntax (utils/search.ts):
# ``search`` / ``search.<field>`` values, ``mode`` / ``mode.<field>`` of like (default) or exact,
# "or" between fields unless ``joint=and``, case-insensitive unless ``isCaseSensitive=true``.
USER_SEARCH_FIELDS = ("id", "primaryEmail", "primaryPhone", "username", "name")


def _like_pattern(value: str) -> str:
    # SQL LIKE: % is any run, _ any one character, backslash escapes the next one.
    parts, escaped = [], False
    for char in value:
        if escaped:
            parts.append(re.escape(char))
            escaped = False
        elif char == "\\":
            escaped = True
        else:
            parts.append(".*" if char == "%" else "." if char == "_" else re.escape(char))
    return "".join(parts)


def _user_search(query_all: dict[str, list[str]]) -> Callable[[dict[str, Any]], bool] | None:
    """A predicate for Logto's user search parameters; ``None`` when none given. A field may be
    searched for several values only in ``exact`` mode (any of them matches), as in Logto. A bad
    search is Logto's ``request.invalid_input`` with empty ``data`` (its reason is not sent)."""
    query = {key: values[-1] for key, values in query_all.items()}
    modes: dict[str | None, str] = {}
    values: dict[str | None, list[str]] = {}
    for key, given in query_all.items():
        prefix, _, field = key.partition(".")
        if prefix not in ("search", "mode"):
            continue
        if field and field not in USER_SEARCH_FIELDS:
            raise HttpError(400, "request.invalid_input", {})
        if prefix == "mode":
            value = given[-1]
            if value not in ("like", "exact"):  # similar_to and posix are not emulated
                raise HttpError(400, "request.invalid_input", {})
            modes[field or None] = value
        else:
            values[field or None] = list(given)
    if not values:
        return None
    for field, wanted_values in values.items():
        mode = modes.get(field) or modes.get(None) or "like"
        if mode != "exact" and len(wanted_values) != 1:
            raise HttpError(400, "request.invalid_input", {})
        if not all(wanted_values):
            raise HttpError(400, "request.invalid_input", {})
    joint_and = (query.get("joint") or query.get("jointMode") or "or") == "and"
    case_sensitive = query.get("isCaseSensitive", "false").lower() == "true"

    def matches(user: dict[str, Any], field: str | None, wanted: str) -> bool:
        mode = modes.get(field) or modes.get(None) or "like"
        for name in (field,) if field else USER_SEARCH_FIELDS:
            stored = user.get(name)  # type: ignore[arg-type]
            if stored is None:
                continue
            have, want = (
                (str(stored), wanted) if case_sensitive else (str(stored).lower(), wanted.lower())
            )
            if mode == "exact" and have == want:
                return True
            if mode == "like" and re.fullmatch(_like_pattern(want), have, re.S):
                return True
        return False

    def predicate(user: dict[str, Any]) -> bool:
        results = (
            any(matches(user, field, wanted) for wanted in wanted_values)
            for field, wanted_values in values.items()
        )
        return all(results) if joint_and else any(results)

    return predicate


@route("GET", r"/api/users")
def list_users(state: EmulatorState, request: Request) -> Response:
    users = sorted(state.users.values(), key=lambda u: u["createdAt"], reverse=True)
    predicate = _user_search(request.query_all)
    if predicate is not None:
        users = [u for u in users if predicate(u)]
    try:
        page = max(int(request.query.get("page", "1")), 1)
        size = min(max(int(request.query.get("page_size", "20")), 1), 100)
    except ValueError as exc:
        raise HttpError(
            400, "guard.invalid_input", {"details": "page: Invalid"}, type="query"
        ) from exc
    chunk = users[(page - 1) * size : page * size]
    return json_response([user_json(u) for u in chunk], headers=[("Total-Number", str(len(users)))])


@route("POST", r"/api/users")
def create_user(state: EmulatorState, request: Request) -> Response:
    body = request.json_object()
    fields = _validate_user_fields(body, allow_clear=False)
    password = body.get("password")
    if password is not None and (not isinstance(password, str) or not password):
        raise invalid_input("password: String must contain at least 1 character(s)")
    _check_collisions(state, fields, None)
    user = state.create_user(
        username=fields.get("username"),
        password=password,
        primary_email=fields.get("primaryEmail"),
        primary_phone=fields.get("primaryPhone"),
        name=fields.get("name"),
        avatar=fields.get("avatar"),
        custom_data=fields.get("customData"),
        profile=fields.get("profile"),
    )
    return json_response(user_json(user))


@route("GET", r"/api/users/([^/]+)")
def get_user(state: EmulatorState, request: Request, user_id: str) -> Response:
    return json_response(
        user_json(_user(state, user_id), include_sso=_bool_query(request, "includeSsoIdentities"))
    )


@route("PATCH", r"/api/users/([^/]+)")
def update_user(state: EmulatorState, request: Request, user_id: str) -> Response:
    user = _user(state, user_id)
    fields = _validate_user_fields(request.json_object(), allow_clear=True)
    _check_collisions(state, fields, user_id)
    # Here customData and profile are replaced whole, unlike their own endpoints which merge.
    user.update(fields)
    _touch(user)
    return json_response(user_json(user))


@route("DELETE", r"/api/users/([^/]+)")
def delete_user(state: EmulatorState, request: Request, user_id: str) -> Response:
    _user(state, user_id)
    state.end_sessions_of(user_id)  # Logto signs the user out everywhere
    del state.users[user_id]
    state.personal_access_tokens = [
        t for t in state.personal_access_tokens if t["userId"] != user_id
    ]
    return empty()


@route("PATCH", r"/api/users/([^/]+)/profile")
def update_profile(state: EmulatorState, request: Request, user_id: str) -> Response:
    user = _user(state, user_id)
    body = request.json_object()
    if "profile" not in body:
        raise invalid_input("profile: Required")
    user["profile"] = {**user["profile"], **_validate_profile(body["profile"])}
    _touch(user)
    return json_response(user["profile"])


@route("GET", r"/api/users/([^/]+)/custom-data")
def get_custom_data(state: EmulatorState, request: Request, user_id: str) -> Response:
    return json_response(_user(state, user_id)["customData"])


@route("PATCH", r"/api/users/([^/]+)/custom-data")
def update_custom_data(state: EmulatorState, request: Request, user_id: str) -> Response:
    user = _user(state, user_id)
    body = request.json_object()
    if not isinstance(body.get("customData"), dict):
        raise invalid_input("customData: Required")
    user["customData"] = {**user["customData"], **body["customData"]}
    _touch(user)
    return json_response(user["customData"])


def _logto_config_json(user: dict[str, Any]) -> dict[str, Any]:
    config = user["logtoConfig"]
    mfa = config.get("mfa", {})
    answer: dict[str, Any] = {
        "mfa": {
            "skipped": bool(mfa.get("skipped", False)),
            "skipMfaOnSignIn": bool(mfa.get("skipMfaOnSignIn", False)),
        },
        "passkeySignIn": {"skipped": bool(config.get("passkeySignIn", {}).get("skipped", False))},
    }
    if "enabled" in mfa:
        # As Logto (libraries/user-logto-config.ts): absent until it has been set once.
        answer["mfa"] = {"enabled": bool(mfa["enabled"]), **answer["mfa"]}
    return answer


@route("GET", r"/api/users/([^/]+)/logto-configs")
def get_logto_configs(state: EmulatorState, request: Request, user_id: str) -> Response:
    return json_response(_logto_config_json(_user(state, user_id)))


@route("PATCH", r"/api/users/([^/]+)/logto-configs")
def update_logto_configs(state: EmulatorState, request: Request, user_id: str) -> Response:
    # Logto 1.42's behaviour: every part optional, mfa.enabled settable and answered. Logto 1.37
    # required mfa.skipped, mfa.skipMfaOnSignIn and passkeySignIn.skipped in every PATCH; the
    # app's client sends the full merged configs, which both accept.
    body = request.json_object()
    allowed = {
        "mfa": {"enabled", "skipped", "skipMfaOnSignIn", "additionalBindingSuggestionSkipped"},
        "passkeySignIn": {"skipped"},
    }
    for section, keys in allowed.items():
        part = check_type(body, section, "object", optional=True)  # optional, never null
        for key in keys & set(part or ()):
            if not isinstance(part[key], bool):
                raise guard_error(type_issue(f"{section}.{key}", "boolean", part[key]))
    user = _user(state, user_id)
    for section, keys in allowed.items():
        part = body.get(section)
        if part is None:
            continue
        current = user["logtoConfig"].setdefault(section, {})
        current.update({k: v for k, v in part.items() if k in keys})
    _touch(user)
    return json_response(_logto_config_json(user))


@route("PATCH", r"/api/users/([^/]+)/is-suspended")
def set_suspended(state: EmulatorState, request: Request, user_id: str) -> Response:
    value = check_type(request.json_object(), "isSuspended", "boolean")
    user = _user(state, user_id)
    user["isSuspended"] = value
    if value:
        state.end_sessions_of(user_id)  # a suspended user is signed out
    _touch(user)
    return json_response(user_json(user))


# -- password ---------------------------------------------------------------------------------
def _password_body(request: Request) -> str:
    password = request.json_object().get("password")
    if not isinstance(password, str) or not password:
        raise invalid_input("password: String must contain at least 1 character(s)")
    return password


@route("GET", r"/api/users/([^/]+)/has-password")
def has_password(state: EmulatorState, request: Request, user_id: str) -> Response:
    return json_response({"hasPassword": bool(_user(state, user_id)["_password"])})


@route("POST", r"/api/users/([^/]+)/password/verify")
def verify_password(state: EmulatorState, request: Request, user_id: str) -> Response:
    user = _user(state, user_id)
    if not check_password(_password_body(request), user["_password"]):
        raise HttpError(422, "session.invalid_credentials")
    return empty()


@route("PATCH", r"/api/users/([^/]+)/password")
def set_password(state: EmulatorState, request: Request, user_id: str) -> Response:
    user = _user(state, user_id)
    # No policy check here, as in Logto: callers check with sign-in-exp/default/check-password.
    user["_password"] = hash_password(_password_body(request))
    _touch(user)
    return json_response(user_json(user))


@route("POST", r"/api/sign-in-exp/default/check-password")
def check_password_policy(state: EmulatorState, request: Request) -> Response:
    body = request.json_object()
    password = body.get("password")
    if not isinstance(password, str):
        raise invalid_input("password: Required")
    user_id = body.get("userId")
    if user_id is not None and not isinstance(user_id, str):
        raise invalid_input("userId: Expected string")
    user_info = None
    if user_id:  # Logto skips an empty userId, as if none was given
        user = state.users.get(user_id)
        if user is None:
            # This route answers the generic not-found, not entity.not_exists_with_id.
            raise HttpError(404, "entity.not_found")
        user_info = password_policy.user_info_of(user)
    try:
        issues = password_policy.check_password(password, user_info, state.password_policy)
    except password_policy.UserInfoRequired as error:
        # Logto turns the checker's TypeError into request.invalid_input with the bare message.
        raise HttpError(400, "request.invalid_input", {"message": error.message}) from error
    if issues:
        return json_response({"result": False, "issues": issues}, status=400)
    return json_response({"result": True})


# -- verification codes -----------------------------------------------------------------------
def _code_target(body: dict[str, Any]) -> tuple[str, str]:
    if isinstance(body.get("email"), str) and body["email"]:
        if not EMAIL_RE.match(body["email"]):
            raise invalid_input("email: Invalid")
        return "email", body["email"]
    if isinstance(body.get("phone"), str) and body["phone"]:
        if not PHONE_RE.match(body["phone"]):
            raise invalid_input("phone: Invalid")
        return "phone", body["phone"]
    raise invalid_input("email or phone: Required")


@route("POST", r"/api/verification-codes")
def send_code(state: EmulatorState, request: Request) -> Response:
    kind, value = _code_target(request.json_object())
    if ("email" if kind == "email" else "sms") not in state.connectors:
        # A tenant without an email (or SMS) connector cannot send: Logto's 501.
        raise HttpError(501, "connector.not_found", type="email" if kind == "email" else "sms")
    state.issue_code(kind, value)
    return empty()


@route("POST", r"/api/verification-codes/verify")
def verify_code(state: EmulatorState, request: Request) -> Response:
    body = request.json_object()
    kind, value = _code_target(body)
    typed = body.get("verificationCode")
    if not isinstance(typed, str) or not typed:
        raise invalid_input("verificationCode: Required")
    matching = [
        c for c in state.codes if c.target[0] == kind and c.target[1].lower() == value.lower()
    ]
    if not matching:
        raise HttpError(400, "verification_code.not_found")
    code = matching[-1]
    if time.time() - code.created_at > CODE_LIFETIME_SECONDS:
        raise HttpError(400, "verification_code.expired")
    if code.tries >= CODE_MAX_TRIES:
        raise HttpError(400, "verification_code.exceed_max_try")
    if not secrets.compare_digest(typed, code.code):
        code.tries += 1
        raise HttpError(400, "verification_code.code_mismatch")
    state.codes.remove(code)  # a code is consumed once verified
    return empty()


# -- connectors and social identities ---------------------------------------------------------
def _connector_kind(state: EmulatorState, connector_id: str) -> str:
    kind = kind_of(connector_id)
    if kind is None or kind not in state.connectors:
        raise not_found()
    return kind


@route("GET", r"/api/connectors")
def list_connectors(state: EmulatorState, request: Request) -> Response:
    return json_response([connector_json(kind) for kind in sorted(state.connectors)])


@route("GET", r"/api/connectors/([^/]+)")
def get_connector(state: EmulatorState, request: Request, connector_id: str) -> Response:
    return json_response(connector_json(_connector_kind(state, connector_id)))


@route("POST", r"/api/connectors/([^/]+)/authorization-uri")
def authorization_uri(state: EmulatorState, request: Request, connector_id: str) -> Response:
    body = request.json_object()
    issues = [
        type_issue(key, "string", body[key] if key in body else ABSENT)
        for key in ("state", "redirectUri")
        if not isinstance(body.get(key), str)
    ]
    if issues:
        raise guard_error(*issues)
    if _connector_kind(state, connector_id) != "social":
        raise HttpError(400, "connector.unexpected_type")
    with state.lock:
        state.social_redirect_uris.add(body["redirectUri"])
    return json_response(
        {
            "redirectTo": with_query(
                f"{request.base_url}/mock-social/authorize",
                {
                    "state": body["state"],
                    "redirect_uri": body["redirectUri"],
                    "scope": "email profile",
                },
            )
        }
    )


@route("POST", r"/api/users/([^/]+)/identities")
def link_identity(state: EmulatorState, request: Request, user_id: str) -> Response:
    user = _user(state, user_id)
    body = request.json_object()
    connector_id = check_type(body, "connectorId", "string")
    data = check_type(body, "connectorData", "object")
    if _connector_kind(state, connector_id) != "social":
        raise HttpError(422, "session.invalid_connector_id", connectorId=connector_id)
    if not isinstance(data.get("code"), str):
        # The mock connector's data guard needs a `code`; its connector error surfaces as 400,
        # with the guard's words in data.message.
        raise HttpError(
            400,
            "connector.invalid_response",
            {"message": "code: Required"},
        )
    issued = state.social_codes.pop(data["code"], {})
    social_id = (
        data.get("userId") or issued.get("userId") or f"mock-social-sub-{secrets.token_hex(8)}"
    )
    target = "mock-social"
    for other in state.users.values():
        if (
            other["id"] != user_id
            and other["identities"].get(target, {}).get("userId") == social_id
        ):
            raise HttpError(422, "user.identity_already_in_use")
    details = {
        "id": social_id,
        **{
            k: data[k] for k in ("email", "phone", "name", "avatar") if isinstance(data.get(k), str)
        },
        "rawData": data,
    }
    user["identities"] = {**user["identities"], target: {"userId": social_id, "details": details}}
    _touch(user)
    return json_response(user["identities"])


@route("DELETE", r"/api/users/([^/]+)/identities/([^/]+)")
def unlink_identity(state: EmulatorState, request: Request, user_id: str, target: str) -> Response:
    user = _user(state, user_id)
    if target not in user["identities"]:
        raise HttpError(404, "user.identity_not_exist")
    user["identities"] = {t: i for t, i in user["identities"].items() if t != target}
    _touch(user)
    return json_response(user_json(user))


# -- MFA ----------------------------------------------------------------------------------------
def _iso_now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())


@route("GET", r"/api/users/([^/]+)/mfa-verifications")
def list_mfa(state: EmulatorState, request: Request, user_id: str) -> Response:
    result = []
    for factor in _user(state, user_id)["_mfa"]:
        item = {"id": factor["id"], "createdAt": factor["createdAt"], "type": factor["type"]}
        if factor.get("lastUsedAt"):
            item["lastUsedAt"] = factor["lastUsedAt"]
        if factor["type"] == "BackupCode":
            item["remainCodes"] = sum(1 for c in factor["codes"] if not c["usedAt"])
        for key in ("name", "agent"):
            if factor.get(key):
                item[key] = factor[key]
        result.append(item)
    return json_response(result)


# Logto's rule (libraries/verification-helpers/totp-validation.ts): 16 to 32 characters of
# RFC 4648 base32, padding included, in whole 8-character blocks.
_BASE32 = re.compile(
    r"(?:[2-7A-Z]{8})*(?:[2-7A-Z]{2}={6}|[2-7A-Z]{4}={4}|[2-7A-Z]{5}={3}|[2-7A-Z]{7}=)?"
)


def _valid_totp_secret(secret: str) -> bool:
    return 16 <= len(secret) <= 32 and bool(_BASE32.fullmatch(secret))


@route("POST", r"/api/users/([^/]+)/mfa-verifications")
def create_mfa(state: EmulatorState, request: Request, user_id: str) -> Response:
    body = request.json_object()
    kind = body.get("type")
    if kind == "Totp":
        secret = check_type(body, "secret", "string", optional=True)
    elif kind == "BackupCode":
        codes = check_type(body, "codes", "array", optional=True)
        for index, code in enumerate(codes or ()):
            if not isinstance(code, str):
                raise guard_error(type_issue(f"codes.{index}", "string", code))
    user = _user(state, user_id)
    if kind == "Totp":
        if any(f["type"] == "Totp" for f in user["_mfa"]):
            raise HttpError(422, "user.totp_already_in_use")
        # Only a non-empty secret is checked: Logto stores an empty one as given.
        if secret and not _valid_totp_secret(secret):
            raise HttpError(422, "user.totp_secret_invalid")
        if secret is None:
            secret = base64.b32encode(secrets.token_bytes(20)).decode()  # 160 bits, as Logto
        label = (
            user["username"]
            or user["primaryEmail"]
            or user["primaryPhone"]
            or user["name"]
            or "Unnamed User"
        )
        key_uri = totp.key_uri(
            secret, label, request.base_url.split("//")[-1].split("/")[0].split(":")[0]
        )
        # Logto answers a PNG data URL; the emulator has no image library, so it carries the URI.
        qr = "data:text/plain;base64," + base64.b64encode(key_uri.encode()).decode()
        user["_mfa"].append(
            {"id": generate_id(21), "type": "Totp", "secret": secret, "createdAt": _iso_now()}
        )
        _touch(user)
        return json_response({"type": "Totp", "secret": secret, "secretQrCode": qr})
    if kind == "BackupCode":
        if any(
            f["type"] == "BackupCode" and any(not c["usedAt"] for c in f["codes"])
            for f in user["_mfa"]
        ):
            raise HttpError(422, "user.backup_code_already_in_use")
        if not any(f["type"] != "BackupCode" for f in user["_mfa"]):
            raise HttpError(422, "session.mfa.backup_code_can_not_be_alone")
        # Logto's rule: exactly 10 codes of 10 hex digits, in either case.
        if codes is not None and (
            len(codes) != 10 or any(not re.fullmatch(r"[0-9a-fA-F]{10}", c) for c in codes)
        ):
            raise HttpError(422, "user.wrong_backup_code_format")
        codes = codes or [secrets.token_hex(5) for _ in range(10)]
        user["_mfa"] = [f for f in user["_mfa"] if f["type"] != "BackupCode"]
        user["_mfa"].append(
            {
                "id": generate_id(21),
                "type": "BackupCode",
                "codes": [{"code": c, "usedAt": None} for c in codes],
                "createdAt": _iso_now(),
            }
        )
        _touch(user)
        return json_response({"type": "BackupCode", "codes": codes})
    raise invalid_input("type: Invalid discriminator value. Expected 'Totp' | 'BackupCode'")


@route("DELETE", r"/api/users/([^/]+)/mfa-verifications/([^/]+)")
def delete_mfa(
    state: EmulatorState, request: Request, user_id: str, verification_id: str
) -> Response:
    user = _user(state, user_id)
    if not any(f["id"] == verification_id for f in user["_mfa"]):
        raise HttpError(404, "entity.not_found")
    user["_mfa"] = [f for f in user["_mfa"] if f["id"] != verification_id]
    _touch(user)
    return empty()


# -- personal access tokens -------------------------------------------------------------------
def _tokens_of(state: EmulatorState, user_id: str) -> list[dict[str, Any]]:
    return [t for t in state.personal_access_tokens if t["userId"] == user_id]


@route("GET", r"/api/users/([^/]+)/personal-access-tokens")
def list_pats(state: EmulatorState, request: Request, user_id: str) -> Response:
    _user(state, user_id)
    return json_response([dict(t) for t in _tokens_of(state, user_id)])


@route("POST", r"/api/users/([^/]+)/personal-access-tokens")
def create_pat(state: EmulatorState, request: Request, user_id: str) -> Response:
    body = request.json_object()
    if user_id not in state.users:
        # Logto inserts without looking the user up: its database refuses the foreign key.
        raise HttpError(404, "entity.relation_foreign_key_not_found")
    name, expires_at = body.get("name"), body.get("expiresAt")
    if not isinstance(name, str) or not name or len(name) > 256:
        raise invalid_input("name: Invalid")
    if expires_at is not None and (
        not isinstance(expires_at, (int, float)) or isinstance(expires_at, bool)
    ):
        raise invalid_input("expiresAt: Expected number")
    if expires_at is not None and expires_at <= now_ms():
        raise HttpError(
            400, "request.invalid_input", details="The value of `expiresAt` must be in the future."
        )
    if any(t["name"] == name for t in _tokens_of(state, user_id)):
        # A unique-constraint violation on (tenant, user, name) in Logto's database.
        raise HttpError(422, "user.personal_access_token_name_exists")
    token = {
        "tenantId": TENANT_ID,
        "userId": user_id,
        "name": name,
        "value": f"pat_{secrets.token_urlsafe(24)}",
        "createdAt": now_ms(),
        "expiresAt": expires_at,
    }
    state.personal_access_tokens.append(token)
    return json_response(dict(token), status=201)


def _rename_pat(state: EmulatorState, user_id: str, current: str, name: Any) -> Response:
    if not isinstance(name, str) or not name:
        raise guard_error(type_issue("name", "string", name if name is not None else ABSENT))
    tokens = _tokens_of(state, user_id)
    token = next((t for t in tokens if t["name"] == current), None)
    if token is None:
        # The update query finds no row (no user lookup first): Logto's generic "not exists".
        raise HttpError(404, "entity.not_exists", name="personal_access_token")
    if name != current and any(t["name"] == name for t in tokens):
        raise HttpError(422, "user.personal_access_token_name_exists")
    token["name"] = name
    return json_response(dict(token))


@route("PATCH", r"/api/users/([^/]+)/personal-access-tokens")
def rename_pat(state: EmulatorState, request: Request, user_id: str) -> Response:
    body = request.json_object()
    current = body.get("currentName") or body.get("name")
    return _rename_pat(state, user_id, current, body.get("name"))


@route("PATCH", r"/api/users/([^/]+)/personal-access-tokens/([^/]+)")
def rename_pat_legacy(state: EmulatorState, request: Request, user_id: str, name: str) -> Response:
    from urllib.parse import unquote

    return _rename_pat(state, user_id, unquote(name), request.json_object().get("name"))


def _delete_pat(state: EmulatorState, user_id: str, name: Any) -> Response:
    token = next((t for t in _tokens_of(state, user_id) if t["name"] == name), None)
    if token is None:
        raise HttpError(404, "entity.not_found")
    state.personal_access_tokens.remove(token)
    return empty()


@route("POST", r"/api/users/([^/]+)/personal-access-tokens/delete")
def delete_pat(state: EmulatorState, request: Request, user_id: str) -> Response:
    return _delete_pat(state, user_id, check_type(request.json_object(), "name", "string"))


@route("DELETE", r"/api/users/([^/]+)/personal-access-tokens/([^/]+)")
def delete_pat_legacy(state: EmulatorState, request: Request, user_id: str, name: str) -> Response:
    from urllib.parse import unquote

    return _delete_pat(state, user_id, unquote(name))


# -- sessions -----------------------------------------------------------------------------------
def session_json(session: dict[str, Any]) -> dict[str, Any]:
    payload = {
        "exp": session["exp"],
        "iat": session["iat"],
        "jti": session["jti"],
        "uid": session["uid"],
        "kind": "Session",
        "loginTs": session["loginTs"],
        "accountId": session["accountId"],
        "authorizations": session["authorizations"],
    }
    return {
        "payload": payload,
        "lastSubmission": session["lastSubmission"],
        "clientId": session["clientId"],
        "accountId": session["accountId"],
        "expiresAt": session["exp"] * 1000,
    }


@route("GET", r"/api/users/([^/]+)/sessions")
def list_sessions(state: EmulatorState, request: Request, user_id: str) -> Response:
    # No user lookup, as in Logto: an unknown or deleted user simply has no sessions.
    return json_response({"sessions": [session_json(s) for s in state.active_sessions(user_id)]})


@route("GET", r"/api/users/([^/]+)/sessions/([^/]+)")
def get_session(state: EmulatorState, request: Request, user_id: str, uid: str) -> Response:
    session = next((s for s in state.active_sessions(user_id) if s["uid"] == uid), None)
    if session is None:
        raise HttpError(404, "oidc.session_not_found")
    return json_response(session_json(session))


@route("DELETE", r"/api/users/([^/]+)/sessions/([^/]+)")
def revoke_session(state: EmulatorState, request: Request, user_id: str, uid: str) -> Response:
    target = request.query.get("revokeGrantsTarget")
    if target is not None and target not in ("all", "firstParty"):
        raise HttpError(
            400,
            "guard.invalid_input",
            {"details": "revokeGrantsTarget: Invalid enum value"},
            type="query",
        )
    session = state.sessions.get(uid)
    if session is None:
        raise HttpError(404, "oidc.session_not_found")
    if session["accountId"] != user_id:
        raise HttpError(404, "oidc.invalid_session_account_id")
    if target:
        # Revoking the grants ends the tokens issued to the apps of this session.
        clients = set(session["authorizations"])
        for token in [
            t
            for t, i in state.tokens.items()
            if i.get("sub") == user_id and i.get("client_id") in clients
        ]:
            del state.tokens[token]
    del state.sessions[uid]
    return empty()


# -- identities, read one by one ----------------------------------------------------------------
@route("GET", r"/api/users/([^/]+)/all-identities")
def all_identities(state: EmulatorState, request: Request, user_id: str) -> Response:
    user = _user(state, user_id)
    return json_response(
        {
            "socialIdentities": [
                {"target": target, "identity": identity}
                for target, identity in user["identities"].items()
            ],
            "ssoIdentities": [
                {"ssoConnectorId": sso["ssoConnectorId"], "ssoIdentity": sso}
                for sso in user["_sso"]
            ],
        }
    )


@route("GET", r"/api/users/([^/]+)/identities/([^/]+)")
def get_identity(state: EmulatorState, request: Request, user_id: str, target: str) -> Response:
    identity = _user(state, user_id)["identities"].get(target)
    if identity is None:
        raise HttpError(404, "user.identity_not_exist")
    return json_response({"identity": identity})


@route("GET", r"/api/users/([^/]+)/sso-identities/([^/]+)")
def get_sso_identity(
    state: EmulatorState, request: Request, user_id: str, connector_id: str
) -> Response:
    found = [s for s in _user(state, user_id)["_sso"] if s["ssoConnectorId"] == connector_id]
    if not found:
        raise HttpError(404, "user.enterprise_sso_identity_not_exists", ssoConnectorId=connector_id)
    return json_response({"ssoIdentity": found[0]})


# -- grants: one per application a session signed in to ------------------------------------------
def _grants_of(
    state: EmulatorState, user_id: str
) -> list[tuple[dict[str, Any], str, dict[str, Any]]]:
    return [
        (session, client_id, authorization)
        for session in state.active_sessions(user_id)
        for client_id, authorization in session["authorizations"].items()
    ]


@route("GET", r"/api/users/([^/]+)/grants")
def list_grants(state: EmulatorState, request: Request, user_id: str) -> Response:
    grants = []
    for session, client_id, authorization in _grants_of(state, user_id):
        app = state.applications.get(client_id)
        grants.append(
            {
                "id": authorization["grantId"],
                "expiresAt": session["exp"] * 1000,
                "application": {"id": client_id, "name": app.name if app else client_id},
                "payload": {
                    "accountId": user_id,
                    "clientId": client_id,
                    "exp": session["exp"],
                    "iat": session["iat"],
                    "jti": authorization["grantId"],
                    "kind": "Grant",
                    "openid": {"scope": "openid"},
                },
            }
        )
    return json_response({"grants": grants})


@route("DELETE", r"/api/users/([^/]+)/grants/([^/]+)")
def revoke_grant(state: EmulatorState, request: Request, user_id: str, grant_id: str) -> Response:
    for session, client_id, authorization in _grants_of(state, user_id):
        if authorization["grantId"] == grant_id:
            del session["authorizations"][client_id]
            for token in [
                t
                for t, i in state.tokens.items()
                if i.get("sub") == user_id and i.get("client_id") == client_id
            ]:
                del state.tokens[token]
            return empty()
    raise HttpError(404, "oidc.invalid_grant")


from logto_emulator.management import hooks, sign_in_experience  # noqa: E402,F401  (register their routes)
