"""Selectors of the statistics page: pure reads over a period and a set of departments (``None``: all).

Finished days come from the rollup tables (``dashboard.models``); days not rolled up yet, today always,
are computed from the event log by ``dashboard.facts``. Every figure is defined here:

- opened, assigned, closed, reopened, overdue, responses: events of that kind in the period (automatic
  replies and assignments that only clear the assignee are not counted);
- first response time: for each ticket whose first agent response falls in the period, the time from its
  opening to that response; resolution time: for each close in the period, the time from the ticket's
  opening to it. Both in business hours when the ticket's SLA plan counts them, else wall time; median and
  90th percentile interpolate linearly (PostgreSQL's ``percentile_cont``);
- replies per ticket: agent responses a ticket had received when it was closed, averaged over the closes;
- backlog: open tickets at the start and at the end of the period, walked back from the open tickets now.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import Any

from django.db import connection
from django.db.models import Aggregate, FloatField, QuerySet, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dashboard import facts
from dashboard.models import DailyCount, Duration, RolledDay
from helpdesk.accounts.models import Agent, Department, Organization, Team
from tickets.models import HelpTopic, Priority, Source, State, Ticket

COUNT_FIELDS = ("opened", "assigned", "closed", "reopened", "overdue", "responses")
COUNT_LABELS: dict[str, Promise] = {
    "opened": pgettext_lazy("ticket count", "Opened"),
    "assigned": pgettext_lazy("ticket count", "Assigned"),
    "closed": pgettext_lazy("ticket count", "Closed"),
    "reopened": pgettext_lazy("ticket count", "Reopened"),
    "overdue": pgettext_lazy("ticket count", "Overdue"),
    "responses": _("Responses"),
}
# Breakdown (a DailyCount dimension) -> its heading.
BREAKDOWNS: dict[str, Promise] = {
    "department": _("Department"),
    "topic": _("Help topic"),
    "agent": _("Agent"),
    "team": _("Team"),
    "source": _("Source"),
    "priority": _("Priority"),
    "organization": _("Organization"),
}
PERIODS: dict[str, Promise] = {
    "today": _("Today"),
    "7d": _("Last 7 days"),
    "30d": _("Last 30 days"),
    "90d": _("Last 90 days"),
    "this_month": _("This month"),
    "last_month": _("Last month"),
    "this_year": _("This year"),
    "custom": _("Date range"),
}
DEFAULT_PERIOD = "30d"
MAX_DAYS = 732  # a custom range of at most two years


@dataclass(frozen=True)
class Period:
    """The local days ``start`` .. ``end``, both included."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same length that ends the day before this one starts."""
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def dates(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range(self.days)]


def period_for(choice: str, *, today: date, start: date | None = None, end: date | None = None) -> Period:
    """The period a picker choice means on ``today``; a custom range is clipped to today and to MAX_DAYS."""
    lengths = {"today": 1, "7d": 7, "30d": 30, "90d": 90}
    if choice in lengths:
        return Period(today - timedelta(days=lengths[choice] - 1), today)
    if choice == "this_month":
        return Period(today.replace(day=1), today)
    if choice == "last_month":
        last = today.replace(day=1) - timedelta(days=1)
        return Period(last.replace(day=1), last)
    if choice == "this_year":
        return Period(today.replace(month=1, day=1), today)
    if choice == "custom" and start and end:
        end = min(end, today)
        start = max(min(start, end), end - timedelta(days=MAX_DAYS - 1))
        return Period(start, end)
    return period_for(DEFAULT_PERIOD, today=today)


def percentile(ordered: Sequence[float], fraction: float) -> float | None:
    """The ``fraction`` percentile of sorted values, interpolated like PostgreSQL's percentile_cont."""
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass
class Counts:
    """Event counts of one period, day or breakdown row."""

    opened: int = 0
    assigned: int = 0
    closed: int = 0
    reopened: int = 0
    overdue: int = 0
    responses: int = 0

    def add(self, row: DailyCount | dict[str, Any]) -> None:
        """Add a DailyCount (or a dict of sums) to these counts."""
        for name in COUNT_FIELDS:
            value = row[name] if isinstance(row, dict) else getattr(row, name)
            setattr(self, name, getattr(self, name) + (value or 0))

    @property
    def net(self) -> int:
        """How much the backlog grew."""
        return self.opened - self.closed + self.reopened


@dataclass(frozen=True)
class Spread:
    """Median and 90th percentile (seconds) of some durations, and how many there were."""

    median: float | None
    p90: float | None
    count: int

    @classmethod
    def of(cls, values: list[float]) -> Spread:
        ordered = sorted(values)
        return cls(percentile(ordered, 0.5), percentile(ordered, 0.9), len(ordered))


@dataclass(frozen=True)
class Timing:
    """The duration figures of a period."""

    first_response: Spread
    resolution: Spread
    replies_per_ticket: float | None


@dataclass
class Day:
    """One day of the charts."""

    day: date
    counts: Counts = field(default_factory=Counts)
    backlog: int = 0
    first_response: float | None = None

    @property
    def first_response_hours(self) -> float | None:
        return None if self.first_response is None else round(self.first_response / 3600, 2)


@dataclass
class Row:
    """One line of a breakdown table."""

    key: Any
    label: str
    counts: Counts = field(default_factory=Counts)


class Reads:
    """What a page's periods read, loaded once for all of them: the days from ``first`` up to today.

    Rolled-up days come from the rollup tables; the others (today, and any day the beat job has not
    reached yet) from the event log, with one query per stretch of such days.
    """

    def __init__(self, first: date, last: date, departments: Collection[int] | None) -> None:
        self.first = first
        self.last = last
        self.departments = departments

    @cached_property
    def rolled(self) -> set[date]:
        days = RolledDay.objects.filter(day__gte=self.first, day__lte=self.last)
        return set(days.values_list("day", flat=True))

    @cached_property
    def unrolled(self) -> list[tuple[date, date]]:
        """The stretches of days from ``first`` to ``last`` that are not rolled up."""
        days = (self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1))
        return facts.stretches(day for day in days if day not in self.rolled)

    @cached_property
    def live_counts(self) -> list[DailyCount]:
        """DailyCount rows (every dimension) of the days not rolled up."""
        return [row for start, end in self.unrolled for row in facts.daily_counts(start, end, self.departments)]

    @cached_property
    def live_durations(self) -> list[Duration]:
        """First responses and resolutions of the days not rolled up."""
        return [row for start, end in self.unrolled for row in facts.durations(start, end, self.departments)]

    def stored(self, model: type[DailyCount] | type[Duration], first: date, last: date) -> QuerySet[Any]:
        rows = model.objects.filter(day__gte=first, day__lte=last)
        if self.departments is not None:
            rows = rows.filter(department_id__in=self.departments)
        return rows

    @cached_property
    def by_day(self) -> dict[date, Counts]:
        """Each day's counts (stored and live); every event is in exactly one row of each dimension."""
        by_day: dict[date, Counts] = defaultdict(Counts)
        sums = {name: Sum(name) for name in COUNT_FIELDS}
        stored = self.stored(DailyCount, self.first, self.last).filter(dimension="department")
        for row in stored.values("day").annotate(**sums).order_by():
            by_day[row["day"]].add(row)
        for live in self.live_counts:
            if live.dimension == "department":
                by_day[live.day].add(live)
        return by_day

    @cached_property
    def open_now(self) -> int:
        """Open tickets in the scope right now."""
        tickets = Ticket.objects.filter(state=State.OPEN)
        if self.departments is not None:
            tickets = tickets.filter(department_id__in=self.departments)
        return tickets.count()


class Stats:
    """The figures of one period for one scope. Each figure is computed once, on first use."""

    def __init__(
        self,
        period: Period,
        departments: Collection[int] | None,
        *,
        today: date,
        backlog_end: int | None = None,
        reads: Reads | None = None,
    ) -> None:
        self.period = period
        self.departments = departments
        self.today = today
        self._backlog_end = backlog_end
        # This period's and the previous one's figures come from one read, up to today.
        self.reads = reads or Reads(period.previous().start, max(today, period.end), departments)

    def previous(self) -> Stats:
        """The same scope over the previous period of equal length; its backlog ends where this one starts."""
        return Stats(
            self.period.previous(),
            self.departments,
            today=self.today,
            backlog_end=self.backlog_start,
            reads=self.reads,
        )

    def _in_period(self, day: date) -> bool:
        return self.period.start <= day <= self.period.end

    # --- the figures ----------------------------------------------------------------------------

    @cached_property
    def totals(self) -> Counts:
        """Event counts of the whole period."""
        totals = Counts()
        for day, counts in self.reads.by_day.items():
            if self._in_period(day):
                totals.add(asdict(counts))
        return totals

    @cached_property
    def timing(self) -> Timing:
        """First response and resolution times, and replies per closed ticket."""
        resolution, replies = self._spread(Duration.Kind.RESOLUTION)
        per_ticket = replies / resolution.count if resolution.count else None
        return Timing(self._spread(Duration.Kind.FIRST_RESPONSE)[0], resolution, per_ticket)

    def _spread(self, kind: str) -> tuple[Spread, int]:
        """The spread of one kind of duration over the period, and the sum of their replies."""
        live = [row for row in self.reads.live_durations if row.kind == kind and self._in_period(row.day)]
        stored = self.reads.stored(Duration, self.period.start, self.period.end).filter(kind=kind)
        if connection.vendor == "postgresql":
            return _spread_in_database(stored, live)
        rows = [*stored.values_list("seconds", "replies"), *((row.seconds, row.replies) for row in live)]
        return Spread.of([seconds for seconds, _replies in rows]), sum(replies for _seconds, replies in rows)

    @property
    def open_now(self) -> int:
        """Open tickets in the scope right now."""
        return self.reads.open_now

    @cached_property
    def days(self) -> list[Day]:
        """Each day of the period with its counts, backlog at its end and median first response."""
        by_day = self.reads.by_day
        backlog = self._backlog_at_end
        result = []
        for day in reversed(self.period.dates()):
            counts = by_day.get(day, Counts())
            result.append(Day(day, counts, backlog))
            backlog -= counts.net
        result.reverse()
        self._add_first_responses(result)
        return result

    def _add_first_responses(self, days: list[Day]) -> None:
        stored = self.reads.stored(Duration, self.period.start, self.period.end)
        medians = _daily_medians(stored.filter(kind=Duration.Kind.FIRST_RESPONSE))
        live: dict[date, list[float]] = defaultdict(list)
        for row in self.reads.live_durations:
            if row.kind == Duration.Kind.FIRST_RESPONSE:
                live[row.day].append(row.seconds)
        for entry in days:  # a day is either rolled up or live, never both
            entry.first_response = medians.get(entry.day, percentile(sorted(live[entry.day]), 0.5))

    @property
    def backlog_start(self) -> int:
        """Open tickets when the period began."""
        return self.backlog_end - self.totals.net

    @property
    def backlog_end(self) -> int:
        """Open tickets when the period ended (now, for a period ending today)."""
        return self._backlog_at_end if self._backlog_end is None else self._backlog_end

    @cached_property
    def _backlog_at_end(self) -> int:
        """Open tickets now, less what the days after the period changed: the backlog as the period ended."""
        return self.open_now - sum(c.net for d, c in self.reads.by_day.items() if d > self.period.end)

    def breakdown(self, name: str) -> list[Row]:
        """The period's counts split by one ticket attribute (a key of BREAKDOWNS), most opened first."""
        return self._breakdowns[name]

    @cached_property
    def _breakdowns(self) -> dict[str, list[Row]]:
        """Every breakdown of the period, from one query over the rollup and the live rows."""
        rows: dict[str, dict[str, Row]] = {name: {} for name in BREAKDOWNS}
        sums = {key: Sum(key) for key in COUNT_FIELDS}
        stored = self.reads.stored(DailyCount, self.period.start, self.period.end).filter(dimension__in=BREAKDOWNS)
        for values in stored.values("dimension", "key").annotate(**sums).order_by():
            rows[values["dimension"]].setdefault(values["key"], Row(values["key"], "")).counts.add(values)
        for live in self.reads.live_counts:
            if live.dimension in rows and self._in_period(live.day):
                rows[live.dimension].setdefault(live.key, Row(live.key, "")).counts.add(live)
        result = {}
        for name, by_key in rows.items():
            labels = _labels(name, [key for key in by_key if key])
            for row in by_key.values():
                row.label = labels.get(row.key, row.key) if row.key else str(_("(none)"))
            result[name] = sorted(by_key.values(), key=lambda row: (-row.counts.opened, row.label))
        return result


class Median(Aggregate):
    """PostgreSQL's interpolated median."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _daily_medians(stored: QuerySet[Duration]) -> dict[date, float]:
    """The median seconds of each day with stored rows; the database computes it where it can."""
    if connection.vendor == "postgresql":
        rows = stored.values("day").annotate(median=Median("seconds")).order_by()
        return {row["day"]: row["median"] for row in rows}
    values: dict[date, list[float]] = defaultdict(list)
    for day, seconds in stored.values_list("day", "seconds"):
        values[day].append(seconds)
    return {day: percentile(sorted(seconds), 0.5) or 0.0 for day, seconds in values.items()}


def _spread_in_database(stored: QuerySet[Duration], live: list[Duration]) -> tuple[Spread, int]:
    """Median and 90th percentile of the stored seconds plus the ``live`` ones, and their replies' sum."""
    sql, params = stored.values_list("seconds", "replies").query.sql_with_params()
    spread = "percentile_cont(0.5) WITHIN GROUP (ORDER BY s), percentile_cont(0.9) WITHIN GROUP (ORDER BY s)"
    live_rows = "SELECT unnest(%s::double precision[]), unnest(%s::integer[])"
    # ``sql`` is the ORM's own query text with placeholders; every value travels in ``params``.
    query = f"SELECT {spread}, count(*), sum(r) FROM ({sql} UNION ALL {live_rows}) AS d(s, r)"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(query, [*params, [row.seconds for row in live], [row.replies for row in live]])
        median, p90, count, replies = cursor.fetchone()
    return Spread(median, p90, count), replies or 0


def _labels(name: str, keys: list[str]) -> dict[str, str]:
    """Names for the keys of a breakdown, in one query (none for choices)."""
    if name == "source":
        return {key: str(Source(key).label) for key in keys if key in Source.values}
    if name == "priority":
        return {key: str(Priority(int(key)).label) for key in keys if key.isdigit() and int(key) in Priority.values}
    ids = [int(key) for key in keys if key.isdigit()]
    if name == "agent":
        return {str(pk): agent.name for pk, agent in Agent.objects.select_related("user").in_bulk(ids).items()}
    if name == "topic":
        topics = HelpTopic.objects.select_related("parent").in_bulk(ids)
        return {str(pk): str(topic) for pk, topic in topics.items()}
    models: dict[str, type[Department] | type[Team] | type[Organization]] = {
        "department": Department,
        "team": Team,
        "organization": Organization,
    }
    return {str(pk): str(obj) for pk, obj in models[name].objects.in_bulk(ids).items()}
