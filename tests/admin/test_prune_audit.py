from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from account_center.models import AuditEvent

pytestmark = pytest.mark.django_db


def event(age: timedelta) -> AuditEvent:
    made = AuditEvent.objects.create(sub="u1", action="password_changed", outcome="success")
    AuditEvent.objects.filter(pk=made.pk).update(created_at=timezone.now() - age)
    return made


def test_deletes_only_events_older_than_the_period() -> None:
    old = event(timedelta(days=91))
    kept = event(timedelta(days=89))
    out = StringIO()
    call_command("account_center_prune_audit", "--older-than", "90d", stdout=out)
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert "deleted 1 audit event(s)" in out.getvalue()


def test_dry_run_counts_and_keeps() -> None:
    event(timedelta(hours=40))
    out = StringIO()
    call_command("account_center_prune_audit", "--older-than", "36h", "--dry-run", stdout=out)
    assert "would delete 1" in out.getvalue() and AuditEvent.objects.count() == 1


def test_weeks_and_more_than_one_batch(monkeypatch) -> None:
    from account_center.management.commands import account_center_prune_audit as command

    monkeypatch.setattr(command, "_BATCH", 2)
    for _ in range(5):
        event(timedelta(weeks=3))
    call_command("account_center_prune_audit", "--older-than", "2w", stdout=StringIO())
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize("bad", ["90", "0d", "ninety days", "-5d", "3y"])
def test_a_period_it_cannot_read_is_refused(bad) -> None:
    event(timedelta(days=400))
    with pytest.raises(CommandError):
        call_command("account_center_prune_audit", "--older-than", bad, stdout=StringIO())
    assert AuditEvent.objects.count() == 1
