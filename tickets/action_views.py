"""Actions on one ticket from the staff panel's action panel, plus its print view and activity log.

Each change is a POST that parses a small form, calls one service and goes back to the ticket page
with a success message, or with the service's own refusal when the rules say no.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from helpdesk.accounts.views import StaffRequest, staff_required
from tickets import services
from tickets.access import agent_of, ticket_for_agent, visible_tickets
from tickets.action_forms import (
    AssignForm,
    CollaboratorForm,
    MergeForm,
    PersonForm,
    PriorityForm,
    StatusForm,
    SubjectForm,
    TicketNumberForm,
    TransferForm,
    TypeForm,
    first_error,
)
from tickets.models import Attachment, Priority, ThreadEntry, Ticket, TicketType
from tickets.ticket_context import action_context, ticket_for_page


def ticket_url(number: str) -> str:
    return reverse("scp:ticket", args=[number])


def _apply(
    request: StaffRequest,
    ticket: Ticket,
    change: Callable[[], object],
    success: str,
    *,
    then: Callable[[], str] | None = None,
) -> HttpResponseRedirect:
    """Run one change in a transaction and go back to the ticket (or to ``then()``), saying how it went."""
    try:
        with transaction.atomic():
            change()
    except services.TicketError as error:
        messages.error(request, str(error))
        return redirect(ticket_url(ticket.number))
    messages.success(request, success)
    return redirect(then() if then else ticket_url(ticket.number))


def _ticket_or_queue(request: StaffRequest, ticket: Ticket) -> Callable[[], str]:
    """Back to the ticket, or to the ticket list when the change took it out of the agent's sight."""

    def where() -> str:
        if visible_tickets(request.user).filter(pk=ticket.pk).exists():
            return ticket_url(ticket.number)
        return reverse("scp:tickets")

    return where


def _refuse(request: StaffRequest, ticket: Ticket, message: str) -> HttpResponseRedirect:
    messages.error(request, message)
    return redirect(ticket_url(ticket.number))


def _other_ticket(request: StaffRequest, number: str) -> Ticket | None:
    """Another ticket named in a form, if the agent may see it (``None`` hides whether it exists)."""
    try:
        return ticket_for_agent(request.user, number)
    except Http404:
        return None


def _no_such_ticket(number: str) -> str:
    return _("There is no ticket #%(number)s you can see.") % {"number": number}


# --- assignment and routing -------------------------------------------------------------------


@require_POST
@staff_required
def ticket_assign(request: StaffRequest, number: str) -> HttpResponse:
    ticket = ticket_for_agent(request.user, number)
    form = AssignForm(request.POST)
    if not form.is_valid():
        return _refuse(request, ticket, first_error(form))
    agent, team = form.cleaned_data["agent"], form.cleaned_data["team"]
    if agent and team:
        done = _("Assigned to %(agent)s (team %(team)s).") % {"agent": agent, "team": team}
    elif agent or team:
        done = _("Assigned to %(name)s.") % {"name": agent or team}
    else:
        done = _("The ticket is now unassigned.")
    return _apply(
        request,
        ticket,
        lambda: services.assign(ticket=ticket, actor=request.user, agent=agent, team=team),
        done,
        then=_ticket_or_queue(request, ticket),
    )


@require_POST
@staff_required
def ticket_claim(request: StaffRequest, number: str) -> HttpResponse:
    ticket = ticket_for_agent(request.user, number)
    agent = agent_of(request.user)
    if agent is None:
        return _refuse(request, ticket, _("Only agents can take charge of tickets; you have no agent profile."))
    return _apply(
        request,
        ticket,
        lambda: services.assign(ticket=ticket, actor=request.user, agent=agent),
        _("You are now in charge of this ticket."),
    )


@require_POST
@staff_required
def ticket_transfer(request: StaffRequest, number: str) -> HttpResponse:
    ticket = ticket_for_agent(request.user, number)
    form = TransferForm(request.POST)
    if not form.is_valid():
        return _refuse(request, ticket, first_error(form))
    department = form.cleaned_data["department"]
    return _apply(
        request,
        ticket,
        lambda: services.transfer(ticket=ticket, actor=request.user, department=department),
        _("Transferred to %(department)s.") % {"department": department},
        then=_ticket_or_queue(request, ticket),
    )


# --- status, priority, type, subject ----------------------------------------------------------


@require_POST
@staff_required
def ticket_status(request: StaffRequest, number: str) -> HttpResponse:
    ticket = ticket_for_agent(request.user, number)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _refuse(request, ticket, first_error(form))
    status = form.cleaned_data["status"]
    return _apply(
        request,
        ticket,
        lambda: services.set_status(ticket=ticket, actor=request.user, status=status),
        _("Status set to %(status)s.") % {"status": status},
    )


@require_POST
@staff_required
def ticket_priority(request: StaffRequest, number: str) -> HttpResponse:
    ticket = ticket_for_agent(request.user, number)
    form = PriorityForm(request.POST)
    if not form.is_valid():
        return _refuse(request, ticket, first_error(form))
    priority = form.cleaned_data["priority"]
    return _apply(
        request,
        ticket,
        lambda: services.set_priority(ticket=ticket, actor=request.user, priority=priority),
        _("Priority set to %(priority)s.") % {"priority": Priority(priority).label},
    )


@require_POST
@staff_required
def ticket_type(request: StaffRequest, number: str) -> HttpResponse:
    ticket = ticket_for_agent(request.user, number)
    form = TypeForm(request.POST)
    if not form.is_valid():
        return _refuse(request, ticket, first_error(form))
    ticket_type = form.cleaned_data["type"]
    return _apply(
        request,
        ticket,
        lambda: services.set_type(ticket=ticket, actor=request.user, ticket_type=ticket_type),
        _("Type set to %(type)s.") % {"type": TicketType(ticket_type).label},
    )


@require_POST
@staff_required
def ticket_subject(request: StaffRequest, number: str) -> HttpResponse:
    ticket = ticket_for_agent(request.user, number)
    form = SubjectForm(request.POST)
    if not form.is_valid():
        return _refuse(request, ticket, first_error(form))
    subject = form.cleaned_data["subject"]
    return _apply(
        request,
        ticket,
        lambda: services.set_subject(ticket=ticket, actor=request.user, subject=subject),
        _("Subject changed."),
    )


# --- people -----------------------------------------------------------------------------------


@require_POST
@staff_required
def ticket_requester(request: StaffRequest, number: str) -> HttpResponse:
    ticket = ticket_for_agent(request.user, number)
    form = PersonForm(request.POST)
    if not form.is_valid():
        return _refuse(request, ticket, first_error(form))
    return _apply(
        request,
        ticket,
        lambda: services.set_requester(ticket=ticket, actor=request.user, requester=form.person()),
        _("The requester is now %(email)s; the previous one stays in CC.") % {"email": form.cleaned_data["email"]},
    )


@require_POST
@staff_required
def ticket_cc_add(request: StaffRequest, number: str) -> HttpResponse:
    ticket = ticket_for_agent(request.user, number)
    form = PersonForm(request.POST)
    if not form.is_valid():
        return _refuse(request, ticket, first_error(form))
    return _apply(
        request,
        ticket,
        lambda: services.add_collaborator(ticket=ticket, actor=request.user, user=form.person()),
        _("%(email)s is in CC.") % {"email": form.cleaned_data["email"]},
    )


@require_POST
@staff_required
def ticket_cc_remove(request: StaffRequest, number: str) -> HttpResponse:
    ticket = ticket_for_agent(request.user, number)
    form = CollaboratorForm(request.POST)
    if not form.is_valid():
        return _refuse(request, ticket, first_error(form))
    # Only people already in CC are looked up: an id never reveals anyone else's address.
    person = ticket.collaborators.filter(pk=form.cleaned_data["user"]).first()
    if person is None:
        return _refuse(request, ticket, _("That person is not in CC."))
    return _apply(
        request,
        ticket,
        lambda: services.remove_collaborator(ticket=ticket, actor=request.user, user=person),
        _("%(email)s was removed from CC.") % {"email": person.email},
    )


# --- other tickets ----------------------------------------------------------------------------


@require_POST
@staff_required
def ticket_merge(request: StaffRequest, number: str) -> HttpResponse:
    ticket = ticket_for_agent(request.user, number)
    form = MergeForm(request.POST)
    if not form.is_valid():
        return _refuse(request, ticket, first_error(form))
    target = _other_ticket(request, form.cleaned_data["number"])
    if target is None:
        return _refuse(request, ticket, _no_such_ticket(form.cleaned_data["number"]))
    return _apply(
        request,
        ticket,
        lambda: services.merge(ticket=ticket, into=target, actor=request.user),
        _("Ticket #%(number)s was merged into this one.") % {"number": ticket.number},
        then=lambda: ticket_url(target.number),
    )


@require_POST
@staff_required
def ticket_link(request: StaffRequest, number: str) -> HttpResponse:
    ticket = ticket_for_agent(request.user, number)
    form = TicketNumberForm(request.POST)
    if not form.is_valid():
        return _refuse(request, ticket, first_error(form))
    other = _other_ticket(request, form.cleaned_data["number"])
    if other is None:
        return _refuse(request, ticket, _no_such_ticket(form.cleaned_data["number"]))
    return _apply(
        request,
        ticket,
        lambda: services.link_tickets(ticket=ticket, other=other, actor=request.user),
        _("Linked with ticket #%(number)s.") % {"number": other.number},
    )


@require_POST
@staff_required
def ticket_unlink(request: StaffRequest, number: str) -> HttpResponse:
    ticket = ticket_for_agent(request.user, number)
    form = TicketNumberForm(request.POST)
    if not form.is_valid():
        return _refuse(request, ticket, first_error(form))
    other = _other_ticket(request, form.cleaned_data["number"])
    if other is None:
        return _refuse(request, ticket, _no_such_ticket(form.cleaned_data["number"]))
    return _apply(
        request,
        ticket,
        lambda: services.unlink_tickets(ticket=ticket, other=other, actor=request.user),
        _("Ticket #%(number)s is no longer linked.") % {"number": other.number},
    )


# --- print, activity, delete ------------------------------------------------------------------


@require_GET
@staff_required
def ticket_print(request: StaffRequest, number: str) -> HttpResponse:
    ticket = ticket_for_page(request.user, number)
    entries = ThreadEntry.objects.filter(ticket=ticket).prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.only("pk", "entry_id", "name", "size"))
    )
    context = {"ticket": ticket, "entries": entries, "printed_at": timezone.now()}
    return render(request, "scp/ticket_print.html", context)


@require_GET
@staff_required
def ticket_activity(request: StaffRequest, number: str) -> HttpResponse:
    ticket = ticket_for_page(request.user, number)
    context = action_context(request.user, ticket)
    # htmx asks for the list alone to refresh the ticket page's Activity tab in place.
    template = "scp/ticket/_activity.html" if request.headers.get("HX-Request") else "scp/ticket_activity.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@staff_required
def ticket_delete(request: StaffRequest, number: str) -> HttpResponse:
    ticket = ticket_for_agent(request.user, number)
    if not request.user.is_superuser:
        raise PermissionDenied
    if request.method == "POST":
        return _apply(
            request,
            ticket,
            lambda: services.delete_ticket(ticket=ticket, actor=request.user),
            _("Ticket #%(number)s was deleted.") % {"number": ticket.number},
            then=lambda: reverse("scp:tickets"),
        )
    context = {
        "ticket": ticket_for_page(request.user, number),
        "entry_count": ThreadEntry.objects.filter(ticket=ticket).count(),
        "task_count": ticket.tasks.count(),
        "merged": Ticket.objects.filter(merged_into=ticket).values_list("number", flat=True),
    }
    return render(request, "scp/ticket_delete.html", context)
