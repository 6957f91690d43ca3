"""Who may see and do what with a ticket: the one chokepoint every view, job and service goes through.

An agent sees a ticket when they have a role in its department, or it is assigned to them or to one
of their teams. Superusers see everything. Customers see tickets they requested or are CC'd on, and
organization managers (a flag only staff can set) those of their organization.
"""

from __future__ import annotations

from typing import Literal

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from helpdesk.accounts.models import Agent, Department, DepartmentAccess, Role, User
from tickets.links import valid_links
from tickets.models import Ticket

Permission = Literal["reply", "assign", "transfer", "edit", "close", "merge", "manage_tasks"]

# Work handed to an agent (directly or through a team) may be answered even without a department role.
_ASSIGNEE_PERMISSIONS: frozenset[str] = frozenset({"reply"})
_REMEMBERED = "_sportello_department_ids"  # where remember_department_ids() keeps them on the user
_MANAGES = "_sportello_manages"  # and whether the agent manages a department


def agent_of(user: User) -> Agent | None:
    """The user's agent profile, if they are active staff with one."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return None
    try:
        return user.agent
    except Agent.DoesNotExist:
        return None


def department_ids(user: User) -> set[int] | None:
    """Departments where the user has a role; ``None`` means every department (superusers)."""
    if user.is_authenticated and user.is_active and user.is_superuser:
        return None
    if _REMEMBERED in user.__dict__:
        return set(user.__dict__[_REMEMBERED])
    agent = agent_of(user)
    if agent is None:
        return set()
    return set(DepartmentAccess.objects.filter(agent=agent).values_list("department_id", flat=True))


def remember_department_ids(user: User) -> None:
    """Look the user's departments up once for the rest of this request (pages that ask many times call it).

    The same query tells whether the agent manages a department (``manages_a_department``). Only for a
    request's own user object: it lives as long as the request, so a role granted meanwhile shows from
    the next request on.
    """
    user.__dict__.pop(_REMEMBERED, None)
    user.__dict__.pop(_MANAGES, None)
    agent = agent_of(user)
    if agent is None or user.is_superuser:
        user.__dict__[_REMEMBERED] = department_ids(user)
        return
    role = DepartmentAccess.objects.filter(agent=agent, department=OuterRef("pk"))
    rows = list(
        Department.objects.annotate(has_role=Exists(role))
        .filter(Q(has_role=True) | Q(manager=agent))
        .values_list("pk", "has_role", "manager_id")
    )
    user.__dict__[_REMEMBERED] = {pk for pk, has_role, _manager in rows if has_role}
    user.__dict__[_MANAGES] = any(manager == agent.pk for _pk, _has_role, manager in rows)


def manages_a_department(user: User) -> bool:
    """Whether the user's agent is named manager of at least one department."""
    if _MANAGES in user.__dict__:
        return bool(user.__dict__[_MANAGES])
    agent = agent_of(user)
    return agent is not None and Department.objects.filter(manager=agent).exists()


def role_in(user: User, department_id: int) -> Role | None:
    """The user's role in a department; superusers get an unsaved role that may do everything."""
    if user.is_authenticated and user.is_active and user.is_superuser:
        return _all_powers_role()
    agent = agent_of(user)
    if agent is None:
        return None
    access = DepartmentAccess.objects.select_related("role").filter(agent=agent, department_id=department_id).first()
    return access.role if access else None


def _all_powers_role() -> Role:
    return Role(
        name="superuser",
        can_reply=True,
        can_assign=True,
        can_transfer=True,
        can_edit=True,
        can_close=True,
        can_merge=True,
        can_manage_tasks=True,
    )


def may(user: User, ticket: Ticket, permission: Permission) -> bool:
    """Whether the user may perform ``permission`` on the ticket."""
    role = role_in(user, ticket.department_id)
    if role is not None:
        return bool(getattr(role, f"can_{permission}"))
    return permission in _ASSIGNEE_PERMISSIONS and _is_assigned_to(user, ticket)


def may_work_in(agent: Agent, department_id: int) -> bool:
    """Whether an agent can be given tickets of a department (they need some role there)."""
    if agent.user.is_superuser:
        return True
    return DepartmentAccess.objects.filter(agent=agent, department_id=department_id).exists()


def _is_assigned_to(user: User, ticket: Ticket) -> bool:
    agent = agent_of(user)
    if agent is None:
        return False
    if ticket.assignee_id == agent.pk:
        return True
    return ticket.team_id is not None and agent.teams.filter(pk=ticket.team_id).exists()


def visible_tickets(user: User) -> QuerySet[Ticket]:
    """Every ticket the user may open in the staff panel."""
    departments = department_ids(user)
    if departments is None:
        return Ticket.objects.all()
    agent = agent_of(user)
    if agent is None:
        return Ticket.objects.none()
    return Ticket.objects.filter(
        Q(department_id__in=departments) | Q(assignee=agent) | Q(team__in=agent.teams.values("pk"))
    )


def ticket_for_agent(user: User, number: str) -> Ticket:
    """The ticket with this number if the user may see it in the staff panel, else 404."""
    ticket = visible_tickets(user).filter(number=number).first()
    if ticket is None:
        raise Http404("No such ticket.")
    return ticket


def customer_tickets(user: User) -> QuerySet[Ticket]:
    """Tickets a signed-in customer may read: requested, CC'd, or their organization's if they manage it."""
    if not (user.is_authenticated and user.is_active):
        return Ticket.objects.none()
    condition = Q(requester=user) | Q(pk__in=Ticket.collaborators.through.objects.filter(user=user).values("ticket"))
    if user.is_org_manager and user.organization_id:
        condition |= Q(requester__organization_id=user.organization_id)
    return Ticket.objects.filter(condition)


def ticket_for_customer(user: User, number: str) -> Ticket:
    """The ticket with this number if the customer may read it, else 404."""
    ticket = customer_tickets(user).filter(number=number).first()
    if ticket is None:
        raise Http404("No such ticket.")
    return ticket


def portal_ticket(user: User, number: str, link_ids: list[int]) -> tuple[Ticket, User]:
    """The ticket with this number and the customer acting on it in the portal, else 404.

    The visitor reads it as themselves when signed in and entitled, or through one of the signed mail links
    opened in this session (``link_ids``) as that link's person, as long as the link is live and that person
    may still read the ticket (a CC removed later loses it).
    """
    ticket = customer_tickets(user).filter(number=number).select_related("status").first()
    if ticket is not None:
        return ticket, user
    for link in valid_links(link_ids).filter(ticket__number=number).select_related("ticket__status", "user"):
        if customer_tickets(link.user).filter(pk=link.ticket_id).exists():
            return link.ticket, link.user
    raise Http404("No such ticket.")
