"""What the staff ticket page and its action panel need, built in one place with a fixed number of queries."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from helpdesk.accounts.models import Agent, Department, Team, User
from tickets import access
from tickets.models import Priority, Status, Ticket, TicketEvent, TicketType

PERMISSIONS: tuple[access.Permission, ...] = ("reply", "assign", "transfer", "edit", "close", "merge", "manage_tasks")


def ticket_for_page(user: User, number: str) -> Ticket:
    """The ticket (404 unless the user may see it) with everything the header shows joined in."""
    ticket = access.ticket_for_agent(user, number)
    return (
        Ticket.objects.select_related(
            "status",
            "department",
            "help_topic",
            "assignee__user",
            "team",
            "requester__organization",
            "sla",
            "merged_into",
        )
        .prefetch_related(
            "collaborators",
            "followers",
            Prefetch("related", queryset=Ticket.objects.only("number", "subject", "state")),
        )
        .get(pk=ticket.pk)
    )


def action_context(user: User, ticket: Ticket) -> dict[str, Any]:
    """Context for templates/scp/ticket/_actions.html and _activity.html."""
    role = access.role_in(user, ticket.department_id)
    assigned = access.may(user, ticket, "reply") and role is None  # assignee/team member without a role here
    perms = {name: bool(role and getattr(role, f"can_{name}")) for name in PERMISSIONS}
    perms["reply"] = perms["reply"] or assigned
    return {
        "ticket": ticket,
        "perms": perms,
        "events": TicketEvent.objects.filter(ticket=ticket).select_related("actor").order_by("at", "id"),
        "departments": Department.objects.filter(is_active=True),
        "statuses": Status.objects.all(),
        "teams": Team.objects.filter(is_active=True),
        "assignable_agents": Agent.objects.select_related("user")
        .filter(user__is_active=True)
        .filter(access__department=ticket.department_id)
        .order_by("user__name"),
        "priorities": Priority.choices,
        "types": TicketType.choices,
    }
