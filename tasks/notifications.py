"""In-app notifications about tasks: the assignee (or the team) on assignment and new notes, the ticket's
assignee when a task of the ticket is completed.

They are ``Notification`` rows of kind ``task``, written in the service's transaction. A notification links to
the ticket only when its recipient may open that ticket; its text names the task either way.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from helpdesk.accounts.models import Agent, Notification, User
from tasks.models import Task
from tickets.access import visible_tickets


def recipients(task: Task, actor: User | None) -> list[Agent]:
    """Who works the task: its agent, else the active members of its team; never the actor."""
    if task.assignee_id is not None:
        agents = list(Agent.objects.select_related("user").filter(pk=task.assignee_id))
    elif task.team_id is not None:
        agents = list(task.team.members.select_related("user")) if task.team and task.team.is_active else []
    else:
        agents = []
    return [agent for agent in agents if agent.user.is_active and agent.user_id != (actor.pk if actor else None)]


def notify_assigned(task: Task, actor: User | None) -> None:
    """Tell the new assignee (or team) that the task is theirs, if they want assignment notices."""
    for agent in recipients(task, actor):
        if agent.notify_on_assignment:
            text = _("Task #%(id)s “%(title)s” was assigned to you") % {"id": task.pk, "title": task.title}
            _create(agent.user, task, text)


def notify_note(task: Task, actor: User) -> None:
    """Tell the people working the task that someone wrote in it."""
    for agent in recipients(task, actor):
        text = _("%(name)s wrote in task #%(id)s “%(title)s”") % {
            "name": actor.display_name,
            "id": task.pk,
            "title": task.title,
        }
        _create(agent.user, task, text)


def notify_completed(task: Task, actor: User) -> None:
    """Tell the ticket's assignee that one of its tasks is done."""
    ticket = task.ticket
    if ticket is None or ticket.assignee_id is None:
        return
    agent = Agent.objects.select_related("user").get(pk=ticket.assignee_id)
    if agent.user_id == actor.pk or not agent.user.is_active:
        return
    text = _("Task #%(id)s “%(title)s” of ticket #%(number)s was completed by %(name)s") % {
        "id": task.pk,
        "title": task.title,
        "number": ticket.number,
        "name": actor.display_name,
    }
    _create(agent.user, task, text)


def _create(recipient: User, task: Task, text: str) -> Notification:
    ticket = task.ticket
    if ticket is not None and not visible_tickets(recipient).filter(pk=ticket.pk).exists():
        ticket = None  # the recipient sees the task but may not open its ticket
    return Notification.objects.create(recipient=recipient, kind=Notification.Kind.TASK, ticket=ticket, text=text[:255])
