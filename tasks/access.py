"""Which tasks an agent may see in the staff panel: the one chokepoint every task view goes through.

An agent sees the tasks of the departments where they have a role, the tasks assigned to them or to one of
their teams, and the tasks of tickets handed to them. Superusers see every task. Seeing a task does not open
its ticket: an assignee without access to the ticket's department sees only the ticket's metadata.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from helpdesk.accounts.models import User
from tasks.models import Task
from tickets.access import agent_of, department_ids


def visible_tasks(user: User) -> QuerySet[Task]:
    """Every task the user may open in the staff panel."""
    departments = department_ids(user)
    if departments is None:
        return Task.objects.all()
    agent = agent_of(user)
    if agent is None:
        return Task.objects.none()
    teams = agent.teams.values("pk")
    return Task.objects.filter(
        Q(department_id__in=departments)
        | Q(assignee=agent)
        | Q(team__in=teams)
        | Q(ticket__assignee=agent)
        | Q(ticket__team__in=teams)
    )


def task_for_agent(user: User, pk: int) -> Task:
    """The task if the user may see it, else 404."""
    task = visible_tasks(user).filter(pk=pk).first()
    if task is None:
        raise Http404("No such task.")
    return task
