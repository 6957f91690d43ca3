"""SLA due dates from the topic or department (with business hours) and the overdue sweep, on a frozen clock."""

from datetime import UTC, datetime, time, timedelta

import pytest

from helpdesk.accounts.models import Notification
from tickets.models import HelpTopic, SLAPlan, Ticket, TicketEvent
from tickets.notifications import OVERDUE_KIND
from tickets.services import assign, mark_overdue, open_ticket

MONDAY_4PM = datetime(2030, 1, 7, 16, 0, tzinfo=UTC)


@pytest.fixture
def office_hours(db):
    return SLAPlan.objects.create(
        name="Office", resolution_hours=4, business_hours_only=True, day_start=time(9), day_end=time(17)
    )


def test_due_date_comes_from_the_departments_sla_in_business_hours(carol, support, office_hours):
    support.sla = office_hours
    support.save()

    ticket = open_ticket(requester=carol, subject="Hi", body="x", department=support, at=MONDAY_4PM)

    # One hour on Monday, three on Tuesday from 9:00.
    assert ticket.due_at == datetime(2030, 1, 8, 12, 0, tzinfo=UTC)


def test_the_topics_sla_wins_over_the_departments(carol, support, office_hours):
    support.sla = office_hours
    support.save()
    fast = SLAPlan.objects.create(name="Fast", resolution_hours=2)
    topic = HelpTopic.objects.create(name="Outage", department=support, sla=fast)

    ticket = open_ticket(requester=carol, subject="Down", body="x", help_topic=topic, at=MONDAY_4PM)

    assert ticket.due_at == MONDAY_4PM + timedelta(hours=2)


def test_business_hours_skip_the_weekend(carol, support, office_hours):
    support.sla = office_hours
    support.save()
    friday_4pm = datetime(2030, 1, 11, 16, 0, tzinfo=UTC)

    ticket = open_ticket(requester=carol, subject="Hi", body="x", department=support, at=friday_4pm)

    assert ticket.due_at == datetime(2030, 1, 14, 12, 0, tzinfo=UTC)


def _due_ticket(carol, support):
    support.sla = SLAPlan.objects.create(name="Two hours", resolution_hours=2)
    support.save()
    return open_ticket(requester=carol, subject="Hi", body="x", department=support, at=MONDAY_4PM)


def test_the_sweep_flags_only_after_the_due_moment(carol, support):
    ticket = _due_ticket(carol, support)

    assert mark_overdue(now=MONDAY_4PM + timedelta(hours=2)) == 0
    assert mark_overdue(now=MONDAY_4PM + timedelta(hours=2, seconds=1)) == 1

    ticket.refresh_from_db()
    assert ticket.is_overdue
    event = ticket.events.get(kind=TicketEvent.Kind.OVERDUE)
    assert event.at == MONDAY_4PM + timedelta(hours=2, seconds=1)


def test_the_assignee_and_the_department_manager_get_an_in_app_alert(carol, support, alice, make_manager):
    manager = make_manager(support)
    ticket = _due_ticket(carol, support)
    assign(ticket=ticket, actor=alice.user, agent=alice)

    mark_overdue(now=MONDAY_4PM + timedelta(hours=3))

    alerts = Notification.objects.filter(kind=OVERDUE_KIND, ticket=ticket)
    assert sorted(alert.recipient.email for alert in alerts) == ["alice@example.com", "mona@example.com"]
    assert alerts[0].text == f"Ticket #{ticket.number} is overdue"
    assert manager.user.notifications.count() == 1


def test_an_assignee_who_is_the_manager_gets_one_alert(carol, support, alice):
    support.manager = alice
    support.save()
    ticket = _due_ticket(carol, support)
    assign(ticket=ticket, actor=alice.user, agent=alice)

    mark_overdue(now=MONDAY_4PM + timedelta(hours=3))

    assert Notification.objects.filter(kind=OVERDUE_KIND, recipient=alice.user).count() == 1


def test_an_unassigned_ticket_without_manager_alerts_no_one(carol, support):
    _due_ticket(carol, support)

    assert mark_overdue(now=MONDAY_4PM + timedelta(hours=3)) == 1
    assert not Notification.objects.filter(kind=OVERDUE_KIND).exists()


def test_a_ticket_is_flagged_and_alerted_once(carol, support, alice):
    support.manager = alice
    support.save()
    _due_ticket(carol, support)

    mark_overdue(now=MONDAY_4PM + timedelta(hours=3))
    mark_overdue(now=MONDAY_4PM + timedelta(hours=4))

    assert Notification.objects.filter(kind=OVERDUE_KIND).count() == 1
    assert Ticket.objects.filter(is_overdue=True).count() == 1


@pytest.fixture
def make_manager(agent_role):
    from tests.conftest import make_agent

    def make(department):
        manager = make_agent("mona@example.com", "Mona Manager", department, role=agent_role)
        department.manager = manager
        department.save()
        return manager

    return make
