"""Selectors of the operator's home page and of the notification counter; a fixed number of queries each."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum

from helpdesk.accounts.models import Agent, Department, DepartmentAccess, Notification, User
from tickets.access import agent_of, department_ids, visible_tickets
from tickets.models import State, Ticket

LIST_SIZE = 10


@dataclass(frozen=True)
class Widget:
    """A count and the first tickets behind it."""

    count: int
    tickets: list[Ticket]


@dataclass(frozen=True)
class MemberLoad:
    """One agent's open work, for the managers' view."""

    agent: Agent
    unresolved: int
    overdue: int
    unread: int


@dataclass(frozen=True)
class Home:
    """Everything the home page shows."""

    mine: Widget
    unread: Widget
    unread_messages: int
    unassigned: Widget
    overdue: Widget
    by_status: list[tuple[str, int]]
    members: list[MemberLoad] | None
    unassigned_by_department: list[tuple[str, int]] | None


def _widget(tickets: QuerySet[Ticket], order: str = "-last_activity_at") -> Widget:
    listed = tickets.select_related("status", "requester").order_by(order)[:LIST_SIZE]
    return Widget(tickets.count(), list(listed))


def home_for(user: User) -> Home:
    """The home page of a staff member: their work, their departments' waiting tickets, and a manager's view."""
    agent = agent_of(user)
    open_tickets = visible_tickets(user).filter(state=State.OPEN, merged_into__isnull=True)
    mine = open_tickets.filter(assignee=agent) if agent else Ticket.objects.none()
    unread = mine.filter(unread_count__gt=0)
    departments = department_ids(user)
    unassigned = open_tickets.filter(assignee__isnull=True, team__isnull=True)
    if departments is not None:
        unassigned = unassigned.filter(department_id__in=departments)
    members, waiting = _manager_view(user, agent)
    statuses = open_tickets.values("status__name").annotate(n=Count("id")).order_by("status__sort_order")
    return Home(
        mine=_widget(mine),
        unread=_widget(unread, "-last_message_at"),
        unread_messages=unread.aggregate(n=Sum("unread_count"))["n"] or 0,
        unassigned=_widget(unassigned, "created_at"),
        overdue=_widget(open_tickets.filter(is_overdue=True), "due_at"),
        by_status=[(row["status__name"], row["n"]) for row in statuses],
        members=members,
        unassigned_by_department=waiting,
    )


def _managed(user: User, agent: Agent | None) -> QuerySet[Department]:
    if user.is_superuser:
        return Department.objects.all()
    return Department.objects.filter(manager=agent) if agent else Department.objects.none()


def _manager_view(user: User, agent: Agent | None) -> tuple[list[MemberLoad] | None, list[tuple[str, int]] | None]:
    """Per-member load and unassigned tickets of the departments the user manages (all for superusers)."""
    managed = list(_managed(user, agent).order_by("name").values_list("pk", "name"))
    if not managed:
        return None, None
    ids = [pk for pk, _name in managed]
    agents = (
        Agent.objects.filter(pk__in=DepartmentAccess.objects.filter(department_id__in=ids).values("agent_id"))
        .filter(user__is_active=True)
        .select_related("user")
        .order_by("user__name")
    )
    open_here = Ticket.objects.filter(state=State.OPEN, department_id__in=ids).order_by()
    loads = {
        row["assignee_id"]: row
        for row in open_here.filter(assignee__isnull=False)
        .values("assignee_id")
        .annotate(
            n=Count("id"), late=Count("id", filter=Q(is_overdue=True)), unread=Count("id", filter=Q(unread_count__gt=0))
        )
    }
    waiting = dict(
        open_here.filter(assignee__isnull=True, team__isnull=True).values_list("department_id").annotate(n=Count("id"))
    )
    members = [_load(agent, loads.get(agent.pk)) for agent in agents]
    return members, [(name, waiting.get(pk, 0)) for pk, name in managed]


def _load(agent: Agent, row: dict[str, int] | None) -> MemberLoad:
    if row is None:
        return MemberLoad(agent, 0, 0, 0)
    return MemberLoad(agent, row["n"], row["late"], row["unread"])


def unread_notifications(user: User) -> tuple[int, list[Notification]]:
    """How many notifications the user has not read, and the newest of them."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    return unread.count(), list(unread.select_related("ticket").order_by("-created_at")[:LIST_SIZE])
