"""Turning TicketEvent rows into the dashboard's facts: counts per day and ticket attributes, and durations.

The same functions fill the rollup table for finished days and answer for days not rolled up yet (today),
so stored and live figures cannot disagree.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection
from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
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


def stretches(days: Iterable[date], *, longest: int | None = None) -> list[tuple[date, date]]:
    """The consecutive stretches (first and last day) of the sorted ``days``, each at most ``longest`` long."""
    found: list[tuple[date, date]] = []
    for day in days:
        if (
            found
            and day == found[-1][1] + timedelta(days=1)
            and (longest is None or (day - found[-1][0]).days < longest)
        ):
            found[-1] = (found[-1][0], day)
        else:
            found.append((day, day))
    return found


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


def _fine_counts(first: date, last: date, departments: Departments = None) -> QuerySet[TicketEvent, dict[str, Any]]:
    """Counted events per local day, kind and every dimension's value (``n`` of each)."""
    return (
        counted_events(first, last, departments)
        .annotate(day=TruncDate("at", tzinfo=timezone.get_current_timezone()))
        .values("day", "kind", *DIMENSIONS.values())
        .annotate(n=Count("id"))
        .order_by()
    )


def daily_counts(first: date, last: date, departments: Departments = None) -> list[DailyCount]:
    """Unsaved DailyCount rows for the local days ``first`` .. ``last``: per day, department, dimension and key.

    The same statement as ``store_counts`` writes, read instead, for the few days not rolled up yet.
    """
    cte, select, params = _folded_counts(first, last, departments)
    with connection.cursor() as cursor:
        cursor.execute(f"{cte} {select}", params)
        rows = cursor.fetchall()
    return [_daily_count(row) for row in rows]


def store_counts(first: date, last: date) -> None:
    """Write the DailyCount rows of the days ``first`` .. ``last`` in one statement."""
    quote = connection.ops.quote_name
    cte, select, params = _folded_counts(first, last)
    columns = ", ".join(quote(name) for name in COUNT_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"{cte} INSERT INTO {quote(DailyCount._meta.db_table)} ({columns}) {select}", params)


COUNT_COLUMNS = ("day", "department_id", "dimension", "key", *COUNTED.values())


def _folded_counts(first: date, last: date, departments: Departments = None) -> tuple[str, str, tuple[Any, ...]]:
    """The statement behind DailyCount rows: its ``WITH`` clause, its ``SELECT`` (in COUNT_COLUMNS order), params.

    The events are read and joined to their tickets once (the ``fine`` counts); each dimension's rows
    are that table summed by day, department and the dimension's value.
    """
    quote = connection.ops.quote_name
    fine_sql, params = _fine_counts(first, last, departments).query.sql_with_params()
    day, department = quote("day"), quote(DIMENSIONS["department"])
    sums = ", ".join(f"SUM(CASE WHEN {quote('kind')} = %s THEN {quote('n')} ELSE 0 END)" for _kind in COUNTED)
    selects: list[str] = []
    for dimension, field in DIMENSIONS.items():
        key = f"COALESCE(CAST({quote(field)} AS VARCHAR(20)), '')"
        # Only quoted column names are formatted in; the dimension and the kinds are parameters.
        select = f"SELECT {day}, {department}, %s, {key}, {sums} FROM fine"  # noqa: S608
        selects.append(f"{select} GROUP BY {day}, {department}, {key}")
        params = (*params, dimension, *COUNTED)
    # ``fine_sql`` is the ORM's own query text with placeholders; every value travels in ``params``.
    return f"WITH fine AS ({fine_sql})", " UNION ALL ".join(selects), tuple(params)


def _daily_count(row: tuple[Any, ...]) -> DailyCount:
    """A DailyCount from a row of ``_folded_counts`` (SQLite gives the day as text, PostgreSQL sums as decimals)."""
    day, department, dimension, key, *counts = row
    return DailyCount(
        day=day if isinstance(day, date) else date.fromisoformat(day),
        department_id=department,
        dimension=dimension,
        key=key,
        **{field: int(count) for field, count in zip(COUNTED.values(), counts, strict=True)},
    )


def durations(first: date, last: date, departments: Departments = None) -> list[Duration]:
    """Unsaved Duration rows: first responses and resolutions that happened on the days ``first`` .. ``last``."""
    return [
        *(_duration(Duration.Kind.FIRST_RESPONSE, row) for row in _first_responses(first, last, departments)),
        *(_duration(Duration.Kind.RESOLUTION, row) for row in _resolutions(first, last, departments)),
    ]


def store_durations(first: date, last: date) -> None:
    """Write the Duration rows of the days ``first`` .. ``last``.

    Wall-time durations are computed and inserted by the database in one statement per kind; only the
    tickets under a business-hours SLA plan go through Python, which knows their working hours.
    """
    office = Q(ticket__sla__business_hours_only=True)
    quote = connection.ops.quote_name
    columns = ("day", "kind", "ticket_id", "department_id", "seconds", "replies")
    tz = timezone.get_current_timezone()
    for kind, events in (
        (Duration.Kind.FIRST_RESPONSE, _first_response_events(first, last, None)),
        (Duration.Kind.RESOLUTION, _resolution_events(first, last, None)),
    ):
        wall = (
            events.exclude(office)
            .annotate(
                day=TruncDate("at", tzinfo=tz),
                kind_=Value(kind),
                department=F("ticket__department_id"),
                seconds=_Seconds("at", "ticket__created_at"),
                replies_=F("replies") if kind == Duration.Kind.RESOLUTION else Value(0),
            )
            .values_list("day", "kind_", "ticket_id", "department", "seconds", "replies_")
            .order_by()
        )
        sql, params = wall.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {quote(Duration._meta.db_table)} ({', '.join(quote(c) for c in columns)}) {sql}",  # noqa: S608
                params,
            )
        fields = _row_fields(kind)
        rows = (_duration(kind, row) for row in events.filter(office).values(*fields).iterator(chunk_size=2000))
        Duration.objects.bulk_create(rows, batch_size=1000)


def _row_fields(kind: str) -> tuple[str, ...]:
    """What a duration of ``kind`` is computed from; only resolutions carry ``replies``."""
    fields = ("ticket_id", "at", "ticket__created_at", "ticket__department_id", *_SLA_FIELDS)
    return (*fields, "replies") if kind == Duration.Kind.RESOLUTION else fields


class _Seconds(Func):
    """Seconds from the moment ``start`` to the moment ``end``, as exact as Python's ``timedelta.total_seconds``."""

    # Django subtracts two moments into microseconds (an integer) on SQLite, into an interval on PostgreSQL.
    template = "(%(expressions)s) / 1000000.0"
    output_field = FloatField()

    def __init__(self, end: str, start: str) -> None:
        super().__init__(ExpressionWrapper(F(end) - F(start), output_field=DurationField()))

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="EXTRACT(EPOCH FROM %(expressions)s)::float8", **extra_context
        )


def _first_response_events(first: date, last: date, departments: Departments) -> QuerySet[TicketEvent]:
    """The period's agent responses that are their ticket's first one (of two at the same moment, the older id)."""
    before = Q(at__lt=OuterRef("at")) | Q(id__lt=OuterRef("id"))
    earlier = TicketEvent.objects.filter(_human_responses(), before, ticket=OuterRef("ticket"), at__lte=OuterRef("at"))
    return _events(first, last, departments).filter(_human_responses()).filter(~Exists(earlier))


def _resolution_events(first: date, last: date, departments: Departments) -> QuerySet[TicketEvent]:
    """The period's closes, each with the agent responses its ticket had received by then (``replies``)."""
    replies = (
        TicketEvent.objects.filter(_human_responses(), ticket=OuterRef("ticket"), at__lte=OuterRef("at"))
        .order_by()
        .values("ticket")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        _events(first, last, departments)
        .filter(kind=Kind.CLOSED)
        .annotate(replies=Coalesce(Subquery(replies, output_field=IntegerField()), Value(0)))
    )


def _first_responses(first: date, last: date, departments: Departments) -> Iterable[dict[str, Any]]:
    fields = _row_fields(Duration.Kind.FIRST_RESPONSE)
    return _first_response_events(first, last, departments).values(*fields).order_by()


def _resolutions(first: date, last: date, departments: Departments) -> Iterable[dict[str, Any]]:
    return _resolution_events(first, last, departments).values(*_row_fields(Duration.Kind.RESOLUTION)).order_by()


def _duration(kind: str, row: dict[str, Any]) -> Duration:
    return Duration(
        day=timezone.localtime(row["at"]).date(),
        kind=kind,
        ticket_id=row["ticket_id"],
        department_id=row["ticket__department_id"],
        seconds=elapsed_seconds(row["ticket__created_at"], row["at"], Hours.from_row(row)),
        replies=row.get("replies", 0),
    )
