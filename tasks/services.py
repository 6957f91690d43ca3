"""Creating and working tasks. A task may stand alone or belong to a ticket, which then cannot close."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.accounts.models import Agent, Department, DepartmentAccess, Team, User
from tasks import notifications
from tasks.models import Task, TaskEvent, TaskNote
from tickets import access
from tickets.html import to_safe_body
from tickets.models import Ticket
from tickets.services import NewAttachment, NotAllowed, TicketError, save_attachment

Kind = TaskEvent.Kind


class TaskError(TicketError):
    """A task move the rules do not allow."""


@transaction.atomic
def create_task(
    *,
    actor: User,
    title: str,
    body: str = "",
    ticket: Ticket | None = None,
    department: Department | None = None,
    assignee: Agent | None = None,
    team: Team | None = None,
    due_at: datetime | None = None,
) -> Task:
    """Create a task on its own (in ``department``) or for a ticket (in the ticket's department by default)."""
    title = title.strip()
    if not title:
        raise TaskError(_("A task needs a title."))
    if ticket is not None:
        ticket = _lock_ticket(ticket.pk)
    department = department or (ticket.department if ticket else None)
    if department is None:
        raise TaskError(_("Choose a department for the task."))
    if ticket is not None and not access.may(actor, ticket, "manage_tasks"):
        raise NotAllowed(_("You may not create tasks for this ticket."))
    if not _may_manage_in(actor, department.pk):
        raise NotAllowed(_("You may not create tasks in %(department)s.") % {"department": department})
    if ticket is not None and ticket.is_closed:
        raise TaskError(_("This ticket is closed: reopen it before giving it an open task."))
    _check_team(team)
    task = Task.objects.create(
        title=title[:255],
        body=_plain_body(body),
        ticket=ticket,
        department=department,
        assignee=assignee,
        team=team,
        due_at=due_at,
        created_by=actor,
    )
    _event(task, actor, Kind.CREATED, ticket=ticket.number if ticket else None)
    if assignee or team:
        _event(task, actor, Kind.ASSIGNED, after=_assignment(task))
        notifications.notify_assigned(task, actor)
    return task


@transaction.atomic
def assign_task(*, task: Task, actor: User, assignee: Agent | None = None, team: Team | None = None) -> Task:
    """Give the task to an agent or team. The agent may lack access to the ticket's department:
    they then see the task and only the ticket's metadata."""
    task = _lock(task)
    _require_manage(actor, task)
    if (assignee and assignee.pk) == task.assignee_id and (team and team.pk) == task.team_id:
        return task
    _check_team(team)
    before = _assignment(task)
    task.assignee, task.team = assignee, team
    task.save(update_fields=["assignee", "team", "updated_at"])
    _event(task, actor, Kind.ASSIGNED, before=before, after=_assignment(task))
    notifications.notify_assigned(task, actor)
    return task


@transaction.atomic
def update_task(*, task: Task, actor: User, title: str, body: str, due_at: datetime | None) -> Task:
    """Change the title, description and due date; the event keeps what each changed field was before."""
    task = _lock(task)
    _require_manage(actor, task)
    title = title.strip()
    if not title:
        raise TaskError(_("A task needs a title."))
    new = {"title": title[:255], "body": _plain_body(body), "due_at": due_at}
    changed = [name for name, value in new.items() if getattr(task, name) != value]
    if not changed:
        return task
    before = {name: _loggable(getattr(task, name)) for name in changed}
    for name in changed:
        setattr(task, name, new[name])
    task.save(update_fields=[*changed, "updated_at"])
    _event(task, actor, Kind.EDITED, before=before, after={name: _loggable(new[name]) for name in changed})
    return task


@transaction.atomic
def complete_task(*, task: Task, actor: User) -> Task:
    """Mark the task done; the ticket's assignee hears of it."""
    task = _lock(task)
    _require_work(actor, task)
    if not task.is_open:
        raise TaskError(_("The task is already completed."))
    task.completed_at = timezone.now()
    task.save(update_fields=["completed_at", "updated_at"])
    _event(task, actor, Kind.COMPLETED)
    notifications.notify_completed(task, actor)
    return task


@transaction.atomic
def reopen_task(*, task: Task, actor: User) -> Task:
    """Open a completed task again, unless its ticket is closed (a closed ticket has no open tasks)."""
    if task.ticket_id is not None:
        _lock_ticket(task.ticket_id)  # first the ticket, as closing and merging do, so they cannot interleave
    task = _lock(task)
    _require_work(actor, task)
    if task.is_open:
        raise TaskError(_("The task is already open."))
    if task.ticket is not None and task.ticket.is_closed:
        raise TaskError(_("Reopen the ticket first: a closed ticket cannot have open tasks."))
    task.completed_at = None
    task.save(update_fields=["completed_at", "updated_at"])
    _event(task, actor, Kind.REOPENED)
    return task


@transaction.atomic
def add_task_note(
    *, task: Task, actor: User, body: str, is_html: bool = False, attachments: Sequence[NewAttachment] = ()
) -> TaskNote:
    """Write in the task's own thread, with files; the people the task is assigned to are told."""
    task = _lock(task)
    _require_work(actor, task)
    if not body.strip() and not attachments:
        raise TaskError(_("The note is empty."))
    safe_html, text = to_safe_body(body, is_html=is_html)
    note = TaskNote.objects.create(task=task, author=actor, body=safe_html, body_text=text)
    if attachments:
        note.attachments.add(*(save_attachment(item) for item in attachments))
    task.save(update_fields=["updated_at"])
    _event(task, actor, Kind.NOTE, note=note.pk)
    notifications.notify_note(task, actor)
    return note


def _plain_body(body: str) -> str:
    return to_safe_body(body, is_html=False)[0] if body.strip() else ""


def _loggable(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime) else value


def _check_team(team: Team | None) -> None:
    if team is not None and not team.is_active:
        raise TaskError(_("The team %(team)s is not active.") % {"team": team})


def may_manage(actor: User, task: Task) -> bool:
    """Whether the actor may assign, edit and re-date the task (a role with "manage tasks" in its department)."""
    return _may_manage_in(actor, task.department_id)


def may_work(actor: User, task: Task) -> bool:
    """Whether the actor may write notes in, complete or reopen the task."""
    return _is_worker(actor, task) or _may_manage_in(actor, task.department_id)


def _lock_ticket(pk: int) -> Ticket:
    """The ticket's row, locked: closing it checks for open tasks under the same lock."""
    return Ticket.objects.select_for_update(of=("self",)).select_related("department", "status").get(pk=pk)


def _lock(task: Task) -> Task:
    return Task.objects.select_for_update(of=("self",)).select_related("ticket").get(pk=task.pk)


def _may_manage_in(actor: User, department_id: int) -> bool:
    if actor.is_superuser:
        return True
    agent = access.agent_of(actor)
    return (
        agent is not None
        and DepartmentAccess.objects.filter(
            agent=agent, department_id=department_id, role__can_manage_tasks=True
        ).exists()
    )


def _is_worker(actor: User, task: Task) -> bool:
    agent = access.agent_of(actor)
    if agent is None:
        return False
    return task.assignee_id == agent.pk or (task.team_id is not None and agent.teams.filter(pk=task.team_id).exists())


def _require_manage(actor: User, task: Task) -> None:
    if not may_manage(actor, task):
        raise NotAllowed(_("You may not manage tasks of this department."))


def _require_work(actor: User, task: Task) -> None:
    """The assignee (or their team) works the task; so may anyone who manages the department's tasks."""
    if not may_work(actor, task):
        raise NotAllowed(_("You may not work on this task."))


def _assignment(task: Task) -> dict[str, str | None]:
    return {"agent": task.assignee.name if task.assignee else None, "team": task.team.name if task.team else None}


def _event(task: Task, actor: User | None, kind: str, **data: Any) -> TaskEvent:
    return TaskEvent.objects.create(task=task, actor=actor, kind=kind, data=data)
