"""The customer's ticket page and its downloads. Every view goes through tickets.portal_session."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tickets.models import Attachment
from tickets.portal_session import ticket_and_customer
from tickets.portal_thread import PUBLIC_KINDS, public_thread
from tickets.thread import is_inline_image, media_type


@require_GET
@never_cache
def ticket_page(request: HttpRequest, number: str) -> HttpResponse:
    """Subject, number, customer-facing status, CCs and the public thread."""
    ticket, customer = ticket_and_customer(request, number)
    context = {
        "ticket": ticket,
        "customer": customer,
        "status_name": ticket.status.public_name,
        "thread": public_thread(ticket),
        "cc": list(ticket.collaborators.order_by("name", "email")),
    }
    return render(request, "portal/ticket.html", context)


@require_GET
@never_cache
def attachment(request: HttpRequest, number: str, pk: int) -> FileResponse:
    """A file of a public entry of a ticket the visitor may read; only plain raster images open inline."""
    ticket, _customer = ticket_and_customer(request, number)
    item = Attachment.objects.filter(pk=pk, entry__ticket=ticket, entry__kind__in=PUBLIC_KINDS).first()
    if item is None:
        raise Http404("No such attachment.")
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing.") from None
    inline = is_inline_image(item)
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=item.safe_name,
        content_type=media_type(item) if inline else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
