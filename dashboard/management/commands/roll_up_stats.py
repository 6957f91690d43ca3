"""``manage.py roll_up_stats``: store the dashboard's finished days now (beat does it hourly; cron can too)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dashboard import rollup


class Command(BaseCommand):
    # Lazy, so that --help is translated when it prints; Django's stubs want a str here.
    help = gettext_lazy(  # type: ignore[assignment]
        "Roll up the dashboard's figures of finished days that are not stored yet, and of the last two."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=_("How far back to fill in missing days (default: back to the first ticket event)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        done = rollup.roll_up_recent(catch_up=None if days is None else max(days, 1))
        self.stdout.write(_("Rolled up %(days)s days.") % {"days": done})
