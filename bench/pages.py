"""Time the pages: server-side time through Django's test client, query count, and the SQL's own time.

Each case is requested once to warm caches and count queries, then ``repeat`` times for the timing. On
PostgreSQL every SELECT the page ran is replayed under ``EXPLAIN ANALYZE``; the sum of their execution times
is "the raw SQL the page needs", and the page's median is printed as a multiple of it.
"""

from __future__ import annotations

import gc
import json
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from django.db import connection
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from bench.seed import PORTAL_EMAIL, THREAD_SIZES
from helpdesk.accounts.backends import BACKEND
from helpdesk.accounts.models import Agent, Department, User
from tickets.models import Status, ThreadEntry, Ticket

PAGE_SIZE = 50
FAR_PAGE = 1000


@dataclass(frozen=True)
class Case:
    """One page to time: a label, the URL and who asks for it.

    ``prepare`` (if any) runs first and returns rows for the table: what production would have done
    before the page is served (the dashboard's rollup).
    """

    group: str
    label: str
    url: str
    user: User
    prepare: Callable[[], list[str]] | None = None


@dataclass(frozen=True)
class Result:
    """What one case measured: milliseconds (median, 95th percentile), queries, SQL milliseconds."""

    case: Case
    status: int
    median: float
    p95: float
    queries: int
    sql: float | None

    @property
    def ratio(self) -> float | None:
        """The page's median as a multiple of the time its SQL takes in the database."""
        return self.median / self.sql if self.sql else None


def bench_agent() -> User:
    """The agent the staff pages are measured for: the demo agent with roles in the most departments."""
    agent = max(
        Agent.objects.filter(user__is_superuser=False, user__is_active=True).select_related("user"),
        key=lambda each: (each.departments.count(), -each.pk),
    )
    agent.page_size = PAGE_SIZE
    agent.save(update_fields=["page_size"])
    return agent.user


def cases() -> list[Case]:
    """Every page the benchmark times, in the order the table prints them."""
    agent = bench_agent()
    return [
        *_queue_cases(agent),
        *_ticket_cases(agent),
        *_search_cases(agent),
        *_portal_cases(),
        *_dashboard_cases(agent),
    ]


def _queue_cases(agent: User) -> list[Case]:
    from tickets.queues import queues_for

    department = Department.objects.filter(agents__user=agent).order_by("pk").first()
    status = Status.objects.filter(state="open").order_by("pk").first()
    found = []
    for queue in queues_for(agent):
        url = reverse("scp:queue", args=[queue.slug])
        found.append(Case("queue", f"{queue.slug}, page 1", url, agent))
        found.append(Case("queue", f"{queue.slug}, page {FAR_PAGE}", f"{url}?page={FAR_PAGE}", agent))
    filters = f"?priority=2&department={department.pk if department else ''}&sort=-created"
    found.append(Case("queue", "closed, filtered, page 1", reverse("scp:queue", args=["closed"]) + filters, agent))
    found.append(
        Case(
            "queue", "open, by status, page 1", f"{reverse('scp:tickets')}?status={status.pk if status else ''}", agent
        )
    )
    return found


def _ticket_cases(agent: User) -> list[Case]:
    numbers = Ticket.objects.order_by("pk").values_list("number", flat=True)[: len(THREAD_SIZES)]
    return [
        Case("ticket", f"thread of {size} entries", reverse("scp:ticket", args=[number]), agent)
        for size, number in zip(THREAD_SIZES, numbers, strict=False)
    ]


def _search_cases(agent: User) -> list[Case]:
    ticket = Ticket.objects.order_by("-pk").select_related("requester").first()
    if ticket is None:
        return []
    base = reverse("scp:tickets")
    return [
        Case("search", "by number", f"{base}?q={ticket.number}", agent),
        Case("search", "by requester e-mail", f"{base}?q={ticket.requester.email}", agent),
        Case("search", "by requester name (oldest ticket's)", f"{base}?q={quote(_oldest_requester())}", agent),
        Case("search", "free text (English)", f"{base}?q=printers", agent),
        Case("search", "free text (Italian)", f"{base}?q=stampanti", agent),
        Case("search", "free text, two words", f"{base}?q=outlook+crashes", agent),
        Case("search", "free text, rare (error code)", f"{base}?q={_error_code(ticket)}", agent),
    ]


def _oldest_requester() -> str:
    """The name of the first ticket's requester (not the portal's customer with 500 tickets): their tickets are
    found only if people are searched whatever their tickets' age."""
    tickets = Ticket.objects.exclude(requester__email=PORTAL_EMAIL).order_by("pk")
    return tickets.values_list("requester__name", flat=True).first() or ""


def _error_code(ticket: Ticket) -> str:
    """An error code written in the newest thread that has one (about twenty threads share each code)."""
    entry = ThreadEntry.objects.filter(body_text__regex=r"E[0-9]{5}").order_by("-pk").first()
    match = re.search(r"E[0-9]{5}", entry.body_text) if entry else None
    return match.group(0) if match else ticket.number


def _portal_cases() -> list[Case]:
    customer = User.objects.get(email=PORTAL_EMAIL)
    count = Ticket.objects.filter(requester=customer).count()
    return [Case("portal", f"my tickets ({count} tickets)", reverse("portal:my_tickets"), customer)]


def _dashboard_cases(agent: User) -> list[Case]:
    """The dashboard as production serves it: finished days rolled up (timed first), today from the events."""
    from bench.dashboard import roll_up_rows

    try:
        url = reverse("scp:dashboard")
    except NoReverseMatch:
        return []
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    if admin is None:
        return []
    today = timezone.localdate()
    year = f"{url}?period=custom&start={today - timedelta(days=365)}&end={today}"
    return [
        Case("dashboard", "90 days", f"{url}?period=90d", admin, prepare=roll_up_rows),
        Case("dashboard", "one year", year, admin),
        Case("dashboard", "90 days, an agent's departments", f"{url}?period=90d", agent),
    ]


def measure(case: Case, *, repeat: int) -> Result:
    """Request the case's page: once counting queries, then ``repeat`` times for the timing."""
    client = Client(raise_request_exception=False)  # a failing page is reported with its status
    client.force_login(case.user, backend=BACKEND)
    recorder = QueryRecorder()
    with connection.execute_wrapper(recorder):
        response = client.get(case.url)
    gc.collect()  # what the warm-up loaded is kept out of the collector, as a served worker does (helpdesk/wsgi.py)
    gc.freeze()
    timings = []
    for _round in range(repeat):
        started = time.perf_counter()
        client.get(case.url)
        timings.append((time.perf_counter() - started) * 1000)
    return Result(
        case=case,
        status=response.status_code,
        median=statistics.median(timings),
        p95=percentile(timings, 95),
        queries=len(recorder.queries),
        sql=explain_total(recorder.queries),
    )


class QueryRecorder:
    """An execute wrapper that keeps every statement and its parameters (whatever DEBUG says)."""

    def __init__(self) -> None:
        self.queries: list[tuple[str, Any]] = []

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        self.queries.append((sql, params))
        return execute(sql, params, many, context)


def percentile(values: list[float], share: float) -> float:
    """The ``share`` percentile of ``values`` (nearest rank)."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(share / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def explain_total(queries: list[tuple[str, Any]]) -> float | None:
    """Milliseconds PostgreSQL spends executing these SELECTs (EXPLAIN ANALYZE), None elsewhere."""
    if connection.vendor != "postgresql":
        return None
    total = 0.0
    with connection.cursor() as cursor:
        for sql, params in queries:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            total += float(plan[0]["Execution Time"])
    return total
