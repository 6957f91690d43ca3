"""Time tracking services: timers, manual logs, who may track time where."""

from datetime import UTC, datetime, timedelta

import pytest

from helpdesk.timetracking.models import TimeEntry
from helpdesk.timetracking.services import TimeError, log_time, start_timer, stop_timer
from tasks.models import Task
from tickets.services import NotAllowed, open_ticket

NINE = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)


def test_a_timer_runs_until_stopped_and_counts_whole_minutes_rounded_up(ticket, alice):
    entry = start_timer(actor=alice.user, ticket=ticket, at=NINE)
    assert entry.is_running

    stopped = stop_timer(actor=alice.user, at=NINE + timedelta(minutes=12, seconds=1))

    assert (stopped.pk, stopped.minutes, stopped.ended_at) == (entry.pk, 13, NINE + timedelta(minutes=12, seconds=1))


def test_a_timer_stopped_at_once_counts_one_minute(ticket, alice):
    start_timer(actor=alice.user, ticket=ticket, at=NINE)

    assert stop_timer(actor=alice.user, at=NINE).minutes == 1


def test_a_timer_left_running_counts_at_most_a_day(ticket, alice):
    start_timer(actor=alice.user, ticket=ticket, at=NINE)

    assert stop_timer(actor=alice.user, at=NINE + timedelta(days=3)).minutes == 24 * 60


def test_starting_a_timer_elsewhere_stops_the_running_one(ticket, carol, support, alice):
    other = open_ticket(requester=carol, subject="Other", body="x", department=support)
    first = start_timer(actor=alice.user, ticket=ticket, at=NINE)

    second = start_timer(actor=alice.user, ticket=other, at=NINE + timedelta(minutes=30))

    first.refresh_from_db()
    assert (first.minutes, first.is_running, second.is_running) == (30, False, True)
    assert TimeEntry.objects.filter(agent=alice, ended_at__isnull=True).count() == 1


def test_starting_again_on_the_same_ticket_keeps_the_running_timer(ticket, alice):
    first = start_timer(actor=alice.user, ticket=ticket, at=NINE)

    assert start_timer(actor=alice.user, ticket=ticket, at=NINE + timedelta(minutes=5)) == first


def test_stopping_without_a_running_timer_is_refused(alice):
    with pytest.raises(TimeError, match="no timer running"):
        stop_timer(actor=alice.user)


def test_minutes_are_logged_with_a_note_and_the_billable_flag(ticket, alice):
    entry = log_time(actor=alice.user, ticket=ticket, minutes=45, note="  Phone call ", billable=False, at=NINE)

    assert (entry.minutes, entry.note, entry.billable) == (45, "Phone call", False)
    assert (entry.started_at, entry.ended_at) == (NINE - timedelta(minutes=45), NINE)


@pytest.mark.parametrize("minutes", [0, -5, 24 * 60 + 1])
def test_logging_outside_one_minute_to_a_day_is_refused(ticket, alice, minutes):
    with pytest.raises(TimeError):
        log_time(actor=alice.user, ticket=ticket, minutes=minutes)


def test_an_agent_of_another_department_may_not_track_time_on_the_ticket(ticket, bob):
    with pytest.raises(NotAllowed):
        start_timer(actor=bob.user, ticket=ticket)
    with pytest.raises(NotAllowed):
        log_time(actor=bob.user, ticket=ticket, minutes=5)


def test_a_customer_may_not_track_time(ticket, carol):
    with pytest.raises(NotAllowed):
        log_time(actor=carol, ticket=ticket, minutes=5)


def test_time_is_tracked_on_a_task_its_worker_may_work_on(support, alice, bob):
    task = Task.objects.create(title="Order toner", department=support, assignee=bob)

    entry = log_time(actor=bob.user, task=task, minutes=20)

    assert (entry.task, entry.ticket) == (task, None)
    with pytest.raises(NotAllowed):
        log_time(actor=bob.user, task=Task.objects.create(title="Not mine", department=support), minutes=5)


def test_an_entry_needs_a_ticket_or_a_task_not_both(ticket, support, alice):
    task = Task.objects.create(title="Order toner", department=support, ticket=ticket)

    with pytest.raises(TimeError):
        log_time(actor=alice.user, minutes=5)
    with pytest.raises(TimeError):
        log_time(actor=alice.user, ticket=ticket, task=task, minutes=5)


def test_a_second_running_timer_for_the_same_agent_is_refused_by_the_database(ticket, alice):
    from django.db import IntegrityError, transaction

    start_timer(actor=alice.user, ticket=ticket, at=NINE)

    with pytest.raises(IntegrityError), transaction.atomic():
        TimeEntry.objects.create(ticket=ticket, agent=alice, started_at=NINE)
