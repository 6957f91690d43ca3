"""manage.py tidy_up: the daily housekeeping job, run once now (for a deployment without Celery beat)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tickets.housekeeping import tidy_up


class Command(BaseCommand):
    help = "Delete expired sessions and links, old records of fetched mail and the old sign-in log."

    def handle(self, *args: Any, **options: Any) -> None:
        for kind, count in tidy_up().items():
            self.stdout.write(f"{kind}: {count} deleted")
