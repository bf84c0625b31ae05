"""``manage.py account_center_cleanup [--dry-run]``: finish deleting local users whose Logto
account no longer exists (a deletion whose local step failed, or a user deleted in the Logto
console). Logto is asked about each linked user; nothing is guessed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from account_center.flows.deletion import clean_up_deleted
from account_center.logto import read_cache
from account_center.logto.errors import LogtoError


class Command(BaseCommand):
    help = "Delete (or deactivate) local users whose Logto account no longer exists."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="list them, change nothing")

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        try:
            # Logto's answer now, not one kept for the account pages a minute ago.
            with read_cache.fresh():
                gone = clean_up_deleted(dry_run=dry_run)
        except LogtoError as error:
            raise CommandError(
                f"Logto did not answer ({type(error).__name__}); nothing more was changed."
            ) from error
        verb = "would clean up" if dry_run else "cleaned up"
        self.stdout.write(f"{verb} {len(gone)} local user(s) whose Logto account is gone")
        for sub in gone:
            self.stdout.write(f"  {sub}")
