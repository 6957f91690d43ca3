"""The daily rollup job, what counts as an assignment or a response, local days, and business-hours arithmetic."""

from __future__ import annotations

from datetime import date, time, timedelta

from django.utils import timezone

from dashboard import facts, jobs
from dashboard.facts import Hours, elapsed_seconds
from dashboard.models import DailyCount, Duration, RolledDay
from dashboard.stats import Period, Stats, period_for
from tickets import services
from tickets.models import TicketEvent

from .conftest import TODAY, WEEK, at, restamp

OFFICE = Hours(True, time(9), time(17), frozenset(range(5)))


def test_the_job_stores_finished_days_but_never_today(history, settings):
    stored = jobs.roll_up_days.delay().get()
    today = timezone.localdate()
    assert stored > 0
    assert not RolledDay.objects.filter(day=today).exists()
    assert RolledDay.objects.filter(day=today - timedelta(days=1)).exists()


def test_rolled_up_days_are_read_instead_of_the_events(history):
    for day in WEEK.dates():
        jobs.rollup.roll_up(day)
    TicketEvent.objects.filter(kind=TicketEvent.Kind.CREATED).delete()
    assert Stats(WEEK, None, today=TODAY).totals.opened == 3


def test_an_unassignment_is_not_an_assignment(history, admin_user):
    services.assign(ticket=history.t1, actor=admin_user, agent=None)
    restamp(history.t1, TicketEvent.Kind.ASSIGNED, at(4, 12))
    assert Stats(WEEK, None, today=TODAY).totals.assigned == 1


def test_automatic_replies_are_not_agent_responses(history):
    services.post_auto_reply(ticket=history.t2, body="We got your message", author_name="Sportello")
    restamp(history.t2, TicketEvent.Kind.RESPONSE, at(6, 16, 1))
    stats = Stats(WEEK, None, today=TODAY)
    assert (stats.totals.responses, stats.timing.first_response.count) == (4, 3)


def test_days_are_local_days(history, settings):
    settings.TIME_ZONE = "Europe/Rome"  # 1 hour ahead of UTC in March
    TicketEvent.objects.filter(ticket=history.t2, kind=TicketEvent.Kind.CREATED).update(at=at(8, 23, 30))
    counts = {row.day: row.opened for row in facts.daily_counts(date(2026, 3, 8), date(2026, 3, 9)) if row.opened}
    assert counts == {date(2026, 3, 9): 1}


def test_a_duration_over_a_weekend_counts_only_office_hours():
    friday_four_pm, monday_ten_am = at(6, 16), at(9, 10)
    assert elapsed_seconds(friday_four_pm, monday_ten_am, OFFICE) == 2 * 3600


def test_a_duration_outside_office_hours_is_zero_under_such_a_plan():
    assert elapsed_seconds(at(7, 10), at(8, 18), OFFICE) == 0


def test_without_a_plan_a_duration_is_wall_time():
    assert elapsed_seconds(at(6, 16), at(9, 10), facts.WALL_TIME) == 66 * 3600


def test_a_period_s_previous_period_has_the_same_length():
    period = Period(date(2026, 2, 1), date(2026, 2, 28))
    assert period.previous() == Period(date(2026, 1, 4), date(2026, 1, 31))


def test_the_rollup_replaces_what_it_stored_for_a_day(history):
    jobs.rollup.roll_up(date(2026, 3, 2))
    jobs.rollup.roll_up(date(2026, 3, 2))
    assert DailyCount.objects.filter(day=date(2026, 3, 2), dimension="department").count() == 1


def test_last_month_is_the_whole_calendar_month_before():
    assert period_for("last_month", today=date(2026, 3, 10)) == Period(date(2026, 2, 1), date(2026, 2, 28))


def test_this_year_starts_on_the_first_of_january():
    assert period_for("this_year", today=date(2026, 3, 10)) == Period(date(2026, 1, 1), date(2026, 3, 10))


def test_a_custom_range_stops_at_today_and_at_two_years():
    period = period_for("custom", today=date(2026, 3, 10), start=date(2020, 1, 1), end=date(2027, 1, 1))
    assert (period.end, period.days) == (date(2026, 3, 10), 732)


def test_the_command_rolls_up_the_days_it_is_asked_for(history):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("roll_up_stats", "--days", "3", stdout=out)
    assert "Rolled up 3 days." in out.getvalue()
    assert RolledDay.objects.count() == 3


def test_the_first_run_rolls_up_every_day_back_to_the_first_event(history):
    assert jobs.rollup.roll_up_recent(today=TODAY) == 9  # 1 March, the oldest ticket's day, to 9 March
    assert min(RolledDay.objects.values_list("day", flat=True)) == date(2026, 3, 1)


def test_the_hourly_run_after_it_refreshes_only_the_last_two_days(history):
    jobs.rollup.roll_up_recent(today=TODAY)
    assert jobs.rollup.roll_up_recent(today=TODAY) == 2


def test_a_range_rolled_up_at_once_stores_what_rolling_up_each_day_stores(history):
    def stored() -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
        counts = DailyCount.objects.values_list(
            "day",
            "department_id",
            "dimension",
            "key",
            "opened",
            "assigned",
            "closed",
            "reopened",
            "overdue",
            "responses",
        )
        durations = Duration.objects.values_list("day", "kind", "ticket_id", "department_id", "seconds", "replies")
        return sorted(counts), sorted(durations)

    jobs.rollup.roll_up_range(WEEK.start, WEEK.end)
    at_once = stored()
    for day in WEEK.dates():
        jobs.rollup.roll_up(day)
    assert at_once == stored()
    assert len(at_once[1]) == 6  # three first responses, three resolutions


def test_of_two_first_responses_at_the_same_moment_one_counts(history, alice):
    services.post_reply(ticket=history.t0, actor=alice.user, body="One", at=at(9, 10))
    services.post_reply(ticket=history.t0, actor=alice.user, body="Two", at=at(9, 10))
    day = date(2026, 3, 9)
    jobs.rollup.roll_up(day)
    live = [row for row in facts.durations(day, day) if row.kind == Duration.Kind.FIRST_RESPONSE]
    stored = Duration.objects.filter(day=day, kind=Duration.Kind.FIRST_RESPONSE)
    assert (len(live), stored.count()) == (1, 1)


def test_stretches_break_at_a_missing_day_and_at_the_longest_length():
    days = [date(2026, 3, d) for d in (1, 2, 3, 4, 5, 7, 8)]

    assert facts.stretches(days) == [(date(2026, 3, 1), date(2026, 3, 5)), (date(2026, 3, 7), date(2026, 3, 8))]
    assert facts.stretches(days, longest=2) == [
        (date(2026, 3, 1), date(2026, 3, 2)),
        (date(2026, 3, 3), date(2026, 3, 4)),
        (date(2026, 3, 5), date(2026, 3, 5)),
        (date(2026, 3, 7), date(2026, 3, 8)),
    ]
