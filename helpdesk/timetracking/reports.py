"""Reading time entries: the ticket panel's per-agent totals and the report's totals by agent, organization, period.

Only finished entries count in totals (a running timer has no minutes yet), and an agent's report covers the
tickets and tasks they may see in the staff panel (the same chokepoints as the pages).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, F, Max, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncDay, TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.accounts.models import User
from helpdesk.timetracking.models import TimeEntry
from tasks.access import visible_tasks
from tasks.models import Task
from tickets.access import visible_tickets
from tickets.models import Ticket

UNITS = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}
FINISHED = Q(ended_at__isnull=False)
# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def totals_on(*, ticket: Ticket | None = None, task: Task | None = None) -> list[dict[str, Any]]:
    """Per agent on this ticket or task: minutes ``worked``, of them ``billed``, and their timer's ``running_since``."""
    return list(
        TimeEntry.objects.filter(ticket=ticket, task=task)
        .values("agent_id", "agent__user__name", "agent__user__email")
        .annotate(
            worked=Coalesce(Sum("minutes", filter=FINISHED), 0),
            billed=Coalesce(Sum("minutes", filter=FINISHED & Q(billable=True)), 0),
            running_since=Max("started_at", filter=Q(ended_at__isnull=True)),
        )
        .order_by("agent__user__name", "agent_id")
    )


def visible_entries(user: User) -> QuerySet[TimeEntry]:
    """Finished entries on tickets and tasks the user may open."""
    return TimeEntry.objects.filter(FINISHED).filter(
        Q(ticket__in=visible_tickets(user).values("pk")) | Q(task__in=visible_tasks(user).values("pk"))
    )


def in_period(entries: QuerySet[TimeEntry], start: date, end: date) -> QuerySet[TimeEntry]:
    """Entries started from ``start`` to ``end`` (both included), in local days."""
    zone = timezone.get_current_timezone()
    since = datetime.combine(start, time.min, tzinfo=zone)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone)
    return entries.filter(started_at__gte=since, started_at__lt=until)


def _sums() -> dict[str, Any]:
    return {
        "worked": Sum("minutes"),
        "billed": Coalesce(Sum("minutes", filter=Q(billable=True)), 0),
        "entries": Count("pk"),
    }


def by_agent(entries: QuerySet[TimeEntry]) -> list[dict[str, Any]]:
    rows = entries.values("agent_id", "agent__user__name", "agent__user__email").annotate(**_sums())
    return list(rows.order_by("agent__user__name", "agent_id"))


def _organization() -> Coalesce:
    return Coalesce(
        F("ticket__requester__organization__name"), F("task__ticket__requester__organization__name"), Value("")
    )


def by_organization(entries: QuerySet[TimeEntry]) -> list[dict[str, Any]]:
    """Totals per organization of the ticket's requester ("" for people in none and tasks without a ticket)."""
    rows = entries.annotate(organization=_organization()).values("organization").annotate(**_sums())
    return list(rows.order_by("organization"))


def by_period(entries: QuerySet[TimeEntry], unit: str) -> list[dict[str, Any]]:
    """Totals per local day, week (from Monday) or month."""
    trunc = UNITS[unit]("started_at", tzinfo=timezone.get_current_timezone())
    return list(entries.annotate(period=trunc).values("period").annotate(**_sums()).order_by("period"))


def totals(rows: Iterable[dict[str, Any]]) -> dict[str, int]:
    """The grand total of report rows."""
    rows = list(rows)
    return {key: sum(row[key] or 0 for row in rows) for key in ("worked", "billed", "entries")}


# --- CSV --------------------------------------------------------------------------------------


def csv_safe(value: object) -> object:
    """A text cell a spreadsheet will not run as a formula (a leading ' makes it text); numbers pass."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_rows(entries: QuerySet[TimeEntry]) -> Iterator[list[object]]:
    """The header, then one row per entry, oldest first, every text cell escaped."""
    yield [_("Date"), _("Agent"), _("Ticket"), _("Task"), _("Organization"), _("Minutes"), _("Billable"), _("Note")]
    chosen = entries.select_related("agent__user", "ticket", "task").annotate(organization=_organization())
    for entry in chosen.order_by("started_at", "pk"):
        row: list[object] = [
            timezone.localtime(entry.started_at).strftime("%Y-%m-%d %H:%M"),
            entry.agent.user.display_name,
            entry.ticket.number if entry.ticket else "",
            entry.task.title if entry.task else "",
            entry.organization,
            entry.minutes,
            _("yes") if entry.billable else _("no"),
            entry.note,
        ]
        yield [csv_safe(cell) for cell in row]
