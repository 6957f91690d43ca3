"""+ New ticket: an agent opens a ticket on a customer's behalf, finding or adding the customer by e-mail."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from helpdesk.accounts.models import User
from helpdesk.accounts.views import StaffRequest, staff_required
from tickets import services
from tickets.models import Ticket
from tickets.new_ticket_forms import NewTicketForm


@require_http_methods(["GET", "POST"])
@staff_required
def ticket_new(request: StaffRequest) -> HttpResponse:
    posted = request.method == "POST"
    form = NewTicketForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        agent=request.user,
        initial={"email": request.GET.get("email", "")},  # "New ticket" from a user's page
    )
    if posted and form.is_valid():
        try:
            ticket = open_for_customer(actor=request.user, data=form.cleaned_data)
        except services.TicketError as error:
            # The form stays filled in: a redirect would lose what the agent typed.
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Ticket #%(number)s was opened.") % {"number": ticket.number})
            return redirect(reverse("scp:ticket", args=[ticket.number]))
    return render(request, "scp/ticket_new.html", {"form": form})


@transaction.atomic
def open_for_customer(*, actor: User, data: dict[str, Any]) -> Ticket:
    """Open the ticket (and assign it) in one transaction: a refused assignment leaves no ticket behind."""
    ticket = services.open_ticket(
        requester=requester_for(data),
        actor=actor,
        subject=data["subject"],
        body=data["body"],
        department=data["department"],
        help_topic=data["help_topic"],
        source=data["source"],
        priority=data["priority"],
        ticket_type=data["ticket_type"],
        attachments=[
            services.NewAttachment(
                name=upload.name or "attachment",
                content=upload.read(),
                content_type=upload.content_type or "application/octet-stream",
            )
            for upload in data["attachments"]
        ],
        custom_fields={"notify_customer": data["notify_customer"]},
    )
    if data["assignee"] is not None:
        # Keep a team the help topic chose; an inactive one would make the service refuse the assignment.
        team = ticket.team if ticket.team is not None and ticket.team.is_active else None
        services.assign(ticket=ticket, actor=actor, agent=data["assignee"], team=team)
    return ticket


def requester_for(data: dict[str, Any]) -> User:
    """The user with this e-mail address, or a new customer (no password: they never signed in)."""
    return User.objects.customer(
        data["email"], name=data["name"], phone=data["phone"], organization=data["organization"]
    )
