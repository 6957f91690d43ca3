"""Staff panel views. Every one of them sits behind ``staff_required``."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from helpdesk.accounts.models import Agent, User
from helpdesk.accounts.views import StaffRequest, staff_required
from tickets.access import visible_tickets
from tickets.models import State, Ticket

DEFAULT_PAGE_SIZE = 25


def open_tickets_for(user: User) -> QuerySet[Ticket]:
    """The open tickets the user may see, newest activity first, with what the list shows joined in."""
    return (
        visible_tickets(user)
        .filter(state=State.OPEN)
        .select_related("requester", "department", "status", "assignee__user")
        .order_by("-last_activity_at", "-pk")
    )


def page_size_for(user: User) -> int:
    try:
        return user.agent.page_size
    except Agent.DoesNotExist:
        return DEFAULT_PAGE_SIZE


@require_GET
@staff_required
def ticket_list(request: StaffRequest) -> HttpResponse:
    page = Paginator(open_tickets_for(request.user), page_size_for(request.user)).get_page(request.GET.get("page"))
    return render(request, "scp/tickets.html", {"page": page})
