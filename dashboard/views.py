"""The statistics page, its CSV exports, the operator's home page and the notification counter (staff only)."""

from __future__ import annotations

from collections.abc import Sequence

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST

from dashboard import charts, exports
from dashboard.forms import PeriodForm
from dashboard.home import home_for, unread_notifications
from dashboard.stats import BREAKDOWNS, COUNT_FIELDS, COUNT_LABELS, DEFAULT_PERIOD, Period, Stats, period_for
from helpdesk.accounts.models import Notification
from helpdesk.accounts.views import StaffRequest, staff_required
from tickets.access import department_ids

TOPIC_BARS = 10


def _period(request: StaffRequest) -> tuple[PeriodForm, Period]:
    form = PeriodForm(request.GET or None)
    today = timezone.localdate()
    if not form.is_valid():
        return PeriodForm(initial={"period": DEFAULT_PERIOD}), period_for(DEFAULT_PERIOD, today=today)
    data = form.cleaned_data
    period = period_for(data["period"] or DEFAULT_PERIOD, today=today, start=data["start"], end=data["end"])
    return form, period


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 2)


@staff_required
@require_GET
def statistics(request: StaffRequest) -> HttpResponse:
    """Figures, charts and breakdowns of a period for the departments the user may see."""
    form, period = _period(request)
    today = timezone.localdate()
    departments = department_ids(request.user)
    stats = Stats(period, departments, today=today)
    export = request.GET.get("export")
    if export:
        return _export(stats, export)
    previous = stats.previous()
    context = {
        "form": form,
        "stats": stats,
        "previous": previous,
        "figures": _figures(stats, previous),
        "breakdowns": [(name, heading, stats.breakdown(name)) for name, heading in BREAKDOWNS.items()],
        "query": request.GET.urlencode(),
        **_charts(stats),
    }
    return render(request, "scp/dashboard/statistics.html", context)


def _charts(stats: Stats) -> dict[str, object]:
    """The four charts of the page."""
    labels = [date_format(day.day, "SHORT_DATE_FORMAT") for day in stats.days]
    topics = stats.breakdown("topic")[:TOPIC_BARS]
    opened = [d.counts.opened for d in stats.days]
    closed = [d.counts.closed for d in stats.days]
    response = [d.first_response_hours for d in stats.days]
    return {
        "opened_closed": charts.line_chart(
            labels,
            [
                (pgettext("ticket count", "Opened"), "series-opened", opened),
                (pgettext("ticket count", "Closed"), "series-closed", closed),
            ],
        ),
        "backlog": charts.line_chart(labels, [(_("Backlog"), "series-backlog", [d.backlog for d in stats.days])]),
        "first_response": charts.line_chart(
            labels, [(_("Median first response (hours)"), "series-response", response)]
        ),
        "topic_bars": charts.bar_chart([(row.label, row.counts.opened) for row in topics]),
        "topic_height": charts.BAR_HEIGHT * len(topics),
    }


def _figures(stats: Stats, previous: Stats) -> list[tuple[str, object, object]]:
    """(label, this period, previous period) for the summary table."""
    now, before = stats.timing, previous.timing
    return [
        (pgettext("ticket count", "Opened"), stats.totals.opened, previous.totals.opened),
        (pgettext("ticket count", "Assigned"), stats.totals.assigned, previous.totals.assigned),
        (pgettext("ticket count", "Closed"), stats.totals.closed, previous.totals.closed),
        (pgettext("ticket count", "Reopened"), stats.totals.reopened, previous.totals.reopened),
        (pgettext("ticket count", "Overdue"), stats.totals.overdue, previous.totals.overdue),
        (_("Agent responses"), stats.totals.responses, previous.totals.responses),
        (_("First response, median (hours)"), _hours(now.first_response.median), _hours(before.first_response.median)),
        (
            _("First response, 90th percentile (hours)"),
            _hours(now.first_response.p90),
            _hours(before.first_response.p90),
        ),
        (_("Resolution, median (hours)"), _hours(now.resolution.median), _hours(before.resolution.median)),
        (_("Resolution, 90th percentile (hours)"), _hours(now.resolution.p90), _hours(before.resolution.p90)),
        (_("Replies per resolved ticket"), _round(now.replies_per_ticket), _round(before.replies_per_ticket)),
        (_("Backlog at the start"), stats.backlog_start, previous.backlog_start),
        (_("Backlog at the end"), stats.backlog_end, previous.backlog_end),
    ]


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _export(stats: Stats, table: str) -> HttpResponse:
    """One table of the page as CSV: ``summary``, ``days`` (the charts' data) or a breakdown name."""
    name = f"statistics-{table}-{stats.period.start}-{stats.period.end}.csv"
    counts = [str(COUNT_LABELS[field]) for field in COUNT_FIELDS]
    if table == "days":
        header = [_("Day"), *counts, _("Backlog"), _("Median first response (hours)")]
        rows: Sequence[Sequence[object]] = [
            [d.day.isoformat(), *_count_cells(d.counts), d.backlog, d.first_response_hours] for d in stats.days
        ]
        return exports.csv_response(name, header, rows)
    if table == "summary":
        previous = stats.previous()
        return exports.csv_response(
            name, [_("Figure"), _("This period"), _("Previous period")], _figures(stats, previous)
        )
    if table in BREAKDOWNS:
        rows = [[row.label, *_count_cells(row.counts)] for row in stats.breakdown(table)]
        return exports.csv_response(name, [str(BREAKDOWNS[table]), *counts], rows)
    raise Http404("No such table.")


def _count_cells(counts: object) -> list[object]:
    return [getattr(counts, field) for field in COUNT_FIELDS]


@staff_required
@require_GET
def home(request: StaffRequest) -> HttpResponse:
    """The operator's first screen: their tickets, unread messages, waiting and overdue tickets."""
    return render(request, "scp/dashboard/home.html", {"home": home_for(request.user)})


@staff_required
@require_GET
def notifications(request: StaffRequest) -> HttpResponse:
    """The top bar's counter and its dropdown (polled by htmx)."""
    return _counter(request)


def _counter(request: StaffRequest) -> HttpResponse:
    count, latest = unread_notifications(request.user)
    return render(request, "scp/dashboard/_notifications.html", {"count": count, "latest": latest})


@staff_required
@require_POST
def notifications_read(request: StaffRequest) -> HttpResponse:
    """Mark one notification (``id``) or all of the user's notifications read."""
    unread = Notification.objects.filter(recipient=request.user, read_at__isnull=True)
    if request.POST.get("id", "").isdigit():
        unread = unread.filter(pk=int(request.POST["id"]))
    unread.update(read_at=timezone.now())
    if request.headers.get("HX-Request"):
        return _counter(request)
    return redirect("scp:home")
