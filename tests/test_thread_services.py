import pytest

from tickets.models import Activity, State, Status, ThreadEntry, TicketEvent
from tickets.services import NotAllowed, TicketError, close, mark_seen, post_message, post_note, post_reply


def test_customer_message_makes_the_ticket_unread_and_unanswered(ticket, carol, alice):
    post_reply(ticket=ticket, actor=alice.user, body="Try turning it off.")

    entry = post_message(ticket=ticket, author=carol, body="Still smoking")

    ticket.refresh_from_db()
    assert entry.kind == ThreadEntry.Kind.MESSAGE
    assert ticket.activity == Activity.UNREAD
    assert ticket.unread_count == 1
    assert not ticket.is_answered
    assert ticket.last_message_at == entry.created_at
    assert ticket.events.filter(kind=TicketEvent.Kind.MESSAGE).count() == 1


def test_collaborator_may_write_in_the_ticket(ticket, dave, alice):
    ticket.collaborators.add(dave)

    entry = post_message(ticket=ticket, author=dave, body="Me too")

    assert entry.author == dave


def test_stranger_cannot_write_in_the_ticket(ticket, dave):
    with pytest.raises(NotAllowed):
        post_message(ticket=ticket, author=dave, body="Let me in")


def test_customer_message_reopens_a_closed_ticket(ticket, carol, alice):
    close(ticket=ticket, actor=alice.user)

    post_message(ticket=ticket, author=carol, body="It is back")

    ticket.refresh_from_db()
    assert ticket.state == State.OPEN
    assert ticket.closed_at is None
    assert ticket.events.filter(kind=TicketEvent.Kind.REOPENED, actor=carol).exists()


def test_agent_reply_answers_the_ticket(ticket, alice):
    entry = post_reply(ticket=ticket, actor=alice.user, body="On my way")

    ticket.refresh_from_db()
    assert entry.kind == ThreadEntry.Kind.RESPONSE
    assert ticket.is_answered
    assert ticket.last_response_at == entry.created_at
    assert ticket.activity == Activity.AWAITING_CUSTOMER
    assert ticket.unread_count == 0
    assert ticket.events.filter(kind=TicketEvent.Kind.RESPONSE, actor=alice.user).exists()


def test_agent_reply_can_set_a_status(ticket, alice):
    waiting = Status.objects.get(name="Awaiting customer")

    post_reply(ticket=ticket, actor=alice.user, body="Which model?", status=waiting)

    ticket.refresh_from_db()
    assert ticket.status == waiting
    assert ticket.events.filter(kind=TicketEvent.Kind.STATUS).exists()


def test_agent_reply_can_close_the_ticket(ticket, alice):
    post_reply(ticket=ticket, actor=alice.user, body="Fixed", status=Status.default_for(State.CLOSED))

    ticket.refresh_from_db()
    assert ticket.state == State.CLOSED
    assert ticket.closed_at is not None


def test_agent_without_department_access_cannot_reply(ticket, bob):
    with pytest.raises(NotAllowed):
        post_reply(ticket=ticket, actor=bob.user, body="Not mine")

    assert ticket.entries.count() == 1


def test_customer_cannot_post_an_agent_reply(ticket, carol):
    with pytest.raises(NotAllowed):
        post_reply(ticket=ticket, actor=carol, body="I answer myself")


def test_assignee_without_department_role_may_reply(ticket, bob):
    type(ticket).objects.filter(pk=ticket.pk).update(assignee=bob)

    entry = post_reply(ticket=ticket, actor=bob.user, body="Assigned to me")

    assert entry.author == bob.user


def test_internal_note_does_not_answer_the_ticket(ticket, alice):
    entry = post_note(ticket=ticket, actor=alice.user, body="Customer is a VIP")

    ticket.refresh_from_db()
    assert entry.kind == ThreadEntry.Kind.NOTE
    assert not entry.is_public
    assert not ticket.is_answered
    assert ticket.events.filter(kind=TicketEvent.Kind.NOTE).exists()


def test_customer_cannot_write_an_internal_note(ticket, carol):
    with pytest.raises(NotAllowed):
        post_note(ticket=ticket, actor=carol, body="sneaky")


def test_empty_reply_is_refused(ticket, alice):
    with pytest.raises(TicketError, match="empty"):
        post_reply(ticket=ticket, actor=alice.user, body=" \n ")


def test_mark_seen_clears_unread_for_an_agent(ticket, alice):
    ticket = mark_seen(ticket=ticket, actor=alice.user)

    assert ticket.unread_count == 0
    assert ticket.activity == Activity.AWAITING_AGENT


def test_mark_seen_by_a_customer_changes_nothing(ticket, carol):
    ticket = mark_seen(ticket=ticket, actor=carol)

    assert ticket.unread_count == 1
    assert ticket.activity == Activity.UNREAD


def test_duplicate_message_id_is_refused_by_the_database(ticket, carol):
    from django.db import IntegrityError

    post_message(ticket=ticket, author=carol, body="first", message_id="<a@b>")
    with pytest.raises(IntegrityError):
        post_message(ticket=ticket, author=carol, body="again", message_id="<a@b>")
