import pytest

from helpdesk.accounts.models import Role
from tasks.services import create_task
from tests.conftest import make_agent
from tickets.models import State, TicketEvent
from tickets.services import (
    NotAllowed,
    TicketError,
    assign,
    close,
    merge,
    open_ticket,
    post_message,
    post_note,
    post_reply,
    set_priority,
)


@pytest.fixture
def manager(support, billing):
    role = Role.objects.create(name="Manager", can_merge=True)
    return make_agent("max@example.com", "Max Manager", support, billing, role=role)


@pytest.fixture
def duplicate(dave, support):
    return open_ticket(requester=dave, subject="Printer smoke", body="Same printer", department=support)


def test_merge_moves_thread_tasks_and_people_and_closes_the_source(ticket, duplicate, manager, dave):
    task = create_task(actor=manager.user, ticket=duplicate, title="Look")

    target = merge(ticket=duplicate, into=ticket, actor=manager.user)

    duplicate.refresh_from_db()
    task.refresh_from_db()
    assert target.entries.count() == 2
    assert task.ticket == target
    assert dave in target.collaborators.all()
    assert duplicate.merged_into == target
    assert duplicate.state == State.CLOSED
    assert duplicate.events.filter(kind=TicketEvent.Kind.MERGED, data__into=target.number).exists()
    assert target.events.filter(kind=TicketEvent.Kind.MERGED, data__merged=duplicate.number).exists()


def test_merge_needs_the_merge_permission(ticket, duplicate, alice):
    with pytest.raises(NotAllowed):
        merge(ticket=duplicate, into=ticket, actor=alice.user)


def test_merge_needs_the_permission_in_both_departments(ticket, billing_ticket, support):
    role = Role.objects.create(name="Support manager", can_merge=True)
    sam = make_agent("sam@example.com", "Sam", support, role=role)

    with pytest.raises(NotAllowed):
        merge(ticket=billing_ticket, into=ticket, actor=sam.user)


def test_a_ticket_cannot_be_merged_into_itself(ticket, manager):
    with pytest.raises(TicketError, match="itself"):
        merge(ticket=ticket, into=ticket, actor=manager.user)


@pytest.mark.parametrize(
    "act",
    [
        lambda t, m, c: post_reply(ticket=t, actor=m.user, body="x"),
        lambda t, m, c: post_note(ticket=t, actor=m.user, body="x"),
        lambda t, m, c: post_message(ticket=t, author=c, body="x"),
        lambda t, m, c: assign(ticket=t, actor=m.user, agent=m),
        lambda t, m, c: set_priority(ticket=t, actor=m.user, priority=4),
        lambda t, m, c: close(ticket=t, actor=m.user),
    ],
    ids=["reply", "note", "message", "assign", "priority", "close"],
)
def test_acting_on_a_merged_ticket_is_refused(ticket, duplicate, manager, dave, act):
    merge(ticket=duplicate, into=ticket, actor=manager.user)

    with pytest.raises(TicketError, match="merged"):
        act(duplicate, manager, dave)


def test_merging_an_already_merged_ticket_is_refused(ticket, duplicate, manager, carol, support):
    third = open_ticket(requester=carol, subject="Third", body="x", department=support)
    merge(ticket=duplicate, into=ticket, actor=manager.user)

    with pytest.raises(TicketError, match="merged"):
        merge(ticket=duplicate, into=third, actor=manager.user)
