"""Every figure of the statistics page on the known history of conftest.py, from the events and from the rollup."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from dashboard import rollup
from dashboard.stats import Counts, Stats

from .conftest import TODAY, WEEK

HOUR = 3600.0


@pytest.fixture(params=["live", "rolled up"])
def stats(request, history) -> Stats:
    if request.param == "rolled up":
        for n in range(16):
            rollup.roll_up(date(2026, 2, 23) + timedelta(days=n))
    return Stats(WEEK, None, today=TODAY)


def test_counts_are_the_events_of_the_period(stats):
    assert stats.totals == Counts(opened=3, assigned=1, closed=3, reopened=1, overdue=1, responses=4)


def test_backlog_starts_with_the_older_ticket_and_ends_with_the_unclosed_ones(stats):
    assert (stats.backlog_start, stats.backlog_end) == (1, 2)


def test_first_response_median_and_p90_count_business_hours_only_under_such_a_plan(stats):
    spread = stats.timing.first_response
    # 0.5 h (T3), 2 h (T1, inside office hours), 24 h (T2, wall time: no plan).
    assert (spread.median, spread.p90, spread.count) == (2 * HOUR, 2 * HOUR + 22 * HOUR * 0.8, 3)


def test_resolution_counts_office_hours_across_days_and_every_close(stats):
    spread = stats.timing.resolution
    # T3 after 1 h, T1 after 7 h on Monday + 2 h on Tuesday = 9 h, T3 again after 48 h of wall time.
    assert (spread.median, spread.p90, spread.count) == (9 * HOUR, 9 * HOUR + 39 * HOUR * 0.8, 3)


def test_replies_per_ticket_averages_the_responses_each_close_had(stats):
    assert stats.timing.replies_per_ticket == pytest.approx(4 / 3)


def test_each_day_has_its_counts_backlog_and_median_first_response(stats):
    days = [
        (d.day.day, d.counts.opened, d.counts.closed, d.counts.reopened, d.backlog, d.first_response)
        for d in stats.days
    ]
    assert days == [
        (2, 1, 0, 0, 2, 2 * HOUR),
        (3, 1, 2, 0, 1, 0.5 * HOUR),
        (4, 0, 0, 1, 2, None),
        (5, 0, 1, 0, 1, None),
        (6, 1, 0, 0, 2, None),
        (7, 0, 0, 0, 2, 24 * HOUR),
        (8, 0, 0, 0, 2, None),
    ]


def test_breakdown_by_department_splits_the_counts(stats):
    rows = {
        row.label: (row.counts.opened, row.counts.closed, row.counts.reopened) for row in stats.breakdown("department")
    }
    assert rows == {"Support": (2, 1, 0), "Billing": (1, 2, 1)}


def test_breakdown_by_agent_names_the_assignee_and_the_unassigned(stats):
    rows = {row.label: row.counts.opened for row in stats.breakdown("agent")}
    assert rows == {"Alice Agent": 1, "(none)": 2}


def test_previous_period_of_equal_length_has_the_older_ticket(stats):
    previous = Stats(WEEK.previous(), None, today=TODAY)
    assert (previous.period.start, previous.totals.opened, previous.totals.closed) == (date(2026, 2, 23), 1, 0)


def test_an_agent_scope_keeps_only_their_departments(history, support):
    scoped = Stats(WEEK, {support.pk}, today=TODAY)
    assert (scoped.totals.opened, scoped.totals.closed, scoped.backlog_start, scoped.backlog_end) == (2, 1, 1, 2)


def test_the_previous_period_s_backlog_ends_where_this_one_starts(stats):
    previous = stats.previous()
    assert (previous.backlog_start, previous.backlog_end) == (0, 1)


def test_the_previous_period_alone_walks_back_to_the_same_backlog(history):
    alone = Stats(WEEK.previous(), None, today=TODAY)
    assert (alone.backlog_start, alone.backlog_end) == (0, 1)
