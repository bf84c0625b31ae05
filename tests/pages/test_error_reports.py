"""Django's error reports hold no secret: a request that handles a password, a code, an
authenticator-app secret, backup codes or a new token and then fails (the database gone while the
audit is written, the shared cache gone while attempts are counted or after Logto was sent the
secret) is reported to the admins by
mail and by Django's HTML report (error trackers, the DEBUG page) without the secret.

In production (``DEBUG = False``) Django cleanses what the views and flows mark as sensitive. With
``DEBUG = True`` nothing is cleansed, so the secrets shown once (authenticator-app secret, backup
codes, a new token's value) never sit in a variable as plain text at all: they are
:class:`~account_center.secret_text.SecretText` from the service layer up.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pyotp
import pytest
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse

from account_center import ratelimit
from account_center.flows import audit, identifiers, mfa, verification
from account_center.logto import read_cache
from tests.secret_leaks import error_reports, holding

from tests.helpers import ADMINS, ENDPOINT, USER_URL, logto_user

pytestmark = pytest.mark.django_db

PASSWORD = "Current-passw0rd-71"
NEW_PASSWORD = "Brand-new-passw0rd-93"
CODE = "583920"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXQ"
BACKUP_CODES = [f"bk{i}f0e9d8c7" for i in range(10)]
TOKEN_VALUE = "pat_s3cr3tT0kenValue42"
SIGNING_KEY = "whsec-signing-key-0123456789"

MFA_URL = f"{USER_URL}/mfa-verifications"
CODES_VERIFY = f"{ENDPOINT}/api/verification-codes/verify"
TOTP_FACTOR = {"id": "f-totp", "type": "Totp", "createdAt": 1_700_000_000_000}


class CacheDown:
    """The shared cache as a stopped Redis leaves it: every call fails."""

    def __getattr__(self, name: str) -> Any:
        def down(*args: Any, **kwargs: Any) -> Any:
            raise ConnectionError("Error 111 connecting to redis:6379. Connection refused.")

        return down


def database_down(monkeypatch: pytest.MonkeyPatch) -> None:
    def record(*args: Any, **kwargs: Any) -> None:
        raise DatabaseError("could not write to the audit table")

    monkeypatch.setattr(audit, "record", record)


def cache_down(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ratelimit, "cache", CacheDown())


def cache_down_after_a_change(monkeypatch: pytest.MonkeyPatch) -> None:
    """Down once a change was sent to Logto (the kept reads are dropped after each): the
    service layer's frames, with the body sent, are in the report."""
    monkeypatch.setattr(read_cache, "forget", CacheDown().forget)


FAULTS: dict[str, Callable[[pytest.MonkeyPatch], None]] = {
    "database": database_down,
    "cache": cache_down,
    "cache after a change": cache_down_after_a_change,
}
# Faults in the flows, where shown-once secrets are wrapped; below them, in the service layer's
# HTTP plumbing, the body sent to Logto is plain text and only Django's cleansing (DEBUG off)
# keeps it out of the report.
FLOW_FAULTS = ("database", "cache")


@dataclass
class Path:
    """A POST that handles secrets: what Logto answers, what the session holds before, the form,
    and which of its secrets are shown once (wrapped even where nothing is cleansed)."""

    url: str
    data: dict[str, str]
    secrets: list[str]
    faults: tuple[str, ...] = ("database", "cache", "cache after a change")
    logto: Callable[[Any], None] = lambda mock: None
    user: dict[str, Any] = field(default_factory=dict)
    session: dict[str, Any] = field(default_factory=dict)
    before: Callable[[Client], None] = lambda client: None
    shown_once: list[str] = field(default_factory=list)


def _step_up_password(logto_mock: Any) -> None:
    logto_mock.post(f"{USER_URL}/password/verify", status=204)


def _codes(logto_mock: Any) -> None:
    logto_mock.post(CODES_VERIFY, status=204)
    logto_mock.patch(USER_URL, json=logto_user(primaryEmail="new@example.com"))


def _new_password(logto_mock: Any) -> None:
    logto_mock.post(f"{ENDPOINT}/api/sign-in-exp/default/check-password", json={"result": True})
    logto_mock.patch(f"{USER_URL}/password", status=204)


def _two_step(logto_mock: Any) -> None:
    logto_mock.get(MFA_URL, json=[TOTP_FACTOR])
    logto_mock.delete(f"{MFA_URL}/f-totp", status=204)
    logto_mock.get(f"{USER_URL}/logto-configs", json={})
    logto_mock.post(MFA_URL, json={"type": "Totp", "secret": TOTP_SECRET, "secretQrCode": "x"})


def _backup_codes(logto_mock: Any) -> None:
    logto_mock.get(MFA_URL, json=[TOTP_FACTOR])
    logto_mock.get(f"{USER_URL}/logto-configs", json={})
    logto_mock.post(MFA_URL, json={"type": "BackupCode", "codes": BACKUP_CODES})


def _tokens(logto_mock: Any) -> None:
    logto_mock.get(f"{USER_URL}/personal-access-tokens", json=[])
    logto_mock.post(
        f"{USER_URL}/personal-access-tokens",
        status=201,
        json={"name": "ci", "value": TOKEN_VALUE, "createdAt": 1_700_000_000_000},
    )


def _start_totp(client: Client) -> None:
    answer = client.post(reverse("account_center:mfa_app"), {"action": "start"})
    assert answer.status_code == 302


def _totp_code() -> str:
    return pyotp.TOTP(TOTP_SECRET).at(1_700_000_000)  # the ``clock`` fixture's time


PATHS = {
    "step-up password": Path(
        reverse("account_center:step_up"),
        {"action": "password", "password": PASSWORD},
        [PASSWORD],
        logto=_step_up_password,
    ),
    "step-up email code": Path(
        reverse("account_center:step_up"),
        {"action": "verify_email", "code": CODE},
        [CODE],
        logto=_codes,
        session={verification.CODE_SENT_KEY: "email"},
    ),
    "step-up phone code": Path(
        reverse("account_center:step_up"),
        {"action": "verify_phone", "code": CODE},
        [CODE],
        logto=_codes,
        user={"primaryPhone": "886912345678"},
        session={verification.CODE_SENT_KEY: "phone"},
    ),
    "new password": Path(
        reverse("account_center:password"),
        {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        [NEW_PASSWORD],
        faults=("database", "cache after a change"),
        logto=_new_password,
    ),
    "new email code": Path(
        reverse("account_center:email"),
        {"action": "verify", "code": CODE},
        [CODE],
        logto=_codes,
        session={identifiers.PENDING_KEY.format(kind="email"): "new@example.com"},
    ),
    "new phone code": Path(
        reverse("account_center:phone"),
        {"action": "verify", "code": CODE},
        [CODE],
        logto=_codes,
        session={identifiers.PENDING_KEY.format(kind="phone"): "886912345678"},
    ),
    "authenticator app": Path(
        reverse("account_center:mfa_app"),
        {"action": "confirm", "code": _totp_code()},
        [TOTP_SECRET, _totp_code()],
        logto=_two_step,
        before=_start_totp,
        shown_once=[TOTP_SECRET],
    ),
    "backup codes": Path(
        reverse("account_center:mfa_backup_codes"),
        {},
        BACKUP_CODES,
        faults=("database", "cache after a change"),
        logto=_backup_codes,
        shown_once=BACKUP_CODES,
    ),
    "developer token": Path(
        reverse("account_center:tokens"),
        {"name": "ci", "expiry": "never"},
        [TOKEN_VALUE],
        faults=("database", "cache after a change"),
        logto=_tokens,
        shown_once=[TOKEN_VALUE],
    ),
}
CASES = [
    pytest.param(name, fault, id=f"{name}-{fault}")
    for name, path in PATHS.items()
    for fault in path.faults
]


@pytest.fixture
def reporting(settings: Any) -> None:
    """Production: DEBUG off, the admins mailed every 500 (Django's default logging)."""
    settings.DEBUG = False
    settings.ADMINS = ADMINS


def _post_failing(
    name: str, fault: str, client: Client, logto_mock: Any, monkeypatch: pytest.MonkeyPatch
) -> Any:
    path = PATHS[name]
    monkeypatch.setattr(mfa, "new_secret", lambda: TOTP_SECRET)
    logto_mock.get(USER_URL, json=logto_user(**path.user))
    path.logto(logto_mock)
    session = client.session
    session.update(path.session)
    session.save()
    path.before(client)
    FAULTS[fault](monkeypatch)
    client.raise_request_exception = False
    answer = client.post(path.url, path.data)
    assert answer.status_code == 500, answer.content[:300]
    return answer


@pytest.mark.parametrize(("name", "fault"), CASES)
def test_no_secret_in_the_admins_mail_or_the_report(
    name, fault, reporting, stepped_up, logto_mock, monkeypatch, mailoutbox
) -> None:
    answer = _post_failing(name, fault, stepped_up, logto_mock, monkeypatch)

    reports = error_reports(answer)
    assert len(mailoutbox) == 1, "the admins were not mailed"
    assert "POST:" in reports["mail 0"]  # the posted form is in the mail, its secrets masked
    assert holding(reports, PATHS[name].secrets) == []


SHOWN_ONCE = [
    pytest.param(name, fault, id=f"{name}-{fault}")
    for name, path in PATHS.items()
    if path.shown_once
    for fault in path.faults
    if fault in FLOW_FAULTS
]


@pytest.mark.parametrize(("name", "fault"), SHOWN_ONCE)
def test_secrets_shown_once_are_not_in_the_debug_page(
    name, fault, settings, stepped_up, logto_mock, monkeypatch
) -> None:
    settings.DEBUG = True  # nothing is cleansed: only a wrapped secret stays out of the page
    answer = _post_failing(name, fault, stepped_up, logto_mock, monkeypatch)

    reports = {"page": answer.content.decode(), **error_reports(answer)}
    assert "Traceback" in reports["page"]
    assert holding(reports, PATHS[name].shown_once) == []


def test_no_signing_key_in_the_report_of_a_failing_webhook(
    reporting, settings, client, monkeypatch, mailoutbox
) -> None:
    settings.ACCOUNT_CENTER_WEBHOOK_SIGNING_KEY = SIGNING_KEY
    body = json.dumps({"event": "User.Deleted", "createdAt": datetime.now(tz=UTC).isoformat()})
    signature = hmac.new(SIGNING_KEY.encode(), body.encode(), hashlib.sha256).hexdigest()

    # A fault inside the check, raised in its own frame (a stand-in function would add a frame
    # of the test's, holding both signatures as its arguments).
    monkeypatch.setattr(hmac, "compare_digest", None)
    client.raise_request_exception = False
    answer = client.post(
        reverse("account_center:logto_webhook"),
        body,
        content_type="application/json",
        HTTP_LOGTO_SIGNATURE_SHA_256=signature,
    )

    assert answer.status_code == 500
    reports = error_reports(answer)
    assert len(mailoutbox) == 1
    assert holding(reports, [SIGNING_KEY, signature]) == []
