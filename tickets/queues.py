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

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Left
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from helpdesk.accounts.models import Agent, Department, Team, User
from tickets.access import agent_of, department_ids, manages_a_department, visible_tickets
from tickets.models import State, ThreadEntry, Ticket

COUNTS_SECONDS = 30  # the menu's counts are kept this long per user (and dropped when a ticket is saved)
GENERATION_KEY = "sportello:queue-counts:generation"
COUNT_CAP = 10_000  # closed tickets are counted one past here and shown as "10,000+" beyond
EXCERPT = 200  # characters of the latest thread entry shown when hovering a row
NOTHING = Q(pk__in=[])
OPEN = Q(state=State.OPEN)


def _open(user: User, agent: Agent | None) -> Q:
    return Q()


def _mine(user: User, agent: Agent | None) -> Q:
    if agent is None:
        return NOTHING
    return Q(assignee=agent) | Q(team__in=agent.teams.values("pk"))


def _unassigned(user: User, agent: Agent | None) -> Q:
    return Q(assignee__isnull=True, team__isnull=True)


def _others(user: User, agent: Agent | None) -> Q:
    condition = Q(assignee__isnull=False)
    if agent is not None:
        condition &= ~Q(assignee=agent)
    if user.is_superuser:
        return condition
    if agent is None:
        return NOTHING
    return condition & Q(department__in=Department.objects.filter(manager=agent).values("pk"))


def _overdue(user: User, agent: Agent | None) -> Q:
    return Q(is_overdue=True)


def _answered(user: User, agent: Agent | None) -> Q:
    return Q(is_answered=True)


def _closed(user: User, agent: Agent | None) -> Q:
    return Q()


@dataclass(frozen=True)
class Queue:
    slug: str
    label: str | Promise
    title: str | Promise
    icon: str
    condition: Callable[[User, Agent | None], Q]  # which of the tickets in ``state``
    managers_only: bool = False
    state: State = State.OPEN

    def tickets(self, user: User) -> QuerySet[Ticket]:
        """The queue's tickets among those ``user`` may see (no ordering or joins: the page adds them)."""
        return visible_tickets(user).filter(self.condition(user, agent_of(user)), state=self.state)


QUEUES: dict[str, Queue] = {
    queue.slug: queue
    for queue in [
        Queue("open", _("Open"), _("Open tickets"), "inbox", _open),
        Queue("mine", _("My tickets"), _("My tickets"), "person", _mine),
        Queue("unassigned", _("Unassigned"), _("Unassigned tickets"), "hourglass-split", _unassigned),
        Queue("others", _("Assigned to others"), _("Assigned to others"), "people", _others, managers_only=True),
        Queue("overdue", _("Overdue"), _("Overdue tickets"), "alarm", _overdue),
        Queue("answered", _("Answered"), _("Answered tickets"), "reply", _answered),
        Queue("closed", _("Closed"), _("Closed tickets"), "check2-circle", _closed, state=State.CLOSED),
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
    """How many tickets each queue holds, kept for ``COUNTS_SECONDS`` per user (see ``_counts_key``).

    Any saved or deleted ticket, the overdue job's flags and a change of team members start a new
    generation of counts at once (``tickets_changed``); what another process changes when the cache is its
    own memory and not Redis shows within ``COUNTS_SECONDS``.
    """
    key = _counts_key(user, queues)
    found = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY, "")
    cached = found.get(key)
    if cached is not None and cached[0] == generation:
        return dict(cached[1])
    counts = _count(user, queues)
    cache.set(key, (generation, counts), COUNTS_SECONDS)
    return counts


def _counts_key(user: User, queues: list[Queue]) -> str:
    """The user, and everything of their scope known without a query: a new role shows at once.

    Per user, so one agent's counts never reach another whatever their scopes; team membership is
    read by the counting query itself (a change of members starts a new generation).
    """
    ids = department_ids(user)
    scope = "all" if ids is None else ",".join(str(pk) for pk in sorted(ids))
    slugs = ",".join(queue.slug for queue in queues)
    digest = hashlib.sha256(f"{scope}|{slugs}|{user.is_superuser}".encode()).hexdigest()[:32]
    return f"sportello:queue-counts:{user.pk}:{digest}"


def tickets_changed(**kwargs: object) -> None:
    """Start a new generation of menu counts, now and again once the change commits.

    Now, so this process stops serving counts from before the change; after the commit, so counts read
    meanwhile from the database (which did not show the change yet) are not kept.
    """

    def bump() -> None:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, None)

    bump()
    transaction.on_commit(bump)


post_save.connect(tickets_changed, sender=Ticket, dispatch_uid="queue-counts-save")
post_delete.connect(tickets_changed, sender=Ticket, dispatch_uid="queue-counts-delete")
m2m_changed.connect(tickets_changed, sender=Team.members.through, dispatch_uid="queue-counts-team")


def _count(user: User, queues: list[Queue]) -> dict[str, int]:
    """Closed tickets are counted no further than ``COUNT_CAP + 1`` ("10,000+").

    The open queues share one aggregate over the open tickets only (the ``ticket_queue_*`` indexes).
    """
    agent = agent_of(user)
    visible = visible_tickets(user)
    # The conditions leave out the state the aggregate already filters on: an index-only scan of
    # ``ticket_open_counts`` can then evaluate them, as it holds every column they read.
    counts = {
        queue.slug: Count("pk", filter=queue.condition(user, agent) or None)
        for queue in queues
        if queue.state == State.OPEN
    }
    result: dict[str, int] = visible.filter(OPEN).aggregate(**counts) if counts else {}
    if any(queue.state == State.CLOSED for queue in queues):
        result["closed"] = capped_count(QUEUES["closed"].tickets(user), COUNT_CAP + 1)
    return result


def capped_count(tickets: QuerySet[Ticket], cap: int) -> int:
    """The number of tickets, or ``cap`` when there are at least that many (no exact count of a million rows)."""
    return tickets.order_by()[:cap].count()


# What a queue row shows (templates/scp/queue.html): loading only these columns of the eight joined rows
# saves a third of the time the 50 rows take to load. A field the row starts to show must be added here,
# or it costs a query per row (tests/test_query_counts.py notices).
LISTED_FIELDS = (
    *("number", "subject", "priority", "state", "is_overdue", "activity", "unread_count", "last_activity_at"),
    *("status__name", "department__name", "team__name", "assignee__user__name", "assignee__user__email"),
    *("requester__name", "requester__email", "requester__organization__name"),
)


def for_listing(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Join in what a queue row shows, and the latest thread entry for the row's preview (no query per row)."""
    latest = ThreadEntry.objects.filter(ticket=OuterRef("pk")).order_by("-created_at", "-pk")
    joined = tickets.select_related("status", "department", "requester__organization", "assignee__user", "team")
    return joined.only(*LISTED_FIELDS).annotate(
        last_entry_kind=Subquery(latest.values("kind")[:1]),
        last_entry_author=Subquery(latest.values("author_name")[:1]),
        last_entry_excerpt=Subquery(latest.annotate(excerpt=Left("body_text", EXCERPT)).values("excerpt")[:1]),
    )
