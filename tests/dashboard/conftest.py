"""A small known history for the dashboard's figures (all times UTC).

Support has a business-hours SLA (Mon-Fri 09:00-17:00) on T1 only; the week shown is Mon 2 - Sun 8 March 2026.

- T0 (Support) opened Sun 1 March 12:00, never answered: the backlog the week starts with.
- T1 (Support, business hours) opened Mon 10:00, assigned to alice 11:00, answered 12:00, closed Tue 11:00.
- T2 (Support) opened Fri 16:00, answered Sat 16:00, flagged overdue Sun 10:00; still open.
- T3 (Billing) opened Tue 09:00, answered 09:30, closed 10:00; the customer writes Wed 08:00 (it reopens),
  answered 09:00, closed Thu 09:00.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import pytest

from dashboard.stats import Period
from tickets import services
from tickets.models import SLAPlan, Ticket, TicketEvent

WEEK = Period(date(2026, 3, 2), date(2026, 3, 8))
TODAY = date(2026, 3, 10)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in March 2026, UTC."""
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def restamp(ticket: Ticket, kind: str, moment: datetime) -> None:
    """Move the ticket's latest event of ``kind`` (written by a service that has no ``at=``) to ``moment``."""
    event = TicketEvent.objects.filter(ticket=ticket, kind=kind).latest("id")
    event.at = moment
    event.save(update_fields=["at"])
    if kind == TicketEvent.Kind.CLOSED:
        Ticket.objects.filter(pk=ticket.pk).update(closed_at=moment)


def close_at(ticket: Ticket, actor, moment: datetime) -> None:
    services.close(ticket=ticket, actor=actor, status=None)
    restamp(ticket, TicketEvent.Kind.CLOSED, moment)


@dataclass
class History:
    t0: Ticket
    t1: Ticket
    t2: Ticket
    t3: Ticket


@pytest.fixture
def history(settings, carol, support, billing, alice, bob, admin_user) -> History:
    settings.TIME_ZONE = "UTC"
    plan = SLAPlan.objects.create(
        name="Office hours", resolution_hours=48, business_hours_only=True, day_start=time(9), day_end=time(17)
    )

    def open_at(department, moment: datetime, subject: str) -> Ticket:
        return services.open_ticket(requester=carol, subject=subject, body="Help", department=department, at=moment)

    t0 = open_at(support, at(1, 12), "Backlog")
    t1 = open_at(support, at(2, 10), "Business hours")
    Ticket.objects.filter(pk=t1.pk).update(sla=plan)
    services.assign(ticket=t1, actor=admin_user, agent=alice)
    restamp(t1, TicketEvent.Kind.ASSIGNED, at(2, 11))
    services.post_reply(ticket=t1, actor=alice.user, body="On it", at=at(2, 12))
    close_at(t1, alice.user, at(3, 11))

    t2 = open_at(support, at(6, 16), "Weekend")
    services.post_reply(ticket=t2, actor=alice.user, body="Saturday shift", at=at(7, 16))
    TicketEvent.objects.create(ticket=t2, kind=TicketEvent.Kind.OVERDUE, at=at(8, 10))

    t3 = open_at(billing, at(3, 9), "Invoice")
    services.post_reply(ticket=t3, actor=bob.user, body="Refunded", at=at(3, 9, 30))
    close_at(t3, bob.user, at(3, 10))
    services.post_message(ticket=t3, author=carol, body="Not yet", at=at(4, 8))
    services.post_reply(ticket=t3, actor=bob.user, body="Now it is", at=at(4, 9))
    close_at(t3, bob.user, at(5, 9))
    return History(t0, t1, t2, t3)
