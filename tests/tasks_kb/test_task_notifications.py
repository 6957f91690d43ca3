"""Task notifications: the assignee (or team) on assignment and notes, the ticket's assignee on completion."""

from __future__ import annotations

from helpdesk.accounts.models import Notification
from tasks.services import add_task_note, assign_task, complete_task, create_task
from tickets.services import assign


def task_notices(person) -> list[Notification]:
    return list(Notification.objects.filter(recipient=getattr(person, "user", person), kind=Notification.Kind.TASK))


def test_the_new_assignee_is_told(ticket, alice, bob):
    task = create_task(actor=alice.user, ticket=ticket, title="Check the invoice", assignee=bob)

    [notice] = task_notices(bob)
    assert f"Task #{task.pk} “Check the invoice” was assigned to you" == notice.text


def test_the_notice_links_the_ticket_only_when_the_recipient_may_open_it(ticket, alice, bob, admin_user):
    create_task(actor=admin_user, ticket=ticket, title="For alice", assignee=alice)
    create_task(actor=alice.user, ticket=ticket, title="For bob", assignee=bob)

    assert task_notices(alice)[0].ticket == ticket
    assert task_notices(bob)[0].ticket is None


def test_assigning_oneself_sends_nothing(ticket, alice):
    create_task(actor=alice.user, ticket=ticket, title="Mine", assignee=alice)

    assert task_notices(alice) == []


def test_an_agent_who_turned_off_assignment_notices_is_not_told(ticket, alice, bob):
    bob.notify_on_assignment = False
    bob.save()

    create_task(actor=alice.user, ticket=ticket, title="Quiet", assignee=bob)

    assert task_notices(bob) == []


def test_every_team_member_is_told_when_the_team_gets_the_task(ticket, alice, bob, field_team, support):
    from tests.conftest import make_agent

    dora = make_agent("dora@example.com", "Dora", role=bob.access.get().role)
    field_team.members.add(dora)
    task = create_task(actor=alice.user, ticket=ticket, title="Visit")

    assign_task(task=task, actor=alice.user, team=field_team)

    assert len(task_notices(bob)) == len(task_notices(dora)) == 1


def test_the_assignee_is_told_of_a_new_note(ticket, alice, bob, printer_task):
    assign_task(task=printer_task, actor=alice.user, assignee=bob)

    add_task_note(task=printer_task, actor=alice.user, body="Parts arrived")

    assert [n.text for n in task_notices(bob)][0] == f"Alice Agent wrote in task #{printer_task.pk} “Replace the fuser”"


def test_the_author_of_a_note_is_not_told_of_it(alice, printer_task):
    add_task_note(task=printer_task, actor=alice.user, body="Self note")

    assert task_notices(alice) == []


def test_the_tickets_assignee_is_told_when_a_task_completes(ticket, alice, bob, admin_user):
    assign(ticket=ticket, actor=admin_user, agent=alice)
    task = create_task(actor=alice.user, ticket=ticket, title="Fix", assignee=bob)

    complete_task(task=task, actor=bob.user)

    [notice] = task_notices(alice)
    assert f"of ticket #{ticket.number} was completed by Bob Billing" in notice.text


def test_no_completion_notice_for_a_ticket_without_assignee(ticket, alice, bob):
    task = create_task(actor=alice.user, ticket=ticket, title="Fix", assignee=bob)

    complete_task(task=task, actor=bob.user)

    assert task_notices(alice) == []
