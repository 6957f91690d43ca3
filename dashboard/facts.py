"""Turning TicketEvent rows into the dashboard's facts: counts per day and ticket attributes, and durations.

The same functions fill the rollup table for finished days and answer for days not rolled up yet (today),
so stored and live figures cannot disagree.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from dashboard.models import DailyCount, Duration
from tickets.models import TicketEvent

Kind = TicketEvent.Kind

# Event kind -> DailyCount field it adds one to.
COUNTED: dict[str, str] = {
    Kind.CREATED: "opened",
    Kind.ASSIGNED: "assigned",
    Kind.CLOSED: "closed",
    Kind.REOPENED: "reopened",
    Kind.OVERDUE: "overdue",
    Kind.RESPONSE: "responses",
}
# DailyCount dimension -> the event's ticket field that gives its key.
DIMENSIONS: dict[str, str] = {
    "department": "ticket__department_id",
    "topic": "ticket__help_topic_id",
    "agent": "ticket__assignee_id",
    "team": "ticket__team_id",
    "source": "ticket__source",
    "priority": "ticket__priority",
    "organization": "ticket__requester__organization_id",
}
_SLA_FIELDS = (
    "ticket__sla__business_hours_only",
    "ticket__sla__day_start",
    "ticket__sla__day_end",
    "ticket__sla__work_days",
)

Departments = Collection[int] | None


@dataclass(frozen=True)
class Hours:
    """The working hours a duration is counted in; ``None`` everywhere means wall time."""

    business_only: bool
    day_start: time | None = None
    day_end: time | None = None
    work_days: frozenset[int] = frozenset()

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Hours:
        """The hours of an event row carrying the ticket's SLA fields (no plan: wall time)."""
        if not row["ticket__sla__business_hours_only"]:
            return WALL_TIME
        days = frozenset(int(d) for d in str(row["ticket__sla__work_days"]).split(",") if d.strip().isdigit())
        return cls(True, row["ticket__sla__day_start"], row["ticket__sla__day_end"], days or frozenset(range(5)))


WALL_TIME = Hours(business_only=False)


def elapsed_seconds(start: datetime, end: datetime, hours: Hours) -> float:
    """Seconds from ``start`` to ``end``, counting only working hours when ``hours`` says so."""
    if end <= start:
        return 0.0
    if not hours.business_only:
        return (end - start).total_seconds()
    assert hours.day_start is not None and hours.day_end is not None  # noqa: S101 (set with business_only)
    tz = timezone.get_current_timezone()
    total = 0.0
    day = timezone.localtime(start, tz).date()
    while day <= timezone.localtime(end, tz).date():
        if day.weekday() in hours.work_days:
            opens = timezone.make_aware(datetime.combine(day, hours.day_start), tz)
            closes = timezone.make_aware(datetime.combine(day, hours.day_end), tz)
            total += max(0.0, (min(end, closes) - max(start, opens)).total_seconds())
        day += timedelta(days=1)
    return total


def bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """The moments the local days ``first`` .. ``last`` (inclusive) begin and end."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(first, time.min), tz)
    end = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min), tz)
    return start, end


def _events(first: date, last: date, departments: Departments) -> QuerySet[TicketEvent]:
    start, end = bounds(first, last)
    events = TicketEvent.objects.filter(at__gte=start, at__lt=end)
    if departments is not None:
        events = events.filter(ticket__department_id__in=departments)
    return events


def _human_responses() -> Q:
    """Agent responses, leaving out the automatic replies (auto-responses, canned replies of filters)."""
    return Q(kind=Kind.RESPONSE) & ~Q(data__has_key="automatic")


def counted_events(first: date, last: date, departments: Departments = None) -> QuerySet[TicketEvent]:
    """The events the counts are made of; an assignment that only clears the assignee is not counted."""
    cleared = Q(kind=Kind.ASSIGNED, data__after__agent=None, data__after__team=None)
    return (
        _events(first, last, departments)
        .filter(kind__in=COUNTED)
        .exclude(Q(kind=Kind.RESPONSE, data__has_key="automatic") | cleared)
    )


def daily_counts(first: date, last: date, departments: Departments = None) -> list[DailyCount]:
    """Unsaved DailyCount rows for the local days ``first`` .. ``last``: per day, department, dimension and key."""
    tz = timezone.get_current_timezone()
    rows = (
        counted_events(first, last, departments)
        .annotate(day=TruncDate("at", tzinfo=tz))
        .values("day", "kind", *DIMENSIONS.values())
        .annotate(n=Count("id"))
        .order_by()
    )
    folded: dict[tuple[Any, ...], DailyCount] = {}
    for row in rows:
        department = row["ticket__department_id"]
        counted = COUNTED[row["kind"]]
        for dimension, field in DIMENSIONS.items():
            key = "" if row[field] is None else str(row[field])
            count = folded.get((row["day"], department, dimension, key))
            if count is None:
                count = DailyCount(day=row["day"], department_id=department, dimension=dimension, key=key)
                folded[(row["day"], department, dimension, key)] = count
            setattr(count, counted, getattr(count, counted) + row["n"])
    return list(folded.values())


def durations(first: date, last: date, departments: Departments = None) -> list[Duration]:
    """Unsaved Duration rows: first responses and resolutions that happened on the days ``first`` .. ``last``."""
    return [*_first_responses(first, last, departments), *_resolutions(first, last, departments)]


def _first_responses(first: date, last: date, departments: Departments) -> Iterable[Duration]:
    earlier = TicketEvent.objects.filter(ticket=OuterRef("ticket"), at__lt=OuterRef("at")).filter(_human_responses())
    rows = (
        _events(first, last, departments)
        .filter(_human_responses())
        .filter(~Exists(earlier))
        .values("ticket_id", "at", "ticket__created_at", "ticket__department_id", *_SLA_FIELDS)
        .order_by("ticket_id", "at", "id")
    )
    seen: set[int] = set()
    for row in rows:
        if row["ticket_id"] in seen:  # two responses at the very same moment: the first one counts
            continue
        seen.add(row["ticket_id"])
        yield _duration(Duration.Kind.FIRST_RESPONSE, row)


def _resolutions(first: date, last: date, departments: Departments) -> Iterable[Duration]:
    replies = (
        TicketEvent.objects.filter(ticket=OuterRef("ticket"), at__lte=OuterRef("at"))
        .filter(_human_responses())
        .order_by()
        .values("ticket")
        .annotate(n=Count("id"))
        .values("n")
    )
    rows = (
        _events(first, last, departments)
        .filter(kind=Kind.CLOSED)
        .annotate(replies=Coalesce(Subquery(replies, output_field=IntegerField()), Value(0)))
        .values("ticket_id", "at", "replies", "ticket__created_at", "ticket__department_id", *_SLA_FIELDS)
        .order_by("at", "id")
    )
    for row in rows:
        yield _duration(Duration.Kind.RESOLUTION, row, replies=row["replies"])


def _duration(kind: str, row: dict[str, Any], *, replies: int = 0) -> Duration:
    return Duration(
        day=timezone.localtime(row["at"]).date(),
        kind=kind,
        ticket_id=row["ticket_id"],
        department_id=row["ticket__department_id"],
        seconds=elapsed_seconds(row["ticket__created_at"], row["at"], Hours.from_row(row)),
        replies=replies,
    )
