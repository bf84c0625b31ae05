"""Tiny WSGI request/response helpers (stdlib only, so the emulator runs without any framework)."""

from __future__ import annotations

import base64
import html
import json
import re
from dataclasses import dataclass, field
from http import HTTPStatus
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, quote, unquote_plus, urlencode

from logto_emulator.phrases import say

ERROR_MESSAGES: dict[str, str] = {
    # Logto's English phrases for the codes the emulator answers (packages/phrases/.../errors).
    "auth.authorization_header_missing": "Authorization header is missing.",
    "auth.authorization_token_type_not_supported": "Authorization type is not supported.",
    "auth.unauthorized": "Unauthorized. Please check credentials and its scope.",
    "auth.forbidden": "Forbidden. Please check your user roles and permissions.",
    "entity.not_exists_with_id": "The {name} with ID `{id}` does not exist.",
    "entity.not_found": "The resource does not exist.",
    "guard.invalid_input": "The request {type} is invalid.",
    "request.invalid_input": "Input is invalid. {details}",
    "user.username_already_in_use": "This username is already in use.",
    "user.email_already_in_use": "This email is associated with an existing account.",
    "user.phone_already_in_use": "This phone number is associated with an existing account.",
    "user.identity_not_exist": "The social account has not been registered yet.",
    "user.identity_already_in_use": "The social account has been associated with an existing account.",
    "user.totp_already_in_use": "TOTP is already in use.",
    "user.totp_secret_invalid": "Invalid TOTP secret supplied.",
    "user.backup_code_already_in_use": "Backup code is already in use.",
    "user.wrong_backup_code_format": "Backup code format is invalid.",
    "user.personal_access_token_name_exists": "Personal access token name already exists.",
    "session.invalid_credentials": "Incorrect account or password. Please check your input.",
    "session.invalid_connector_id": "Unable to find available connector with id {connectorId}.",
    "session.mfa.backup_code_can_not_be_alone": "Backup code can not be the only MFA.",
    "verification_code.phone_email_empty": "Both phone and email are empty.",
    "verification_code.not_found": "Verification code not found. Please send verification code first.",
    "verification_code.phone_mismatch": "Phone mismatch. Please request a new verification code.",
    "verification_code.email_mismatch": "Email mismatch. Please request a new verification code.",
    "verification_code.code_mismatch": "Invalid verification code.",
    "verification_code.expired": "Verification code has expired. Please request a new verification code.",
    "verification_code.exceed_max_try": (
        "Verification code retries limitation exceeded. Please request a new verification code."
    ),
    "oidc.session_not_found": "Session not found.",
    "oidc.invalid_session_account_id": "Session accountId mismatch.",
    "request.general": "Request error occurred.",
    "connector.not_found": "Cannot find any available connector for type: {type}.",
    "connector.unexpected_type": "The connector's type is unexpected.",
    "connector.invalid_response": "The connector's response is invalid.",
    "entity.not_exists": "The {name} does not exist.",
    "entity.relation_foreign_key_not_found": (
        "Cannot find one or more foreign keys. Please check the input and ensure that all "
        "referenced entities exist."
    ),
    "user.enterprise_sso_identity_not_exists": (
        "The user does not have an enterprise identity linked to the specified SSO connector ID: {ssoConnectorId}."
    ),
    "oidc.invalid_grant": "Grant request is invalid.",
    "organization.require_membership": "The user must be a member of the organization to proceed.",
    # The Account API's (routes/account, routes/verification).
    "account_center.not_enabled": "Account center is not enabled.",
    "account_center.field_not_editable": "Field is not editable.",
    "account_center.field_not_enabled": "Field is not enabled.",
    "guard.file_size_exceeded": "File size exceeded.",
    "guard.mime_type_not_allowed": "MIME type is not allowed.",
    "storage.not_configured": "Storage provider is not configured.",
    "verification_record.not_found": "Verification record not found.",
    "verification_record.permission_denied": "Permission denied, please re-authenticate.",
    "auth.third_party_application_forbidden": (
        "Third-party applications cannot modify account data through this API."
    ),
    "session.mfa.mfa_factor_not_enabled": "MFA factor is not enabled.",
    "session.mfa.webauthn_verification_failed": "WebAuthn verification failed.",
    "session.mfa.pending_info_not_found": "Pending MFA info not found, please initiate MFA first.",
    "session.mfa.invalid_totp_code": "Invalid TOTP code.",
    "session.verification_failed": (
        "The verification was not successful. Restart the verification flow and try again."
    ),
    "user.same_password": "New password cannot be the same as your old password.",
    "password.rejected": "Password rejected. Please check if your password meets the requirements.",
    "user.suspended": "This account is suspended.",
    "user.last_sign_in_method_required": (
        "You need to keep at least one identifier in your account."
    ),
}


class HttpError(Exception):
    """A Logto-shaped JSON error: ``{"code", "message", "data"?}``."""

    def __init__(self, status: int, code: str, data: Any = None, **interpolation: Any) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.data = data
        # Top-level fields beyond code/message/data (koaGuard's ``details``).
        self.extra: dict[str, Any] = {}
        template = ERROR_MESSAGES.get(code, code)
        try:
            self.message = template.format(**interpolation)
        except (KeyError, IndexError):
            # Logto's i18next leaves a placeholder it has no value for as written, e.g.
            # "Input is invalid. {{details}}" when the data carries only a message.
            self.message = re.sub(r"\{(\w+)\}", r"{{\1}}", template)

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.data is not None:
            body["data"] = self.data
        body.update(self.extra)
        return body


def not_found(entity: str = "", entity_id: str = "") -> HttpError:
    """Logto's answer for an id it has no row for (``findUserById`` and the like): a bare
    ``entity.not_found``; ``entity.not_exists_with_id`` is only for a few other tables."""
    return HttpError(404, "entity.not_found")


ABSENT = object()


def zod_type(value: Any) -> str:
    """zod's name for a value's type, as its issues report ``received``."""
    if value is ABSENT:
        return "undefined"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def type_issue(path: str, expected: str, value: Any = ABSENT) -> dict[str, Any]:
    """zod's ``invalid_type`` issue for ``path`` (dotted) holding ``value`` (absent by default)."""
    received = zod_type(value)
    message = "Required" if received == "undefined" else f"Expected {expected}, received {received}"
    return {
        "code": "invalid_type",
        "expected": expected,
        "received": received,
        "path": [int(p) if p.isdigit() else p for p in path.split(".")],
        "message": message,
    }


def regex_issue(path: str) -> dict[str, Any]:
    return {"validation": "regex", "code": "invalid_string", "message": "Invalid", "path": [path]}


def clearable_issue(path: str, value: Any, first: dict[str, Any]) -> dict[str, Any]:
    """zod's issue for a value that is neither a valid string (``first`` says why) nor ``""``:
    Logto's update guards accept ``""`` to clear username, email and phone."""
    literal = {
        "received": value,
        "code": "invalid_literal",
        "expected": "",
        "path": [path],
        "message": 'Invalid literal value, expected ""',
    }
    return {
        "code": "invalid_union",
        "unionErrors": [
            {"issues": [first], "name": "ZodError"},
            {"issues": [literal], "name": "ZodError"},
        ],
        "path": [path],
        "message": "Invalid input",
    }


def guard_error(*issues: dict[str, Any], where: str = "body") -> HttpError:
    """koaGuard's 400 for input that fails its zod schema: the issues in ``data``, and a
    ``details`` line per issue."""
    error = HttpError(
        400, "guard.invalid_input", {"issues": list(issues), "name": "ZodError"}, type=where
    )
    error.extra["details"] = "\n".join(_detail(issue) for issue in issues)
    return error


def _detail(issue: dict[str, Any]) -> str:
    path = ".".join(str(p) for p in issue["path"])
    if issue["code"] == "invalid_type":
        said = f"Expected {issue['expected']} but received {issue['received']}."
    else:
        said = issue["message"]
    return f'Error in key path "{path}": ({issue["code"]}) {said}'


def check_type(body: dict[str, Any], key: str, expected: str, *, optional: bool = False) -> Any:
    """``body[key]`` when it has zod type ``expected``; a guard error otherwise."""
    value = body.get(key, ABSENT)
    if value is ABSENT and optional:
        return None
    if zod_type(value) != expected:
        raise guard_error(type_issue(key, expected, value))
    return value


def invalid_input(details: str) -> HttpError:
    """koaGuard's answer to a body that fails a refinement the emulator does not model as a
    typed issue: ``"path: message"``, reported as zod's ``custom`` issue."""
    path, _, message = details.partition(": ")
    issue = {"code": "custom", "message": message or details, "path": path.split(".")}
    return guard_error(issue)


@dataclass
class Request:
    environ: dict[str, Any]
    method: str
    path: str
    script_name: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    base_url: str
    cookies: dict[str, str] = field(default_factory=dict)
    # Every value of each query key, in order (Logto's search takes ``search.id`` many times).
    query_all: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_environ(cls, environ: dict[str, Any], configured_base: str | None) -> Request:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        headers = {
            k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        script_name = environ.get("SCRIPT_NAME", "").rstrip("/")
        if configured_base:
            base = configured_base.rstrip("/")
        else:
            host = (
                environ.get("HTTP_HOST")
                or f"{environ.get('SERVER_NAME', 'localhost')}:{environ.get('SERVER_PORT', '80')}"
            )
            base = f"{environ.get('wsgi.url_scheme', 'http')}://{host}{script_name}"
        cookie = SimpleCookie()
        try:
            cookie.load(environ.get("HTTP_COOKIE", ""))
        except Exception:  # a malformed cookie header is ignored, as browsers' servers do
            pass
        raw_path = environ.get("PATH_INFO", "") or "/"
        query_all = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        return cls(
            environ=environ,
            method=environ.get("REQUEST_METHOD", "GET").upper(),
            path=raw_path,
            script_name=script_name,
            query={k: v[-1] for k, v in query_all.items()},
            query_all=query_all,
            headers=headers,
            body=body,
            base_url=base,
            cookies={k: m.value for k, m in cookie.items()},
        )

    def json(self) -> Any:
        if not self.body:
            return {}
        try:
            return json.loads(self.body)
        except ValueError as exc:
            raise HttpError(400, "guard.invalid_input", {"details": str(exc)}, type="body") from exc

    def json_object(self) -> dict[str, Any]:
        data = self.json()
        if not isinstance(data, dict):
            raise invalid_input("Expected object")
        return data

    def form(self) -> dict[str, str]:
        parsed = parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True)
        return {k: v[-1] for k, v in parsed.items()}

    def basic_auth(self) -> tuple[str, str] | None:
        header = self.headers.get("authorization", "")
        if not header.lower().startswith("basic "):
            return None
        try:
            decoded = base64.b64decode(header[6:].strip()).decode()
        except ValueError:
            return None
        user, _, password = decoded.partition(":")
        # RFC 6749 2.3.1: client id and secret are form-urlencoded before Basic encoding.
        return unquote_plus(user), unquote_plus(password)

    @property
    def cookie_path(self) -> str:
        return self.script_name or "/"


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)

    def status_line(self) -> str:
        try:
            phrase = HTTPStatus(self.status).phrase
        except ValueError:
            phrase = "Unknown"
        return f"{self.status} {phrase}"


def json_response(
    data: Any, status: int = 200, headers: list[tuple[str, str]] | None = None
) -> Response:
    return Response(
        status,
        json.dumps(data).encode(),
        [("Content-Type", "application/json; charset=utf-8"), *(headers or [])],
    )


def empty(status: int = 204) -> Response:
    return Response(status, b"", [])


def redirect(location: str, headers: list[tuple[str, str]] | None = None) -> Response:
    return Response(303, b"", [("Location", location), *(headers or [])])


def with_query(url: str, params: dict[str, str]) -> str:
    params = {k: v for k, v in params.items() if v is not None}
    if not params:
        return url
    return url + ("&" if "?" in url else "?") + urlencode(params, quote_via=quote)


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def html_page(
    title: str,
    body_html: str,
    status: int = 200,
    headers: list[tuple[str, str]] | None = None,
    lang: str = "en",
) -> Response:
    page = f"""<!doctype html>
<html lang="{esc(lang)}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} · Logto emulator</title>
<style>
body{{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#1b1b1f}}
label{{display:block;margin-top:1rem;font-weight:600}} input{{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}}
button,a.button{{margin-top:1.25rem;padding:.5rem 1rem;font-size:1rem}} a.button{{display:inline-block;border:1px solid currentColor;border-radius:3px;color:inherit;text-decoration:none}} .error{{color:#a4000f;font-weight:600}}
.note{{color:#555;font-size:.9rem}} table{{border-collapse:collapse;width:100%}} td,th{{border-bottom:1px solid #ccc;padding:.3rem;text-align:left}}
</style></head>
<body><main>
{body_html}
<p class="note">{esc(say(lang, "This is the Logto emulator, a development tool. It is not Logto."))}</p>
</main></body></html>"""
    return Response(
        status,
        page.encode(),
        [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Cache-Control", "no-store"),
            *(headers or []),
        ],
    )
