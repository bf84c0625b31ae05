"""One clock: moving ``account_center.clock`` moves every part of the app that keeps time, and no
module keeps a clock of its own again."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import account_center
from account_center import clock as clock_module
from account_center import ratelimit
from account_center.conf.app_settings import app_settings
from account_center.flows import stepup
from account_center.forms.profile import ProfileForm
from account_center.forms.tokens import TokenForm
from account_center.logto import budget


def test_one_clock_moves_step_up_attempt_limits_and_the_page_budget(clock, user) -> None:
    sub = user.logto_identity.sub
    request = SimpleNamespace(user=user, session={})
    request.session[stepup.SESSION_KEY] = {"method": "password", "at": clock[0], "sub": sub}
    ratelimit.start_cooldown(sub, "bob@example.com")
    with budget.request_budget(5):
        clock[0] += 3
        assert budget.remaining() == 2
    assert stepup.remaining_seconds(request) == app_settings.STEP_UP_SECONDS - 3
    assert ratelimit.cooldown_remaining(sub, "bob@example.com") == (
        app_settings.CODE_RESEND_SECONDS - 3
    )
    assert clock_module.utcnow() == datetime.fromtimestamp(clock[0], tz=UTC)


def test_the_forms_dates_follow_the_one_clock(clock) -> None:
    # 2023-11-14 22:13 UTC: already the 15th at UTC+14, the latest a birthdate may be.
    token = TokenForm({"name": "ci", "expiry": "30"})
    birthdate = ProfileForm().fields["birthdate"]

    assert token.is_valid(), token.errors
    assert token.cleaned_data["expires_at"] == datetime(2023, 12, 15, tzinfo=UTC)
    assert str(birthdate.widget.attrs["max"]) == "2023-11-15"


def test_no_module_keeps_a_clock_of_its_own() -> None:
    package = Path(account_center.__file__).parent
    own = [
        f"{path.relative_to(package)}:{node.lineno}"
        for path in sorted(package.rglob("*.py"))
        if path.name != "clock.py" and "migrations" not in path.parts
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef) and node.name in ("now", "_now", "utcnow")
    ]
    assert not own, own


def test_no_module_reads_the_wall_clock_but_the_clock() -> None:
    """``time.time()``, ``timezone.now()`` and ``datetime.now()`` outside ``clock.py`` would be
    times tests cannot move. (``time.monotonic`` and ``perf_counter`` measure waits and durations,
    which no test moves, and stay.)"""
    package = Path(account_center.__file__).parent
    reads = {("time", "time"), ("timezone", "now"), ("datetime", "now"), ("datetime", "utcnow")}
    own = [
        f"{path.relative_to(package)}:{node.lineno}"
        for path in sorted(package.rglob("*.py"))
        if path.name != "clock.py" and "migrations" not in path.parts
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and (node.func.value.id, node.func.attr) in reads
    ]
    assert not own, own
