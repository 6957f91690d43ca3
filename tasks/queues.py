"""The task queues of the staff panel, computed from the task's state like the ticket queues."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from helpdesk.accounts.models import Agent, User
from tasks.access import visible_tasks
from tasks.models import Task
from tickets.access import agent_of

NOTHING = Q(pk__in=[])
OPEN = Q(completed_at__isnull=True)


def _open(agent: Agent | None) -> Q:
    return OPEN


def _mine(agent: Agent | None) -> Q:
    return OPEN & Q(assignee=agent) if agent is not None else NOTHING


def _teams(agent: Agent | None) -> Q:
    return OPEN & Q(team__in=agent.teams.values("pk")) if agent is not None else NOTHING


def _overdue(agent: Agent | None) -> Q:
    return OPEN & Q(due_at__lt=timezone.now())


def _completed(agent: Agent | None) -> Q:
    return Q(completed_at__isnull=False)


@dataclass(frozen=True)
class TaskQueue:
    slug: str
    label: str | Promise
    icon: str
    condition: Callable[[Agent | None], Q]

    def tasks(self, user: User) -> QuerySet[Task]:
        """The queue's tasks among those ``user`` may see."""
        return visible_tasks(user).filter(self.condition(agent_of(user)))


TASK_QUEUES: dict[str, TaskQueue] = {
    queue.slug: queue
    for queue in [
        TaskQueue("open", _("Open tasks"), "list-check", _open),
        TaskQueue("mine", _("My tasks"), "person", _mine),
        TaskQueue("teams", _("My teams' tasks"), "people", _teams),
        TaskQueue("overdue", _("Overdue tasks"), "alarm", _overdue),
        TaskQueue("completed", _("Completed tasks"), "check2-circle", _completed),
    ]
}
DEFAULT_TASK_QUEUE = "open"


def task_queue_for(slug: str) -> TaskQueue:
    """The queue named ``slug``, else 404."""
    queue = TASK_QUEUES.get(slug)
    if queue is None:
        raise Http404("No such queue.")
    return queue


def task_queue_counts(user: User) -> dict[str, int]:
    """How many tasks each queue holds, in one aggregate query."""
    agent = agent_of(user)
    counts = {slug: Count("pk", filter=queue.condition(agent)) for slug, queue in TASK_QUEUES.items()}
    return visible_tasks(user).aggregate(**counts)


def for_listing(tasks: QuerySet[Task]) -> QuerySet[Task]:
    """Join in what a queue row shows (no query per row)."""
    return tasks.select_related("ticket", "department", "assignee__user", "team")
