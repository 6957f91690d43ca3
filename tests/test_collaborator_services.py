import pytest

from tickets.models import TicketEvent
from tickets.services import NotAllowed, TicketError, add_collaborator, remove_collaborator


def test_add_collaborator_puts_them_in_cc_with_an_event(ticket, alice, dave):
    add_collaborator(ticket=ticket, actor=alice.user, user=dave)

    assert list(ticket.collaborators.all()) == [dave]
    assert ticket.events.get(kind=TicketEvent.Kind.CC).data == {"added": "dave@stranger.test"}


def test_adding_the_requester_to_cc_is_refused(ticket, alice, carol):
    with pytest.raises(TicketError, match="requester"):
        add_collaborator(ticket=ticket, actor=alice.user, user=carol)


def test_adding_someone_twice_writes_one_event(ticket, alice, dave):
    add_collaborator(ticket=ticket, actor=alice.user, user=dave)
    add_collaborator(ticket=ticket, actor=alice.user, user=dave)

    assert ticket.events.filter(kind=TicketEvent.Kind.CC).count() == 1


def test_remove_collaborator(ticket, alice, dave):
    add_collaborator(ticket=ticket, actor=alice.user, user=dave)

    remove_collaborator(ticket=ticket, actor=alice.user, user=dave)

    assert not ticket.collaborators.exists()
    assert ticket.events.filter(kind=TicketEvent.Kind.CC, data__removed="dave@stranger.test").exists()


def test_removing_someone_not_in_cc_is_refused(ticket, alice, dave):
    with pytest.raises(TicketError, match="not in CC"):
        remove_collaborator(ticket=ticket, actor=alice.user, user=dave)


def test_agent_of_another_department_cannot_change_cc(ticket, bob, dave):
    with pytest.raises(NotAllowed):
        add_collaborator(ticket=ticket, actor=bob.user, user=dave)
