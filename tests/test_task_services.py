import pytest

from helpdesk.accounts.models import Role, Team
from tasks.models import TaskEvent
from tasks.services import TaskError, add_task_note, assign_task, complete_task, create_task, reopen_task
from tests.conftest import make_agent
from tickets.services import NotAllowed, close, reopen


def test_create_task_for_a_ticket_takes_its_department(ticket, alice):
    task = create_task(actor=alice.user, ticket=ticket, title="Order toner", assignee=alice)

    assert task.department == ticket.department
    assert task.is_open
    assert list(task.events.values_list("kind", flat=True)) == [TaskEvent.Kind.CREATED, TaskEvent.Kind.ASSIGNED]


def test_create_standalone_task_needs_a_department(alice):
    with pytest.raises(TaskError, match="department"):
        create_task(actor=alice.user, title="Tidy the shelf")


def test_create_standalone_task_in_own_department(alice, support):
    task = create_task(actor=alice.user, title="Tidy the shelf", department=support)

    assert task.ticket is None


def test_create_task_needs_manage_tasks_permission(ticket, support):
    role = Role.objects.create(name="No tasks", can_manage_tasks=False)
    cleo = make_agent("cleo@example.com", "Cleo", support, role=role)

    with pytest.raises(NotAllowed):
        create_task(actor=cleo.user, ticket=ticket, title="x")


def test_agent_of_another_department_cannot_create_tasks_there(bob, support):
    with pytest.raises(NotAllowed):
        create_task(actor=bob.user, title="x", department=support)


def test_empty_title_is_refused(alice, support):
    with pytest.raises(TaskError, match="title"):
        create_task(actor=alice.user, title="  ", department=support)


def test_task_may_be_assigned_to_an_agent_without_department_access(ticket, alice, bob):
    task = create_task(actor=alice.user, ticket=ticket, title="Check invoice")

    task = assign_task(task=task, actor=alice.user, assignee=bob)

    assert task.assignee == bob


def test_assignee_completes_and_reopens_the_task(ticket, alice, bob):
    task = create_task(actor=alice.user, ticket=ticket, title="Check", assignee=bob)

    task = complete_task(task=task, actor=bob.user)
    assert not task.is_open
    task = reopen_task(task=task, actor=bob.user)

    assert task.is_open
    kinds = list(task.events.values_list("kind", flat=True))
    assert kinds[-2:] == [TaskEvent.Kind.COMPLETED, TaskEvent.Kind.REOPENED]


def test_team_member_may_work_the_task(ticket, alice, bob):
    team = Team.objects.create(name="Finance")
    team.members.add(bob)
    task = create_task(actor=alice.user, ticket=ticket, title="Check", team=team)

    task = complete_task(task=task, actor=bob.user)

    assert not task.is_open


def test_stranger_agent_cannot_complete_the_task(ticket, alice, bob):
    task = create_task(actor=alice.user, ticket=ticket, title="Check")

    with pytest.raises(NotAllowed):
        complete_task(task=task, actor=bob.user)


def test_completing_twice_is_refused(ticket, alice):
    task = create_task(actor=alice.user, ticket=ticket, title="Check")
    complete_task(task=task, actor=alice.user)

    with pytest.raises(TaskError, match="already completed"):
        complete_task(task=task, actor=alice.user)


def test_task_of_a_closed_ticket_cannot_be_reopened(ticket, alice):
    task = create_task(actor=alice.user, ticket=ticket, title="Check")
    complete_task(task=task, actor=alice.user)
    close(ticket=ticket, actor=alice.user)

    with pytest.raises(TaskError, match="Reopen the ticket first"):
        reopen_task(task=task, actor=alice.user)

    reopen(ticket=ticket, actor=alice.user)
    assert reopen_task(task=task, actor=alice.user).is_open


def test_task_note_is_sanitised_and_logged(ticket, alice):
    task = create_task(actor=alice.user, ticket=ticket, title="Check")

    note = add_task_note(task=task, actor=alice.user, body="<b>ok</b><script>x</script>", is_html=True)

    assert note.body == "<b>ok</b>"
    assert task.events.filter(kind=TaskEvent.Kind.NOTE).exists()


def test_empty_task_note_is_refused(ticket, alice):
    task = create_task(actor=alice.user, ticket=ticket, title="Check")

    with pytest.raises(TaskError, match="empty"):
        add_task_note(task=task, actor=alice.user, body="")
