"""Storing finished days in the rollup tables; beat runs ``roll_up_recent`` through ``dashboard.jobs``."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone

from dashboard import facts
from dashboard.models import DailyCount, Duration, RolledDay
from tickets.models import TicketEvent

# Finished days are rolled up again this many times, so late writes (mail imported after midnight) count.
REFRESH_DAYS = 2
# Days rolled up by one transaction: a first run over years of history commits as it goes.
CHUNK_DAYS = 92
# After this many days at once (a first run), the planner's statistics of the rollup tables are refreshed.
ANALYZE_AFTER_DAYS = 30


@transaction.atomic
def roll_up_range(first: date, last: date) -> None:
    """Store the counts and durations of the finished local days ``first`` .. ``last``, replacing earlier ones.

    The database does the work a whole range at a time (one statement per breakdown and per kind of
    duration), so years of history roll up in seconds rather than one day at a time.
    """
    DailyCount.objects.filter(day__gte=first, day__lte=last).delete()
    Duration.objects.filter(day__gte=first, day__lte=last).delete()
    RolledDay.objects.filter(day__gte=first, day__lte=last).delete()
    facts.store_counts(first, last)
    facts.store_durations(first, last)
    RolledDay.objects.bulk_create(RolledDay(day=first + timedelta(days=n)) for n in range((last - first).days + 1))


def roll_up(day: date) -> None:
    """Store one finished local day's counts and durations, replacing what was stored for it."""
    roll_up_range(day, day)


def roll_up_recent(*, today: date | None = None, catch_up: int | None = None) -> int:
    """Roll up the last few finished days and every earlier day never rolled up. Returns how many days.

    Earlier days go back to the first counted event, or ``catch_up`` days when given.
    """
    today = today or timezone.localdate()
    oldest = today - timedelta(days=catch_up) if catch_up else _first_day(today)
    done = set(RolledDay.objects.filter(day__gte=oldest).values_list("day", flat=True))
    refresh = today - timedelta(days=REFRESH_DAYS)
    todo = [
        day
        for day in (oldest + timedelta(days=n) for n in range((today - oldest).days))
        if day not in done or day >= refresh
    ]
    for first, last in facts.stretches(todo, longest=CHUNK_DAYS):
        roll_up_range(first, last)
    if len(todo) >= ANALYZE_AFTER_DAYS and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (DailyCount, Duration, RolledDay):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return len(todo)


def _first_day(today: date) -> date:
    """The local day of the oldest counted event (one indexed lookup per kind), or the refreshed days' first."""
    firsts = [
        TicketEvent.objects.filter(kind=kind).order_by("at").values_list("at", flat=True).first()
        for kind in facts.COUNTED
    ]
    moments = [moment for moment in firsts if moment is not None]
    if not moments:
        return today - timedelta(days=REFRESH_DAYS)
    return min(timezone.localtime(min(moments)).date(), today - timedelta(days=REFRESH_DAYS))
