"""The customer's ticket page: the public thread, downloads, replies, close and reopen.

Every view finds the ticket through tickets.portal_session (one access check), so a number or file id that
is not the visitor's is a 404 whichever URL it arrives by.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from helpdesk.accounts.models import User
from tasks.files import serve
from tickets import services
from tickets.models import Attachment, Ticket
from tickets.portal_forms import ReplyForm
from tickets.portal_session import ticket_and_customer
from tickets.portal_thread import PUBLIC_KINDS, public_thread


def _render(request: HttpRequest, ticket: Ticket, customer: User, form: ReplyForm, status: int = 200) -> HttpResponse:
    cc = list(ticket.collaborators.order_by("name", "email"))
    context: dict[str, Any] = {
        "ticket": ticket,
        "customer": customer,
        "status_name": ticket.status.public_name,
        "thread": public_thread(ticket),
        "cc": cc,
        "form": form,
        "may_write": customer.pk == ticket.requester_id or customer in cc,
        "may_close": settings.PORTAL_CUSTOMER_CAN_CLOSE,
    }
    return render(request, "portal/ticket.html", context, status=status)


@require_GET
@never_cache
def ticket_page(request: HttpRequest, number: str) -> HttpResponse:
    """Subject, number, customer-facing status, CCs, the public thread and the reply box."""
    ticket, customer = ticket_and_customer(request, number)
    return _render(request, ticket, customer, ReplyForm())


@require_POST
def ticket_reply(request: HttpRequest, number: str) -> HttpResponse:
    """A customer message in the ticket (a closed ticket reopens)."""
    ticket, customer = ticket_and_customer(request, number)
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, ticket, customer, form, status=400)
    try:
        with transaction.atomic():
            entry = services.post_message(
                ticket=ticket, author=customer, body=form.cleaned_data["body"], attachments=form.new_attachments()
            )
    except services.TicketError as error:
        form.add_error(None, str(error))
        return _render(request, ticket, customer, form, status=400)
    messages.success(request, _("Your reply was sent."))
    return redirect(reverse("portal:ticket", args=[ticket.number]) + f"#entry-{entry.pk}")


@require_POST
def ticket_close(request: HttpRequest, number: str) -> HttpResponse:
    """The customer closes their ticket; refused while staff still have tasks open on it."""
    return _change_state(request, number, services.close_by_customer, _("Your ticket is closed."))


@require_POST
def ticket_reopen(request: HttpRequest, number: str) -> HttpResponse:
    """The customer reopens their closed ticket."""
    return _change_state(request, number, services.reopen_by_customer, _("Your ticket is open again."))


def _change_state(request: HttpRequest, number: str, move: Any, done: str) -> HttpResponse:
    ticket, customer = ticket_and_customer(request, number)
    try:
        move(ticket=ticket, customer=customer)
    except services.TicketError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect("portal:ticket", number=ticket.number)


@require_GET
@never_cache
def attachment(request: HttpRequest, number: str, pk: int) -> FileResponse:
    """A file of a public entry of a ticket the visitor may read."""
    ticket, _customer = ticket_and_customer(request, number)
    item = Attachment.objects.filter(pk=pk, entry__ticket=ticket, entry__kind__in=PUBLIC_KINDS).first()
    if item is None:
        raise Http404("No such attachment.")
    return serve_file(item)


def serve_file(item: Attachment) -> FileResponse:
    """The stored file, served like every other download (tasks.files.serve), and never kept in a cache:
    a link session may be on a shared computer."""
    response = serve(item)
    response["Cache-Control"] = "private, no-store"
    return response
