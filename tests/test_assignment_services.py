import pytest

from helpdesk.accounts.models import Role, Team
from tests.conftest import make_agent
from tickets.models import TicketEvent
from tickets.services import NotAllowed, TicketError, assign, transfer


def test_assign_to_an_agent_of_the_department(ticket, alice, admin_user):
    ticket = assign(ticket=ticket, actor=admin_user, agent=alice)

    assert ticket.assignee == alice
    event = ticket.events.get(kind=TicketEvent.Kind.ASSIGNED)
    assert event.data == {"before": {"agent": None, "team": None}, "after": {"agent": "Alice Agent", "team": None}}


def test_assign_refuses_an_agent_without_access_to_the_department(ticket, bob, admin_user):
    with pytest.raises(NotAllowed, match="no access"):
        assign(ticket=ticket, actor=admin_user, agent=bob)


def test_agent_may_claim_a_ticket_without_assign_permission(ticket, support):
    role = Role.objects.create(name="Claimer", can_assign=False)
    cleo = make_agent("cleo@example.com", "Cleo", support, role=role)

    ticket = assign(ticket=ticket, actor=cleo.user, agent=cleo)

    assert ticket.assignee == cleo


def test_agent_without_assign_permission_cannot_assign_others(ticket, support, alice):
    role = Role.objects.create(name="Claimer", can_assign=False)
    cleo = make_agent("cleo@example.com", "Cleo", support, role=role)

    with pytest.raises(NotAllowed):
        assign(ticket=ticket, actor=cleo.user, agent=alice)


def test_assign_to_a_team(ticket, alice):
    team = Team.objects.create(name="Hardware")

    ticket = assign(ticket=ticket, actor=alice.user, team=team)

    assert ticket.team == team
    assert ticket.assignee is None


def test_assign_refuses_an_inactive_team(ticket, alice):
    team = Team.objects.create(name="Gone", is_active=False)

    with pytest.raises(TicketError, match="not active"):
        assign(ticket=ticket, actor=alice.user, team=team)


def test_assigning_the_same_agent_again_writes_no_event(ticket, alice):
    assign(ticket=ticket, actor=alice.user, agent=alice)
    assign(ticket=ticket, actor=alice.user, agent=alice)

    assert ticket.events.filter(kind=TicketEvent.Kind.ASSIGNED).count() == 1


def test_unassign_clears_the_agent(ticket, alice):
    assign(ticket=ticket, actor=alice.user, agent=alice)

    ticket = assign(ticket=ticket, actor=alice.user, agent=None)

    assert ticket.assignee is None


def test_transfer_moves_the_ticket_and_unassigns_an_agent_without_access(ticket, alice, billing):
    assign(ticket=ticket, actor=alice.user, agent=alice)

    ticket = transfer(ticket=ticket, actor=alice.user, department=billing)

    assert ticket.department == billing
    assert ticket.assignee is None
    event = ticket.events.get(kind=TicketEvent.Kind.TRANSFERRED)
    assert event.data == {"before": "Support", "after": "Billing", "unassigned": "Alice Agent"}


def test_transfer_keeps_an_assignee_with_access_to_both(ticket, support, billing, agent_role, admin_user):
    both = make_agent("both@example.com", "Both", support, billing, role=agent_role)
    assign(ticket=ticket, actor=admin_user, agent=both)

    ticket = transfer(ticket=ticket, actor=admin_user, department=billing)

    assert ticket.assignee == both


def test_transfer_to_the_same_department_is_refused(ticket, alice, support):
    with pytest.raises(TicketError, match="already"):
        transfer(ticket=ticket, actor=alice.user, department=support)


def test_transfer_needs_the_transfer_permission(ticket, support, billing):
    role = Role.objects.create(name="No transfer", can_transfer=False)
    cleo = make_agent("cleo@example.com", "Cleo", support, role=role)

    with pytest.raises(NotAllowed):
        transfer(ticket=ticket, actor=cleo.user, department=billing)


def test_agent_of_another_department_cannot_transfer(ticket, bob, billing):
    with pytest.raises(NotAllowed):
        transfer(ticket=ticket, actor=bob.user, department=billing)


def test_set_requester_keeps_the_previous_one_in_cc(ticket, alice, carol, dave):
    from tickets.services import set_requester

    ticket = set_requester(ticket=ticket, actor=alice.user, requester=dave)

    assert ticket.requester == dave
    assert list(ticket.collaborators.all()) == [carol]
    assert ticket.events.get(kind=TicketEvent.Kind.REQUESTER).data == {
        "before": "carol@customer.test",
        "after": "dave@stranger.test",
    }


def test_link_tickets_relates_them_both_ways(ticket, carol, support, alice):
    from tickets.services import link_tickets, open_ticket, unlink_tickets

    other = open_ticket(requester=carol, subject="Other", body="x", department=support)

    link_tickets(ticket=ticket, other=other, actor=alice.user)
    assert list(other.related.all()) == [ticket]
    assert other.events.filter(kind=TicketEvent.Kind.LINKED, data__added=ticket.number).exists()

    unlink_tickets(ticket=ticket, other=other, actor=alice.user)
    assert not ticket.related.exists()


def test_linking_to_a_ticket_the_agent_cannot_change_is_refused(ticket, billing_ticket, alice):
    from tickets.services import link_tickets

    with pytest.raises(NotAllowed):
        link_tickets(ticket=ticket, other=billing_ticket, actor=alice.user)
