"""Driving Logto's own sign-in experience (its React app); the account center's sign-in and
step-up are the shared ones (tests/helpers.py), given ``fill=sign_in_at_logto``."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
from playwright.sync_api import Page

from account_center.logto.errors import LogtoUserTokenRefused

# Logto's experience app names its inputs like a plain form would, whatever the language.
IDENTIFIER = "input[name='identifier']"
PASSWORD = "input[name='password']"
SUBMIT = "button[type='submit'][name='submit']"

OVERVIEW = re.compile(r"^http://127\.0\.0\.1:8000/account/$")
# The account center's step-up dialog, opened beside a refused form.
STEP_UP_DIALOG = "dialog#ac-step-up"
# The real Logto the journeys run against.
E2E_ENDPOINT = os.environ.get("LOGTO_E2E_ENDPOINT", "").rstrip("/")


def is_logto_sign_in(page: Page, endpoint: str) -> bool:
    return page.url.startswith(endpoint.rstrip("/") + "/sign-in")


def sign_in_at_logto(page: Page, username: str, password: str) -> None:
    """Fill Logto's sign-in page, one step (identifier and password together) or two."""
    page.locator(IDENTIFIER).fill(username)
    password_field = page.locator(PASSWORD)
    if not password_field.is_visible():
        # Two-step experience: the identifier first, then the password on the next screen.
        page.locator(SUBMIT).click()
        password_field.wait_for()
    password_field.fill(password)
    page.locator(SUBMIT).click()


# --------------------------------------------------------------------------- Logto's own log

# One line per answered request in Logto's access log: "<id>   --> PATCH /api/my-account 200 12ms".
_ANSWERED = re.compile(r"-->\s+([A-Z]+)\s+(\S+)\s+(\d{3})\b")


def logto_log_path() -> Path:
    """Logto's own log: ``LOGTO_E2E_LOG``, else the lab kit's ``$LAB_DIR/logs/logto.log``."""
    given = os.environ.get("LOGTO_E2E_LOG")
    if given:
        return Path(given)
    return Path(os.environ.get("LAB_DIR", "/opt/logto-lab")) / "logs" / "logto.log"


@dataclass(frozen=True)
class Answered:
    method: str
    path: str
    status: int


class LogtoRequests:
    """What Logto itself says it answered from now on: its access log, read past the size it has
    at the start. The evidence of which API a change went through is the server's, not the app's
    own account of it (the real-Logto journeys run one at a time, under the lab's lock)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.start = path.stat().st_size

    def answered(self) -> list[Answered]:
        with self.path.open("rb") as log:
            # A restarted Logto starts its log again.
            log.seek(self.start if self.path.stat().st_size >= self.start else 0)
            text = log.read().decode("utf-8", "replace")
        return [
            Answered(m[1], m[2].split("?")[0], int(m[3])) for m in _ANSWERED.finditer(text)
        ]

    def wait_for(
        self, method: str, path: str, *, count: int = 1, timeout: float = 5.0
    ) -> list[Answered]:
        """Everything answered so far, once ``method path`` is among it ``count`` times: Logto
        writes a line after its answer has left, so the caller may have it a moment before."""
        deadline = time.monotonic() + timeout
        while True:
            seen = self.answered()
            if sum(a.method == method and a.path == path for a in seen) >= count:
                return seen
            if time.monotonic() > deadline:
                raise AssertionError(f"Logto logged {method} {path} < {count} times: {seen}")
            time.sleep(0.1)


def writes_to_user(seen: list[Answered], user_id: str) -> list[Answered]:
    """The Management API changes of ``user_id`` (any method but GET on ``/api/users/{id}...``),
    a password check included (``POST /api/users/{id}/password/verify``)."""
    prefix = f"/api/users/{user_id}"
    return [
        a
        for a in seen
        if a.method != "GET" and (a.path == prefix or a.path.startswith(prefix + "/"))
    ]


def my_account_calls(seen: list[Answered]) -> list[Answered]:
    return [a for a in seen if a.path.startswith(("/api/my-account", "/api/verifications"))]


def statuses(seen: list[Answered], method: str, path: str) -> list[int]:
    """Logto's answers, in order, to each ``method path`` call among ``seen``."""
    return [a.status for a in seen if a.method == method and a.path == path]


# --------------------------------------------------------------------------- the user's token


@dataclass
class OwnToken:
    """The user's opaque access token, as :class:`~account_center.logto.user_token.
    UserTokenProvider` for the service layer; no refresh (a test's token lives an hour)."""

    user_id: str
    token: str

    def access_token(self) -> str:
        return self.token

    def refreshed_access_token(self, rejected: str) -> str:
        raise LogtoUserTokenRefused(401, "auth.unauthorized", "The test's token was refused.")


def own_access_token(
    page: Page, endpoint: str, username: str, password: str, *, scopes: str
) -> str:
    """The user's own opaque access token, got as the app gets it: Logto's sign-in page in the
    browser, the web app's authorization code with PKCE and ``prompt=consent``, the code
    exchanged at ``/oidc/token`` with the app's secret and no ``resource``.
    The redirect to the web app's registered callback is watched in the browser."""
    app_id = os.environ["LOGTO_E2E_APP_ID"]
    callback = "http://127.0.0.1:8000/account/oidc/callback/"
    verifier = secrets.token_urlsafe(48)
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    state = secrets.token_urlsafe(16)
    query = urlencode(
        {
            "client_id": app_id,
            "redirect_uri": callback,
            "response_type": "code",
            "scope": scopes,
            "state": state,
            "nonce": secrets.token_urlsafe(16),
            "prompt": "consent",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    page.goto(f"{endpoint}/oidc/auth?{query}")
    page.locator(IDENTIFIER).wait_for()
    # Logto's redirect to the callback is only watched (a route does not see a redirect's
    # target); the demo, up or not, cannot use the code: the state is not its own.
    with page.expect_request(lambda request: request.url.startswith(callback)) as caught:
        sign_in_at_logto(page, username, password)
    answer = parse_qs(urlsplit(caught.value.url).query)
    assert answer["state"] == [state]
    response = requests.post(
        f"{endpoint}/oidc/token",
        data={
            "grant_type": "authorization_code",
            "code": answer["code"][0],
            "redirect_uri": callback,
            "code_verifier": verifier,
        },
        auth=(app_id, os.environ["LOGTO_E2E_APP_SECRET"]),
        timeout=20,
    )
    response.raise_for_status()
    token = str(response.json()["access_token"])
    assert "." not in token  # opaque: the only kind the Account API takes
    return token
