from datetime import timedelta

from django.utils import timezone

from tickets.jobs import mark_overdue_tickets
from tickets.models import SLAPlan, Ticket, TicketEvent
from tickets.services import close, mark_overdue, open_ticket


def _ticket_due_in(hours, carol, support):
    sla, _ = SLAPlan.objects.get_or_create(name="One hour", defaults={"resolution_hours": 1})
    ticket = open_ticket(requester=carol, subject="Hi", body="x", department=support)
    Ticket.objects.filter(pk=ticket.pk).update(sla=sla, due_at=timezone.now() + timedelta(hours=hours))
    return ticket


def test_open_ticket_past_its_due_date_is_flagged_once(carol, support):
    ticket = _ticket_due_in(-1, carol, support)

    assert mark_overdue() == 1
    assert mark_overdue() == 0

    ticket.refresh_from_db()
    assert ticket.is_overdue
    assert ticket.events.filter(kind=TicketEvent.Kind.OVERDUE).count() == 1


def test_ticket_not_yet_due_is_not_flagged(carol, support):
    _ticket_due_in(2, carol, support)

    assert mark_overdue() == 0


def test_closed_ticket_is_never_flagged(carol, support, alice):
    ticket = _ticket_due_in(-1, carol, support)
    close(ticket=ticket, actor=alice.user)

    assert mark_overdue() == 0


def test_the_beat_job_flags_overdue_tickets(carol, support):
    _ticket_due_in(-1, carol, support)

    assert mark_overdue_tickets.delay().get() == 1
