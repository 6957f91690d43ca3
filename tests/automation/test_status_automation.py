"""Status automation: customer replies reopen waiting tickets, agent replies wait for the customer; both can be off."""

from tickets.models import State, Status, TicketEvent
from tickets.services import close, post_message, post_note, post_reply, set_status


def status(name):
    return Status.objects.get(name=name)


def test_a_customer_reply_moves_awaiting_customer_back_to_open(ticket, carol, alice):
    set_status(ticket=ticket, actor=alice.user, status=status("Awaiting customer"))

    post_message(ticket=ticket, author=carol, body="Here is the model number.")

    ticket.refresh_from_db()
    assert ticket.status == Status.default_for(State.OPEN)
    event = ticket.events.filter(kind=TicketEvent.Kind.STATUS).last()
    assert (event.data["before"], event.data["after"], event.data["automatic"]) == ("Awaiting customer", "Open", True)


def test_a_customer_reply_reopens_a_resolved_ticket(ticket, carol, alice):
    close(ticket=ticket, actor=alice.user, status=status("Resolved"))

    post_message(ticket=ticket, author=carol, body="Still broken.")

    ticket.refresh_from_db()
    assert ticket.status == Status.default_for(State.OPEN)
    assert ticket.events.filter(kind=TicketEvent.Kind.REOPENED).count() == 1


def test_with_reopening_off_awaiting_customer_stays(settings, ticket, carol, alice):
    settings.AUTOMATION_REOPEN_ON_CUSTOMER_REPLY = False
    set_status(ticket=ticket, actor=alice.user, status=status("Awaiting customer"))

    post_message(ticket=ticket, author=carol, body="Here is the model number.")

    ticket.refresh_from_db()
    assert ticket.status.name == "Awaiting customer"


def test_a_customer_reply_leaves_other_open_statuses_alone(ticket, carol, alice):
    set_status(ticket=ticket, actor=alice.user, status=status("In progress"))

    post_message(ticket=ticket, author=carol, body="Any news?")

    ticket.refresh_from_db()
    assert ticket.status.name == "In progress"


def test_an_agent_public_reply_on_an_open_ticket_awaits_the_customer(ticket, alice):
    post_reply(ticket=ticket, actor=alice.user, body="Which model?")

    ticket.refresh_from_db()
    assert ticket.status.name == "Awaiting customer"
    event = ticket.events.get(kind=TicketEvent.Kind.STATUS)
    assert (event.actor, event.data["automatic"]) == (alice.user, True)


def test_a_status_the_agent_chooses_wins_over_the_automation(ticket, alice):
    post_reply(ticket=ticket, actor=alice.user, body="On it.", status=status("In progress"))

    ticket.refresh_from_db()
    assert ticket.status.name == "In progress"


def test_choosing_the_current_status_keeps_it(ticket, alice):
    post_reply(ticket=ticket, actor=alice.user, body="On it.", status=Status.default_for(State.OPEN))

    ticket.refresh_from_db()
    assert ticket.status == Status.default_for(State.OPEN)


def test_a_reply_on_a_ticket_in_progress_keeps_its_status(ticket, alice):
    set_status(ticket=ticket, actor=alice.user, status=status("In progress"))

    post_reply(ticket=ticket, actor=alice.user, body="Still working.")

    ticket.refresh_from_db()
    assert ticket.status.name == "In progress"


def test_an_internal_note_does_not_move_the_status(ticket, alice):
    post_note(ticket=ticket, actor=alice.user, body="Call them tomorrow.")

    ticket.refresh_from_db()
    assert ticket.status == Status.default_for(State.OPEN)


def test_with_awaiting_off_a_reply_keeps_the_status(settings, ticket, alice):
    settings.AUTOMATION_AWAIT_CUSTOMER_ON_REPLY = False

    post_reply(ticket=ticket, actor=alice.user, body="Which model?")

    ticket.refresh_from_db()
    assert ticket.status == Status.default_for(State.OPEN)
    assert not ticket.events.filter(kind=TicketEvent.Kind.STATUS).exists()


def test_without_an_awaiting_status_a_reply_keeps_the_status(settings, ticket, alice):
    settings.AUTOMATION_AWAITING_STATUS = "Waiting for Godot"

    post_reply(ticket=ticket, actor=alice.user, body="Which model?")

    ticket.refresh_from_db()
    assert ticket.status == Status.default_for(State.OPEN)


def test_the_activity_log_says_the_change_was_automatic(ticket, alice):
    from tickets.activity import activity_lines

    post_reply(ticket=ticket, actor=alice.user, body="Which model?")

    line = activity_lines(ticket.events.filter(kind=TicketEvent.Kind.STATUS))[0]
    assert line.text == "Status changed from Open to Awaiting customer (automatically)"
