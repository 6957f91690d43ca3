"""Customers close and reopen their own tickets, when the helpdesk allows it."""

from __future__ import annotations

from django.urls import reverse

from tasks.models import Task
from tests.conftest import signed_in
from tests.portal.conftest import open_link
from tickets import services
from tickets.models import TicketEvent


def close(client, ticket):
    return client.post(reverse("portal:ticket_close", args=[ticket.number]), follow=True)


def reopen(client, ticket):
    return client.post(reverse("portal:ticket_reopen", args=[ticket.number]), follow=True)


def state_of(ticket):
    ticket.refresh_from_db()
    return ticket.state


def test_the_requester_closes_their_ticket(client, ticket, carol):
    close(signed_in(client, carol), ticket)

    assert state_of(ticket) == "closed"
    assert TicketEvent.objects.filter(ticket=ticket, kind="closed", actor=carol).exists()


def test_the_requester_reopens_their_ticket(client, ticket, carol, alice):
    services.close(ticket=ticket, actor=alice.user)

    reopen(signed_in(client, carol), ticket)

    assert state_of(ticket) == "open"


def test_a_cc_closes_the_ticket(client, ticket, dave, alice):
    services.add_collaborator(ticket=ticket, actor=alice.user, user=dave)

    close(signed_in(client, dave), ticket)

    assert state_of(ticket) == "closed"


def test_a_link_session_closes_the_ticket(client, ticket, carol):
    close(open_link(client, ticket, carol), ticket)

    assert state_of(ticket) == "closed"


def test_a_stranger_gets_404(client, ticket, dave):
    assert client.post(reverse("portal:ticket_close", args=[ticket.number])).status_code == 404
    assert signed_in(client, dave).post(reverse("portal:ticket_close", args=[ticket.number])).status_code == 404
    assert state_of(ticket) == "open"


def test_a_stranger_cannot_reopen(client, ticket, dave, alice):
    services.close(ticket=ticket, actor=alice.user)

    assert signed_in(client, dave).post(reverse("portal:ticket_reopen", args=[ticket.number])).status_code == 404
    assert state_of(ticket) == "closed"


def test_an_organization_manager_cannot_close_a_colleagues_ticket(client, ticket, carol, acme, erin):
    carol.organization = acme
    carol.save()

    close(signed_in(client, erin), ticket)

    assert state_of(ticket) == "open"


def test_closing_is_refused_while_tasks_are_open(client, ticket, carol, support):
    Task.objects.create(title="Order a new fuser", ticket=ticket, department=support)

    response = close(signed_in(client, carol), ticket)

    assert state_of(ticket) == "open"
    assert b"cannot be closed while it has open tasks" in response.content


def test_closing_is_refused_when_the_helpdesk_does_not_allow_it(client, ticket, carol, settings):
    settings.PORTAL_CUSTOMER_CAN_CLOSE = False

    response = close(signed_in(client, carol), ticket)

    assert state_of(ticket) == "open"
    assert reverse("portal:ticket_close", args=[ticket.number]).encode() not in response.content


def test_close_needs_post(client, ticket, carol):
    assert signed_in(client, carol).get(reverse("portal:ticket_close", args=[ticket.number])).status_code == 405
