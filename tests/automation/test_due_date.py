"""Per-ticket due-date override: the service, its permission, and the form in the ticket page's action panel."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import signed_in
from tickets.models import SLAPlan, Ticket
from tickets.services import DUE_EVENT, NotAllowed, mark_overdue, set_due_date

LATER = datetime(2031, 5, 4, 15, 30, tzinfo=UTC)


def due_url(ticket):
    return reverse("scp:ticket_due_date", args=[ticket.number])


def test_an_agent_overrides_the_due_date_with_an_event(ticket, alice):
    set_due_date(ticket=ticket, actor=alice.user, due_at=LATER)

    ticket.refresh_from_db()
    assert ticket.due_at == LATER
    event = ticket.events.get(kind=DUE_EVENT)
    assert (event.actor, event.data["before"], event.data["after"]) == (alice.user, None, LATER.isoformat())


def test_no_date_goes_back_to_the_sla_plans(carol, support, alice):
    support.sla = SLAPlan.objects.create(name="Day", resolution_hours=24)
    support.save()
    from tickets.services import open_ticket

    ticket = open_ticket(requester=carol, subject="Hi", body="x", department=support)
    set_due_date(ticket=ticket, actor=alice.user, due_at=LATER)

    set_due_date(ticket=ticket, actor=alice.user, due_at=None)

    ticket.refresh_from_db()
    assert ticket.due_at == ticket.created_at + timedelta(hours=24)


def test_a_later_date_clears_the_overdue_flag_and_the_sweep_flags_again_when_it_passes(ticket, alice):
    Ticket.objects.filter(pk=ticket.pk).update(due_at=timezone.now() - timedelta(hours=1))
    assert mark_overdue() == 1

    set_due_date(ticket=ticket, actor=alice.user, due_at=timezone.now() + timedelta(hours=1))

    ticket.refresh_from_db()
    assert not ticket.is_overdue
    assert mark_overdue(now=timezone.now() + timedelta(hours=2)) == 1


def test_an_agent_of_another_department_may_not_change_it(ticket, bob):
    with pytest.raises(NotAllowed):
        set_due_date(ticket=ticket, actor=bob.user, due_at=LATER)


def test_an_agent_without_the_edit_permission_may_not_change_it(ticket, alice, agent_role):
    agent_role.can_edit = False
    agent_role.save()

    with pytest.raises(NotAllowed):
        set_due_date(ticket=ticket, actor=alice.user, due_at=LATER)


def test_the_form_sets_the_date_in_the_local_time_zone(settings, client, ticket, alice):
    settings.TIME_ZONE = "Europe/Rome"
    signed_in(client, alice)

    response = client.post(due_url(ticket), {"due_at": "2031-05-04T17:30"})

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.due_at == LATER


def test_the_form_refuses_an_empty_date(client, ticket, alice):
    signed_in(client, alice)

    response = client.post(due_url(ticket), {"due_at": ""}, follow=True)

    assert "Enter a due date" in response.content.decode()
    assert not ticket.events.filter(kind=DUE_EVENT).exists()


def test_the_ticket_page_shows_the_form_to_who_may_edit(client, ticket, alice):
    signed_in(client, alice)

    assert due_url(ticket) in client.get(reverse("scp:ticket", args=[ticket.number])).content.decode()


def test_the_form_is_404_for_an_agent_who_cannot_see_the_ticket(client, ticket, bob):
    signed_in(client, bob)

    assert client.post(due_url(ticket), {"due_at": "2031-05-04T17:30"}).status_code == 404


def test_the_form_refuses_customers_and_get(client, ticket, carol, alice):
    signed_in(client, carol)
    assert client.post(due_url(ticket), {"due_at": "2031-05-04T17:30"}).status_code == 403

    signed_in(client, alice)
    assert client.get(due_url(ticket)).status_code == 405


def test_the_activity_log_says_when_the_due_date_was_set(ticket, alice):
    from tickets.activity import activity_lines

    set_due_date(ticket=ticket, actor=alice.user, due_at=LATER)

    lines = activity_lines(ticket.events.filter(kind=DUE_EVENT))
    assert lines[0].text.startswith("Due date set to ")
    assert lines[0].icon == "bi-calendar-event"
