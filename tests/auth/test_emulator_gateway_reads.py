"""The Account API's reads on the emulator: kept as the Management API's are (a page at steady
state costs Logto nothing, whichever the gateway), dropped by the user's change, and never kept
nor asked when Logto wants a verification record (sessions, grants)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytest.importorskip("logto_emulator.server", reason="the Logto emulator is not available")

from account_center.flows import logto_verification  # noqa: E402
from logto_emulator.seed import DEMO_USER  # noqa: E402
from logto_emulator.server import EmulatorServer  # noqa: E402

from .test_emulator_gateway import EDIT_ALL, _signed_in, calls  # noqa: E402, F401
from .test_emulator_sign_in import emulator  # noqa: E402, F401

pytestmark = pytest.mark.django_db

OWN_READS = ("/api/my-account", "/api/my-account/mfa-verifications", "/api/my-account/logto-configs")


def _auto(emulator: EmulatorServer, settings: Any) -> Client:  # noqa: F811
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "auto"
    emulator.state.configure_account_center(enabled=True, fields={**EDIT_ALL, "mfa": "Edit"})
    return _signed_in(emulator)


def test_the_overview_at_steady_state_asks_logto_nothing_through_the_account_api(
    emulator: EmulatorServer,  # noqa: F811
    settings: Any,
    calls: list[tuple[str, str, bool]],  # noqa: F811
) -> None:
    client = _auto(emulator, settings)
    assert client.get("/account/").status_code == 200
    first = [(method, path) for method, path, _grant in calls]
    assert {("GET", path) for path in OWN_READS} <= set(first), first
    calls.clear()

    assert client.get("/account/").status_code == 200

    assert calls == []


def test_no_session_list_is_asked_without_a_verification_record(
    emulator: EmulatorServer,  # noqa: F811
    settings: Any,
    calls: list[tuple[str, str, bool]],  # noqa: F811
) -> None:
    """Logto answers it 401 ``verification_record.permission_denied`` without one: the
    overview's count was a refused round trip on every view."""
    client = _auto(emulator, settings)

    assert client.get("/account/").status_code == 200
    sessions_page = client.get("/account/sessions/")

    # Asked to confirm it's them first, as when Logto refused.
    assert sessions_page.status_code == 302
    assert sessions_page["Location"].startswith("/account/verify/")
    asked = [path for _method, path, _grant in calls]
    assert "/api/my-account/sessions" not in asked, asked


def test_a_session_list_read_with_a_record_is_not_kept_for_a_page_without_one(
    emulator: EmulatorServer,  # noqa: F811
    settings: Any,
    calls: list[tuple[str, str, bool]],  # noqa: F811
) -> None:
    client = _auto(emulator, settings)
    verified = client.post(
        "/account/verify/", {"action": "password", "password": DEMO_USER.password}
    )
    assert verified.status_code in (200, 302)
    listed = client.get("/account/sessions/")
    assert b"ac-sessions" in listed.content, listed.content[:300]
    session = client.session
    session.pop(logto_verification.SESSION_KEY)
    session.save()

    calls.clear()

    again = client.get("/account/sessions/")

    assert again.status_code == 302 and again["Location"].startswith("/account/verify/")
    assert b"ac-sessions" not in again.content


def test_the_users_change_through_the_account_api_drops_their_kept_reads(
    emulator: EmulatorServer,  # noqa: F811
    settings: Any,
    calls: list[tuple[str, str, bool]],  # noqa: F811
) -> None:
    client = _auto(emulator, settings)
    assert client.get("/account/").status_code == 200  # the reads are kept
    verified = client.post(
        "/account/verify/", {"action": "password", "password": DEMO_USER.password}
    )
    assert verified.status_code in (200, 302)
    renamed = client.post("/account/security/username/", {"username": "kept_reads_renamed"})
    assert renamed.status_code in (200, 302)
    calls.clear()

    overview = client.get("/account/")

    assert ("GET", "/api/my-account", False) in calls
    assert b"kept_reads_renamed" in overview.content
