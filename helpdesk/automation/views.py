"""Staff-panel views of automation: the per-ticket due-date override."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk.accounts.views import StaffRequest, staff_required
from helpdesk.automation.forms import DueDateForm
from tickets import services
from tickets.access import ticket_for_agent


@require_POST
@staff_required
def ticket_due_date(request: StaffRequest, number: str) -> HttpResponse:
    """Set the ticket's due date, or go back to its SLA plan's (agents who may edit the ticket)."""
    ticket = ticket_for_agent(request.user, number)
    form = DueDateForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
    else:
        due_at = None if form.cleaned_data["use_sla"] else form.cleaned_data["due_at"]
        try:
            services.set_due_date(ticket=ticket, actor=request.user, due_at=due_at)
        except services.TicketError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Due date saved."))
    return redirect(reverse("scp:ticket", args=[ticket.number]))
