"""What the staff ticket page and its action panel need, built in one place with a fixed number of queries."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.http import Http404

from helpdesk.accounts.models import Agent, Department, Team, User
from tickets import access
from tickets.models import Priority, Status, Ticket, TicketEvent, TicketType

PERMISSIONS: tuple[access.Permission, ...] = ("reply", "assign", "transfer", "edit", "close", "merge", "manage_tasks")


def ticket_for_page(user: User, number: str) -> Ticket:
    """The ticket (404 unless the user may see it) with everything the header shows joined in.

    One query for the ticket, through the same ``visible_tickets`` as ``access.ticket_for_agent``; the agent's
    departments are remembered for the rest of the request (the page asks for them again).
    """
    access.remember_department_ids(user)
    tickets = (
        access.visible_tickets(user)
        # Not merged_into: a second ticket's columns in the join cost every page 2 ms, and few tickets have one.
        .select_related(
            "status",
            "department",
            "help_topic",
            "assignee__user",
            "team",
            "requester__organization",
            "sla",
        )
        .prefetch_related(
            "collaborators",
            "followers",
            Prefetch("related", queryset=Ticket.objects.only("number", "subject", "state")),
        )
    )
    try:
        return tickets.get(number=number)
    except Ticket.DoesNotExist:
        raise Http404("No such ticket.") from None


def action_context(user: User, ticket: Ticket) -> dict[str, Any]:
    """Context for templates/scp/ticket/_actions.html and _activity.html."""
    role = access.role_in(user, ticket.department_id)
    perms = {name: bool(role and getattr(role, f"can_{name}")) for name in PERMISSIONS}
    if role is None:  # an assignee or team member without a role here may still reply
        perms["reply"] = access.may(user, ticket, "reply")
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
