"""Benchmark of the statistics page's figures on a large database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sportello_bench SECRET_KEY=x \
        .venv/bin/python manage.py seed_demo --tickets 100000      # once: fixed seed 1, about 6 minutes
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sportello_bench SECRET_KEY=x \
        .venv/bin/python bench/dashboard.py [--live]

It rolls up the finished days (what the beat job does), then computes every figure of the page (totals,
timing, per-day charts, backlog, the seven breakdowns, and the previous period) for all departments over
the last 90 days and the last year, and prints the time and query count of each. ``--live`` first times
the same 90 days with nothing rolled up, straight from the event log.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from dashboard import rollup  # noqa: E402
from dashboard.models import RolledDay  # noqa: E402
from dashboard.stats import BREAKDOWNS, Stats, period_for  # noqa: E402
from tickets.models import ThreadEntry, Ticket, TicketEvent  # noqa: E402


def page_figures(choice: str) -> tuple[float, int]:
    """Seconds and queries to compute everything the statistics page shows for ``choice``."""
    today = timezone.localdate()
    period = period_for(choice, today=today, start=today.replace(year=today.year - 1), end=today)
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        for stats in (Stats(period, None, today=today), Stats(period.previous(), None, today=today)):
            stats.totals, stats.timing, stats.days, stats.backlog_start  # noqa: B018 (computed on access)
        for name in BREAKDOWNS:
            Stats(period, None, today=today).breakdown(name)
        elapsed = time.perf_counter() - started
    return elapsed, len(queries)


def main() -> None:
    print(
        f"{connection.vendor}: {Ticket.objects.count()} tickets, {ThreadEntry.objects.count()} entries, "
        f"{TicketEvent.objects.count()} events"
    )
    if "--live" in sys.argv:
        RolledDay.objects.all().delete()
        seconds, queries = page_figures("90d")
        print(f"90 days, nothing rolled up: {seconds * 1000:.0f} ms, {queries} queries")
    started = time.perf_counter()
    days = rollup.roll_up_recent()
    print(f"roll-up of {days} days: {time.perf_counter() - started:.1f} s")
    for label, choice in (("90 days", "90d"), ("one year", "custom")):
        page_figures(choice)  # warm the caches once, as a page in use would be
        seconds, queries = page_figures(choice)
        print(f"{label}: {seconds * 1000:.0f} ms, {queries} queries")


if __name__ == "__main__":
    main()
