"""Time tracking pages: the timer and manual log on the ticket page, and the time report with its CSV export."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from helpdesk.accounts.views import StaffRequest, staff_required
from helpdesk.timetracking import reports, services
from helpdesk.timetracking.forms import LogTimeForm, ReportForm
from helpdesk.timetracking.models import TimeEntry
from tasks.access import task_for_agent
from tasks.models import Task
from tickets.access import ticket_for_agent
from tickets.models import Ticket
from tickets.services import TicketError


def _run(request: HttpRequest, back: str, change: Callable[[], object], success: str) -> HttpResponse:
    try:
        change()
    except TicketError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)
    return redirect(back + "#ticket-time")


def _log(request: StaffRequest, back: str, *, ticket: Ticket | None = None, task: Task | None = None) -> HttpResponse:
    form = LogTimeForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
        return redirect(back + "#ticket-time")
    data = form.cleaned_data

    def log() -> object:
        return services.log_time(
            actor=request.user,
            ticket=ticket,
            task=task,
            minutes=data["minutes"],
            note=data["note"],
            billable=data["billable"],
        )

    return _run(request, back, log, _("%(minutes)s minutes logged.") % {"minutes": data["minutes"]})


def _ticket(request: StaffRequest, number: str) -> tuple[Ticket, str]:
    ticket = ticket_for_agent(request.user, number)
    return ticket, reverse("scp:ticket", args=[ticket.number])


def _task(request: StaffRequest, pk: int) -> tuple[Task, str]:
    task = task_for_agent(request.user, pk)
    return task, reverse("scp:task", args=[task.pk])


@require_POST
@staff_required
def ticket_time_start(request: StaffRequest, number: str) -> HttpResponse:
    """Start my timer on this ticket (stopping the one I had running elsewhere)."""
    ticket, back = _ticket(request, number)
    return _run(request, back, lambda: services.start_timer(actor=request.user, ticket=ticket), _("Timer started."))


@require_POST
@staff_required
def ticket_time_stop(request: StaffRequest, number: str) -> HttpResponse:
    """Stop my running timer."""
    back = _ticket(request, number)[1]
    return _run(request, back, lambda: services.stop_timer(actor=request.user), _("Timer stopped."))


@require_POST
@staff_required
def ticket_time_log(request: StaffRequest, number: str) -> HttpResponse:
    """Log minutes worked on this ticket, with a note and the billable flag."""
    ticket, back = _ticket(request, number)
    return _log(request, back, ticket=ticket)


@require_POST
@staff_required
def task_time_start(request: StaffRequest, pk: int) -> HttpResponse:
    """Start my timer on this task (stopping the one I had running elsewhere)."""
    task, back = _task(request, pk)
    return _run(request, back, lambda: services.start_timer(actor=request.user, task=task), _("Timer started."))


@require_POST
@staff_required
def task_time_stop(request: StaffRequest, pk: int) -> HttpResponse:
    """Stop my running timer."""
    back = _task(request, pk)[1]
    return _run(request, back, lambda: services.stop_timer(actor=request.user), _("Timer stopped."))


@require_POST
@staff_required
def task_time_log(request: StaffRequest, pk: int) -> HttpResponse:
    """Log minutes worked on this task, with a note and the billable flag."""
    task, back = _task(request, pk)
    return _log(request, back, task=task)


@require_GET
@staff_required
def time_report(request: StaffRequest) -> HttpResponse:
    """Time worked in a period by agent, organization and day/week/month; ``?export=csv`` for the entries."""
    form = ReportForm(request.GET or None)
    start, end, unit = form.period()
    entries = reports.in_period(reports.visible_entries(request.user), start, end)
    if request.GET.get("export") == "csv":
        return _csv(entries, f"time-{start:%Y%m%d}-{end:%Y%m%d}.csv")
    agents = reports.by_agent(entries)
    context = {
        "form": form,
        "start": start,
        "end": end,
        "tables": _tables(agents, entries, unit),
        "total": reports.totals(agents),
        "export_query": _query(request, export="csv"),
    }
    return render(request, "scp/time/report.html", context)


@dataclass(frozen=True)
class TimeTable:
    """One of the report's tables: its rows are (label, minutes worked, minutes billable)."""

    slug: str
    heading: str
    first_column: str
    rows: list[tuple[str, int, int]]


def _tables(agents: list[dict[str, Any]], entries: QuerySet[TimeEntry], unit: str) -> list[TimeTable]:
    """The totals by agent, by organization and by period, each row labelled for the page."""
    by_agent = [(row["agent__user__name"] or row["agent__user__email"], row) for row in agents]
    by_organization = [(row["organization"] or _("No organization"), row) for row in reports.by_organization(entries)]
    by_period = [(_period_label(row["period"], unit), row) for row in reports.by_period(entries, unit)]
    return [
        TimeTable("agents", _("By agent"), _("Agent"), _rows(by_agent)),
        TimeTable("organizations", _("By organization"), _("Organization"), _rows(by_organization)),
        TimeTable("periods", _("By period"), _("From"), _rows(by_period)),
    ]


def _rows(labelled: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, int, int]]:
    return [(label, row["worked"], row["billed"]) for label, row in labelled]


def _period_label(start: datetime, unit: str) -> str:
    """A period by its start: "March 2030" for a month, the local short date for a day or week."""
    return date_format(timezone.localtime(start), "F Y" if unit == "month" else "SHORT_DATE_FORMAT")


def _csv(entries: QuerySet[TimeEntry], filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerows(reports.csv_rows(entries))
    return response


def _query(request: HttpRequest, **extra: str) -> str:
    params = request.GET.copy()
    for key, value in extra.items():
        params[key] = value
    return params.urlencode()
