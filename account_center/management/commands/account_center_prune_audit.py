"""``manage.py account_center_prune_audit --older-than 90d [--dry-run]``: delete audit events
older than a period (``d`` days, ``h`` hours, ``w`` weeks). Nothing else removes them: the admin
cannot, so a retention policy is this command run on a schedule (cron, a systemd timer)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from account_center import clock
from account_center.models import AuditEvent

_UNITS = {"h": "hours", "d": "days", "w": "weeks"}
# Deleted in batches: one huge DELETE holds its locks (and the table) for as long as it runs.
_BATCH = 5000


def parse_age(text: str) -> timedelta:
    match = re.fullmatch(r"\s*(\d+)\s*([hdw])\s*", text)
    if not match or int(match.group(1)) < 1:
        raise CommandError(f"--older-than takes a period such as 90d, 12w or 36h, not {text!r}.")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


class Command(BaseCommand):
    help = "Delete account center audit events older than a period (e.g. --older-than 90d)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--older-than", required=True, help="90d, 12w or 36h")
        parser.add_argument("--dry-run", action="store_true", help="count them, delete nothing")

    def handle(self, *args: Any, older_than: str, dry_run: bool = False, **options: Any) -> None:
        cutoff = clock.utcnow() - parse_age(older_than)
        old = AuditEvent.objects.filter(created_at__lt=cutoff)
        if dry_run:
            self.stdout.write(
                f"would delete {old.count()} audit event(s) from before {cutoff:%Y-%m-%d %H:%M} UTC"
            )
            return
        deleted = 0
        while True:
            batch = list(old.order_by("pk").values_list("pk", flat=True)[:_BATCH])
            if not batch:
                break
            deleted += AuditEvent.objects.filter(pk__in=batch).delete()[0]
        self.stdout.write(
            f"deleted {deleted} audit event(s) from before {cutoff:%Y-%m-%d %H:%M} UTC"
        )
