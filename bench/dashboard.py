"""The dashboard's part of the benchmark: the rollup production keeps, built and timed before the pages.

Production stores finished days with the hourly beat job (``manage.py roll_up_stats``) and computes only
today from the event log, so the dashboard's pages are timed that way. Before them, the rollup is emptied
and filled again as a first run does (every day back to the first event), then refreshed once more as the
hourly job does; both times are rows of the table.
"""

from __future__ import annotations

import time

from django.db import connection

from bench.pages import QueryRecorder
from dashboard import rollup
from dashboard.models import DailyCount, Duration, RolledDay


def roll_up_rows() -> list[str]:
    """Empty the rollup, time the first roll-up of the whole history and then an hourly one: two table rows."""
    _empty_rollup()
    rows = []
    for label in ("first roll-up", "hourly roll-up"):
        queries = QueryRecorder()
        with connection.execute_wrapper(queries):
            started = time.perf_counter()
            days = rollup.roll_up_recent()
            elapsed = (time.perf_counter() - started) * 1000
        title = f"dashboard: {label} ({days:,} days)"
        rows.append(f"{title:<44} {'-':>6} {elapsed:>10.1f} {'-':>8} {len(queries.queries):>8} {'-':>8} {'-':>7}")
    return rows


def _empty_rollup() -> None:
    """Forget every rolled-up day (TRUNCATE on PostgreSQL, so reruns leave no dead rows behind)."""
    models = (DailyCount, Duration, RolledDay)
    if connection.vendor == "postgresql":
        tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models)
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {tables}")
        return
    for model in models:
        model.objects.all().delete()
