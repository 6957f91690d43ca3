"""The staff panel's queues: named views over the tickets an agent may see, computed from ticket state.

A queue is never stored on a ticket: "mine", "unassigned", "answered" and the others follow from
state, assignee, team and ``is_answered``, so tickets move between queues by themselves when a
service changes them.

"Assigned to others" is for managers. The rule: a *manager* is the agent named as
``Department.manager`` of at least one department (superusers always qualify), and the queue lists the
open tickets of the departments they manage that are assigned to another agent. Roles are not used
for this, since the ordinary agent role may assign too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Left
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from helpdesk.accounts.models import Agent, Department, User
from tickets.access import agent_of, manages_a_department, visible_tickets
from tickets.models import State, ThreadEntry, Ticket

COUNT_CAP = 10_000  # closed tickets are counted one past here and shown as "10,000+" beyond
EXCERPT = 200  # characters of the latest thread entry shown when hovering a row
NOTHING = Q(pk__in=[])
OPEN = Q(state=State.OPEN)


def _open(user: User, agent: Agent | None) -> Q:
    return OPEN


def _mine(user: User, agent: Agent | None) -> Q:
    if agent is None:
        return NOTHING
    return OPEN & (Q(assignee=agent) | Q(team__in=agent.teams.values("pk")))


def _unassigned(user: User, agent: Agent | None) -> Q:
    return OPEN & Q(assignee__isnull=True, team__isnull=True)


def _others(user: User, agent: Agent | None) -> Q:
    condition = OPEN & Q(assignee__isnull=False)
    if agent is not None:
        condition &= ~Q(assignee=agent)
    if user.is_superuser:
        return condition
    if agent is None:
        return NOTHING
    return condition & Q(department__in=Department.objects.filter(manager=agent).values("pk"))


def _overdue(user: User, agent: Agent | None) -> Q:
    return OPEN & Q(is_overdue=True)


def _answered(user: User, agent: Agent | None) -> Q:
    return OPEN & Q(is_answered=True)


def _closed(user: User, agent: Agent | None) -> Q:
    return Q(state=State.CLOSED)


@dataclass(frozen=True)
class Queue:
    slug: str
    label: str | Promise
    title: str | Promise
    icon: str
    condition: Callable[[User, Agent | None], Q]
    managers_only: bool = False

    def tickets(self, user: User) -> QuerySet[Ticket]:
        """The queue's tickets among those ``user`` may see (no ordering or joins: the page adds them)."""
        return visible_tickets(user).filter(self.condition(user, agent_of(user)))


QUEUES: dict[str, Queue] = {
    queue.slug: queue
    for queue in [
        Queue("open", _("Open"), _("Open tickets"), "inbox", _open),
        Queue("mine", _("My tickets"), _("My tickets"), "person", _mine),
        Queue("unassigned", _("Unassigned"), _("Unassigned tickets"), "hourglass-split", _unassigned),
        Queue("others", _("Assigned to others"), _("Assigned to others"), "people", _others, managers_only=True),
        Queue("overdue", _("Overdue"), _("Overdue tickets"), "alarm", _overdue),
        Queue("answered", _("Answered"), _("Answered tickets"), "reply", _answered),
        Queue("closed", _("Closed"), _("Closed tickets"), "check2-circle", _closed),
    ]
}
DEFAULT_QUEUE = "open"


def is_manager(user: User) -> bool:
    """Whether the user gets the managers' queues (see the module docstring for the rule)."""
    if user.is_active and user.is_superuser:
        return True
    return manages_a_department(user)


def queues_for(user: User) -> list[Queue]:
    """The queues this user's menu shows, in menu order."""
    manager = is_manager(user)
    return [queue for queue in QUEUES.values() if manager or not queue.managers_only]


def queue_for(user: User, slug: str) -> Queue:
    """The queue named ``slug`` if the user may open it, else 404."""
    queue = QUEUES.get(slug)
    if queue is None or (queue.managers_only and not is_manager(user)):
        raise Http404("No such queue.")
    return queue


def queue_counts(user: User, queues: list[Queue]) -> dict[str, int]:
    """How many tickets each queue holds; closed ones are counted no further than ``COUNT_CAP + 1`` ("10,000+").

    The open queues share one aggregate over the open tickets only (the ``ticket_queue_*`` indexes).
    """
    agent = agent_of(user)
    visible = visible_tickets(user)
    counts = {
        queue.slug: Count("pk", filter=queue.condition(user, agent)) for queue in queues if queue.slug != "closed"
    }
    result: dict[str, int] = visible.filter(OPEN).aggregate(**counts) if counts else {}
    if any(queue.slug == "closed" for queue in queues):
        result["closed"] = capped_count(QUEUES["closed"].tickets(user), COUNT_CAP + 1)
    return result


def capped_count(tickets: QuerySet[Ticket], cap: int) -> int:
    """The number of tickets, or ``cap`` when there are at least that many (no exact count of a million rows)."""
    return tickets.order_by()[:cap].count()


def for_listing(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Join in what a queue row shows, and the latest thread entry for the row's preview (no query per row)."""
    latest = ThreadEntry.objects.filter(ticket=OuterRef("pk")).order_by("-created_at", "-pk")
    return tickets.select_related("status", "department", "requester__organization", "assignee__user", "team").annotate(
        last_entry_kind=Subquery(latest.values("kind")[:1]),
        last_entry_author=Subquery(latest.values("author_name")[:1]),
        last_entry_excerpt=Subquery(latest.annotate(excerpt=Left("body_text", EXCERPT)).values("excerpt")[:1]),
    )
