"""Which people an agent may see in the staff panel's directory and people pickers, with their ticket counts.

A customer is visible to an agent when they requested, or are in CC on, a ticket the agent may see
(``tickets.access.visible_tickets``); superusers see every customer. Agents see each other. Nothing here
reads a request: the views pass the signed-in user.
"""

from __future__ import annotations

from typing import TypedDict

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from helpdesk.accounts.models import Organization, User
from tickets.access import visible_tickets
from tickets.models import State, Ticket

SEARCH_MIN_LENGTH = 2
SEARCH_LIMIT = 20


class Person(TypedDict):
    """What the people search tells the browser about someone: nothing more."""

    id: int
    email: str
    name: str
    is_agent: bool


def sees_every_customer(user: User) -> bool:
    # The same rule as tickets.access.department_ids: active superusers see every department.
    return user.is_authenticated and user.is_active and user.is_superuser


def visible_customers(user: User) -> QuerySet[User]:
    """Customers (non-staff users) the user may look up: requesters and CCs of tickets they may see."""
    customers = User.objects.filter(is_staff=False)
    if sees_every_customer(user):
        return customers
    tickets = visible_tickets(user)
    in_cc = Ticket.collaborators.through.objects.filter(ticket__in=tickets).values("user_id")
    return customers.filter(Q(pk__in=tickets.values("requester_id")) | Q(pk__in=in_cc))


def _count(queryset: QuerySet[Ticket] | QuerySet[User], group_by: str) -> Coalesce:
    """A correlated COUNT(*) subquery over ``queryset`` grouped by ``group_by``: one query for a whole page."""
    counted = queryset.order_by().values(group_by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def with_ticket_counts(users: QuerySet[User], viewer: User) -> QuerySet[User]:
    """Annotate ``open_tickets`` and ``total_tickets``: tickets each user requested that ``viewer`` may see."""
    requested = visible_tickets(viewer).filter(requester=OuterRef("pk"))
    return users.annotate(
        open_tickets=_count(requested.filter(state=State.OPEN), "requester"),
        total_tickets=_count(requested, "requester"),
    )


def with_organization_counts(organizations: QuerySet[Organization], viewer: User) -> QuerySet[Organization]:
    """Annotate ``member_count`` (members ``viewer`` may see), ``open_tickets`` and ``total_tickets``."""
    members = visible_customers(viewer).filter(organization=OuterRef("pk"))
    requested = visible_tickets(viewer).filter(requester__organization=OuterRef("pk"))
    return organizations.annotate(
        member_count=_count(members, "organization"),
        open_tickets=_count(requested.filter(state=State.OPEN), "requester__organization"),
        total_tickets=_count(requested, "requester__organization"),
    )


def search_people(viewer: User, text: str) -> list[Person]:
    """Active agents and the customers ``viewer`` may see whose name or e-mail contains ``text``.

    Agents come first, then customers, by name; at most SEARCH_LIMIT. Shorter text finds nobody.
    """
    text = text.strip()
    if len(text) < SEARCH_MIN_LENGTH:
        return []
    agents = Q(is_staff=True, agent__isnull=False)
    customers = Q(pk__in=visible_customers(viewer).values("pk"))
    rows = (
        User.objects.filter(is_active=True)
        .filter(agents | customers)
        .filter(Q(email__icontains=text) | Q(name__icontains=text))
        .order_by("-is_staff", "name", "email")
        .values_list("pk", "email", "name", "is_staff")[:SEARCH_LIMIT]
    )
    return [Person(id=pk, email=email, name=name, is_agent=is_staff) for pk, email, name, is_staff in rows]
