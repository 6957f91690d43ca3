"""Benchmark of the statistics page's figures on a large database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sportello_bench SECRET_KEY=x \
        .venv/bin/python manage.py seed_demo --tickets 100000      # once: fixed seed 1, about 6 minutes
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sportello_bench SECRET_KEY=x \
        .venv/bin/python bench/dashboard.py [--live]

It rolls up the finished days (what the beat job does), then computes every figure of the page (totals,
timing, per-day charts, backlog, the seven breakdowns, and the previous period) for all departments over
the last 90 days and the last year, then requests the whole page as an administrator, and prints the time
and query count of each. ``--live`` first times
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

from django.conf import settings  # noqa: E402

# The page's asset URLs without running collectstatic for the benchmark.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from dashboard import rollup  # noqa: E402
from dashboard.models import RolledDay  # noqa: E402
from dashboard.stats import BREAKDOWNS, Stats, period_for  # noqa: E402
from helpdesk.accounts.models import Department, User  # noqa: E402
from tickets.models import ThreadEntry, Ticket, TicketEvent  # noqa: E402


def page_figures(choice: str, departments: set[int] | None = None) -> tuple[float, int]:
    """Seconds and queries to compute everything the statistics page shows for ``choice`` (all departments)."""
    today = timezone.localdate()
    period = period_for(choice, today=today, start=today.replace(year=today.year - 1), end=today)
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        stats = Stats(period, departments, today=today)  # what the page computes, in the same order
        for figures in (stats, stats.previous()):
            figures.totals, figures.timing, figures.backlog_start, figures.backlog_end  # noqa: B018 (on access)
        stats.days  # noqa: B018
        for name in BREAKDOWNS:
            stats.breakdown(name)
        elapsed = time.perf_counter() - started
    return elapsed, len(queries)


def page_request(query: str) -> tuple[float, int]:
    """Seconds and queries of the whole statistics page (view, figures and template) for an administrator."""
    client = Client()
    client.force_login(User.objects.filter(is_superuser=True).order_by("pk")[0])
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(f"/scp/dashboard/?{query}", secure=True)
        elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.status_code  # noqa: S101 (a benchmark's sanity check)
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
    year_ago = timezone.localdate().replace(year=timezone.localdate().year - 1).isoformat()
    started = time.perf_counter()
    days = rollup.roll_up_recent()
    print(f"roll-up of {days} days: {time.perf_counter() - started:.1f} s")
    for label, choice in (("90 days", "90d"), ("one year", "custom")):
        page_figures(choice)  # warm the caches once, as a page in use would be
        seconds, queries = page_figures(choice)
        print(f"{label}, figures: {seconds * 1000:.0f} ms, {queries} queries")
    first = set(Department.objects.order_by("pk").values_list("pk", flat=True)[:1])
    page_figures("90d", first)
    seconds, queries = page_figures("90d", first)
    print(f"90 days, one department, figures: {seconds * 1000:.0f} ms, {queries} queries")
    for label, query in (("90 days", "period=90d"), ("one year", "period=custom&start=" + year_ago)):
        page_request(query)  # the first request also loads the templates
        seconds, queries = page_request(query)
        print(f"{label}, whole page: {seconds * 1000:.0f} ms, {queries} queries")


if __name__ == "__main__":
    main()
