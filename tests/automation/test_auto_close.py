"""Auto-close: waiting tickets close after AUTO_CLOSE_DAYS without activity, except those with open tasks."""

from datetime import timedelta

from django.utils import timezone

from helpdesk.automation.autoclose import auto_close
from helpdesk.automation.jobs import auto_close_tickets
from tasks.models import Task
from tickets.models import State, Status, ThreadEntry, Ticket, TicketEvent
from tickets.services import close, set_status

NOW = timezone.now()


def waiting(ticket, alice, name, days_ago):
    status = Status.objects.get(name=name)
    if status.is_closed:
        close(ticket=ticket, actor=alice.user, status=status)
    else:
        set_status(ticket=ticket, actor=alice.user, status=status)
    Ticket.objects.filter(pk=ticket.pk).update(last_activity_at=NOW - timedelta(days=days_ago))
    return ticket


def test_an_awaiting_customer_ticket_closes_after_the_days(ticket, alice):
    waiting(ticket, alice, "Awaiting customer", days_ago=8)

    assert auto_close(now=NOW, days=7) == 1

    ticket.refresh_from_db()
    assert ticket.is_closed and ticket.status == Status.default_for(State.CLOSED)
    event = ticket.events.get(kind=TicketEvent.Kind.CLOSED)
    assert event.actor is None and event.data["automatic"] is True and event.data["days"] == 7
    notice = ticket.entries.get(kind=ThreadEntry.Kind.NOTE)
    assert notice.body_text == "Closed automatically after 7 days in Awaiting customer with no activity."


def test_a_resolved_ticket_moves_to_closed(ticket, alice):
    waiting(ticket, alice, "Resolved", days_ago=8)

    assert auto_close(now=NOW, days=7) == 1

    ticket.refresh_from_db()
    assert ticket.status.name == "Closed"
    assert ticket.events.filter(kind=TicketEvent.Kind.STATUS, data__automatic=True).count() == 1


def test_a_ticket_with_recent_activity_stays(ticket, alice):
    waiting(ticket, alice, "Awaiting customer", days_ago=6)

    assert auto_close(now=NOW, days=7) == 0


def test_other_statuses_are_left_alone(ticket, alice):
    waiting(ticket, alice, "In progress", days_ago=30)

    assert auto_close(now=NOW, days=7) == 0


def test_a_ticket_with_open_tasks_stays_open_and_is_logged(ticket, alice, caplog):
    Task.objects.create(title="Order toner", ticket=ticket, department=ticket.department)
    waiting(ticket, alice, "Awaiting customer", days_ago=8)

    assert auto_close(now=NOW, days=7) == 0

    ticket.refresh_from_db()
    assert not ticket.is_closed
    assert "Auto-close left ticket" in caplog.text and "open tasks" in caplog.text


def test_zero_days_turns_auto_close_off(settings, ticket, alice):
    settings.AUTO_CLOSE_DAYS = 0
    waiting(ticket, alice, "Awaiting customer", days_ago=365)

    assert auto_close(now=NOW) == 0


def test_the_beat_job_uses_the_settings(settings, ticket, alice):
    settings.AUTO_CLOSE_DAYS = 3
    settings.AUTO_CLOSE_STATUSES = ["In progress"]
    waiting(ticket, alice, "In progress", days_ago=4)

    assert auto_close_tickets.delay().get() == 1
