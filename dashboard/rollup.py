"""Storing finished days in the rollup tables; beat runs ``roll_up_recent`` through ``dashboard.jobs``."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from dashboard import facts
from dashboard.models import DailyCount, Duration, RolledDay

# Finished days are rolled up again this many times, so late writes (mail imported after midnight) count.
REFRESH_DAYS = 2
# On the first run (or after an outage) days this far back are filled in.
CATCH_UP_DAYS = 400


@transaction.atomic
def roll_up(day: date) -> None:
    """Store one finished local day's counts and durations, replacing what was stored for it."""
    DailyCount.objects.filter(day=day).delete()
    Duration.objects.filter(day=day).delete()
    DailyCount.objects.bulk_create(facts.daily_counts(day, day), batch_size=1000)
    Duration.objects.bulk_create(facts.durations(day, day), batch_size=1000)
    RolledDay.objects.update_or_create(day=day)


def roll_up_recent(*, today: date | None = None, catch_up: int = CATCH_UP_DAYS) -> int:
    """Roll up the last few finished days and any of the last ``catch_up`` days never rolled up. Returns how many."""
    today = today or timezone.localdate()
    oldest = today - timedelta(days=catch_up)
    done = set(RolledDay.objects.filter(day__gte=oldest).values_list("day", flat=True))
    days = [oldest + timedelta(days=n) for n in range(catch_up)]
    todo = [day for day in days if day not in done or day >= today - timedelta(days=REFRESH_DAYS)]
    for day in todo:
        roll_up(day)
    return len(todo)
