from __future__ import annotations

import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]

pytest.importorskip("logto_emulator.server", reason="the Logto emulator is not available")

from logto_emulator.seed import DEMO_CLIENTS  # noqa: E402
from logto_emulator.server import EmulatorServer  # noqa: E402


@pytest.fixture
def emulator_settings(settings: Any, emulator: EmulatorServer) -> Any:
    """The settings the shared ``emulator`` fixture pointed at the emulator."""
    return settings


def run() -> tuple[str, CommandError | None]:
    out = StringIO()
    try:
        call_command("account_center_check", stdout=out, no_color=True)
    except CommandError as exc:
        return out.getvalue(), exc
    return out.getvalue(), None


def test_check_passes_against_the_emulator(emulator_settings: Any) -> None:
    output, error = run()
    assert error is None, output
    lines = output.splitlines()
    assert [line.split()[0] for line in lines[:4]] == ["OK", "OK", "OK", "OK"]
    assert "All checks passed." in output
    for secret in (DEMO_CLIENTS.web_app_secret, DEMO_CLIENTS.m2m_app_secret):
        assert secret not in output


def test_check_fails_clearly_with_a_wrong_web_app_secret(emulator_settings: Any) -> None:
    emulator_settings.LOGTO_APP_SECRET = "wrong-secret"
    output, error = run()
    assert error is not None
    assert "FAIL web app: Logto refused the credentials of" in output
    assert "invalid_client" in output
    assert "wrong-secret" not in output
    assert "OK   M2M token" in output


def test_check_fails_clearly_with_a_wrong_m2m_secret(emulator_settings: Any) -> None:
    emulator_settings.LOGTO_M2M_APP_SECRET = "wrong-secret"
    output, error = run()
    assert error is not None
    assert "FAIL M2M token: Logto refused" in output
    assert "FAIL management API: skipped" in output
    assert "wrong-secret" not in output


def test_check_fails_when_logto_is_unreachable(settings: Any) -> None:
    settings.LOGTO_ENDPOINT = "http://127.0.0.1:9"
    settings.LOGTO_TIMEOUT = (0.5, 0.5)
    output, error = run()
    assert error is not None
    assert output.startswith("FAIL discovery")


def add_hook(emulator: EmulatorServer, **fields: Any) -> dict[str, Any]:
    """A webhook made as in the Logto console (through the emulator's Management API)."""
    import requests

    from logto_emulator.seed import demo_management_token

    body = {
        "name": "account center",
        "events": ["User.Deleted", "User.Data.Updated", "User.SuspensionStatus.Updated"],
        "config": {"url": "https://site.example/account/webhooks/logto/"},
        **fields,
    }
    answer = requests.post(
        f"{emulator.url}/api/hooks",
        json=body,
        headers={"Authorization": f"Bearer {demo_management_token(emulator.url)}"},
        timeout=5,
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_no_signing_key_is_a_note_not_a_failure(emulator_settings: Any) -> None:
    output, error = run()
    assert error is None
    assert "NOTE webhooks: ACCOUNT_CENTER_WEBHOOK_SIGNING_KEY is not set" in output


def test_the_hook_signing_with_our_key_is_found(emulator_settings: Any, emulator) -> None:
    hook = add_hook(emulator)
    emulator_settings.ACCOUNT_CENTER_WEBHOOK_SIGNING_KEY = hook["signingKey"]
    output, error = run()
    assert error is None, output
    assert "OK   webhooks: account center sends the user events to https://site.example" in output
    assert hook["signingKey"] not in output


def test_no_hook_with_our_key_fails(emulator_settings: Any, emulator) -> None:
    add_hook(emulator)
    emulator_settings.ACCOUNT_CENTER_WEBHOOK_SIGNING_KEY = "not-the-key"
    output, error = run()
    assert error is not None
    assert "FAIL webhooks: none of the 1 webhook(s) in Logto signs with" in output
    assert "not-the-key" not in output


def test_no_hook_with_our_key_points_at_the_docs_page_on_webhooks(
    emulator_settings: Any, emulator
) -> None:
    add_hook(emulator)
    emulator_settings.ACCOUNT_CENTER_WEBHOOK_SIGNING_KEY = "not-the-key"
    output, _ = run()
    assert "(docs/logto-console.md, Webhooks)" in output
    assert "README" not in output
    page = (ROOT / "docs" / "logto-console.md").read_text(encoding="utf-8")
    assert page.startswith("# Make Logto's console ready\n")
    assert re.search(r"^## \d\. Webhooks", page, re.M)
    with translation.override("zh-hant"):
        output, _ = run()
    line = next(line for line in output.splitlines() if line.startswith("FAIL webhooks"))
    assert "docs/logto-console.md" in line and "create one" not in line


def test_a_hook_missing_an_event_fails(emulator_settings: Any, emulator) -> None:
    hook = add_hook(emulator, events=["User.Deleted"])
    emulator_settings.ACCOUNT_CENTER_WEBHOOK_SIGNING_KEY = hook["signingKey"]
    output, error = run()
    assert error is not None
    assert "does not send User.Data.Updated, User.SuspensionStatus.Updated" in output
