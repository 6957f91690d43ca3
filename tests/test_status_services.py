import pytest

from helpdesk.accounts.models import Role
from tasks.services import complete_task, create_task
from tests.conftest import make_agent
from tickets.models import Activity, Priority, State, Status, TicketEvent, TicketType
from tickets.services import (
    NotAllowed,
    TicketError,
    close,
    post_reply,
    reopen,
    set_priority,
    set_published,
    set_status,
    set_subject,
    set_type,
)


def test_close_sets_closed_state_time_and_event(ticket, alice):
    ticket = close(ticket=ticket, actor=alice.user)

    assert ticket.status == Status.default_for(State.CLOSED)
    assert ticket.state == State.CLOSED
    assert ticket.closed_at is not None
    assert ticket.activity == Activity.READ
    assert ticket.events.filter(kind=TicketEvent.Kind.CLOSED, actor=alice.user).exists()


def test_close_is_refused_while_a_task_is_open(ticket, alice):
    task = create_task(actor=alice.user, ticket=ticket, title="Replace the fuser")

    with pytest.raises(TicketError, match=f"open tasks: #{task.pk} Replace the fuser"):
        close(ticket=ticket, actor=alice.user)

    ticket.refresh_from_db()
    assert ticket.state == State.OPEN
    assert not ticket.events.filter(kind=TicketEvent.Kind.CLOSED).exists()


def test_close_succeeds_once_the_tasks_are_completed(ticket, alice):
    task = create_task(actor=alice.user, ticket=ticket, title="Replace the fuser")
    complete_task(task=task, actor=alice.user)

    ticket = close(ticket=ticket, actor=alice.user)

    assert ticket.is_closed


def test_closing_status_through_set_status_honours_open_tasks(ticket, alice):
    create_task(actor=alice.user, ticket=ticket, title="Check")

    with pytest.raises(TicketError, match="open tasks"):
        set_status(ticket=ticket, actor=alice.user, status=Status.objects.get(name="Resolved"))


def test_reply_that_closes_is_refused_whole_while_a_task_is_open(ticket, alice):
    create_task(actor=alice.user, ticket=ticket, title="Check")

    with pytest.raises(TicketError, match="open tasks"):
        post_reply(ticket=ticket, actor=alice.user, body="Done", status=Status.default_for(State.CLOSED))

    assert ticket.entries.count() == 1


def test_closing_an_already_closed_ticket_is_refused(ticket, alice):
    close(ticket=ticket, actor=alice.user)

    with pytest.raises(TicketError, match="already closed"):
        close(ticket=ticket, actor=alice.user)


def test_close_with_an_open_status_is_refused(ticket, alice):
    with pytest.raises(TicketError, match="not a closed status"):
        close(ticket=ticket, actor=alice.user, status=Status.default_for(State.OPEN))


def test_close_needs_the_close_permission(ticket, support):
    role = Role.objects.create(name="No close", can_close=False)
    cleo = make_agent("cleo@example.com", "Cleo", support, role=role)

    with pytest.raises(NotAllowed):
        close(ticket=ticket, actor=cleo.user)


def test_reopen_clears_closed_at_and_writes_event(ticket, alice):
    close(ticket=ticket, actor=alice.user)

    ticket = reopen(ticket=ticket, actor=alice.user)

    assert ticket.state == State.OPEN
    assert ticket.closed_at is None
    assert ticket.events.filter(kind=TicketEvent.Kind.REOPENED).exists()


def test_reopening_an_open_ticket_is_refused(ticket, alice):
    with pytest.raises(TicketError, match="already open"):
        reopen(ticket=ticket, actor=alice.user)


def test_status_change_between_open_statuses_writes_status_event(ticket, alice):
    progress = Status.objects.get(name="In progress")

    ticket = set_status(ticket=ticket, actor=alice.user, status=progress)

    event = ticket.events.get(kind=TicketEvent.Kind.STATUS)
    assert event.data == {"before": "Open", "after": "In progress"}
    assert ticket.state == State.OPEN


def test_status_change_by_agent_of_another_department_is_refused(ticket, bob):
    with pytest.raises(NotAllowed):
        set_status(ticket=ticket, actor=bob.user, status=Status.objects.get(name="In progress"))


def test_set_priority_records_before_and_after(ticket, alice):
    ticket = set_priority(ticket=ticket, actor=alice.user, priority=Priority.HIGH)

    assert ticket.priority == Priority.HIGH
    assert ticket.events.get(kind=TicketEvent.Kind.PRIORITY).data == {"before": 2, "after": 3}


def test_unknown_priority_is_refused(ticket, alice):
    with pytest.raises(TicketError, match="Unknown priority"):
        set_priority(ticket=ticket, actor=alice.user, priority=9)


def test_set_type_records_the_change(ticket, alice):
    ticket = set_type(ticket=ticket, actor=alice.user, ticket_type=TicketType.INCIDENT)

    assert ticket.type == TicketType.INCIDENT
    assert ticket.events.get(kind=TicketEvent.Kind.TYPE).data == {"before": "request", "after": "incident"}


def test_unknown_type_is_refused(ticket, alice):
    with pytest.raises(TicketError, match="Unknown ticket type"):
        set_type(ticket=ticket, actor=alice.user, ticket_type="bogus")


def test_every_change_moves_last_activity(ticket, alice):
    before = ticket.last_activity_at

    ticket = set_priority(ticket=ticket, actor=alice.user, priority=Priority.LOW)

    assert ticket.last_activity_at > before


def test_set_subject_logs_the_old_and_new_title(ticket, alice):
    ticket = set_subject(ticket=ticket, actor=alice.user, subject=" Toner empty ")

    assert ticket.subject == "Toner empty"
    assert ticket.events.get(kind=TicketEvent.Kind.TITLE).data == {"before": "Printer on fire", "after": "Toner empty"}


def test_set_subject_refuses_an_empty_one(ticket, alice):
    with pytest.raises(TicketError, match="subject"):
        set_subject(ticket=ticket, actor=alice.user, subject=" ")


def test_publishing_a_ticket_is_logged(ticket, alice):
    ticket = set_published(ticket=ticket, actor=alice.user, published=True)

    assert ticket.published
    assert ticket.events.get(kind=TicketEvent.Kind.PUBLISHED).data == {"before": False, "after": True}
