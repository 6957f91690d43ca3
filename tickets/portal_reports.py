"""Published reports: tickets an agent chose to publish, under an edited title and summary.

Only those edited fields, the customer-facing status, the help topic and the dates are read here; nothing
about the requester, the thread or the staff ever reaches the page.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tickets.models import HelpTopic, Ticket

PAGE_SIZE = 20


@require_GET
def reports(request: HttpRequest) -> HttpResponse:
    """The public list, newest first, filterable by help topic."""
    topics = HelpTopic.objects.filter(is_public=True, pk__in=Ticket.objects.filter(published=True).values("help_topic"))
    items = (
        Ticket.objects.filter(published=True, merged_into__isnull=True)
        .select_related("status", "help_topic")
        .only("pk", "public_title", "public_summary", "created_at", "closed_at", "state", "status", "help_topic")
        .order_by("-created_at", "-pk")
    )
    raw = request.GET.get("topic", "")
    chosen = int(raw) if raw.isdigit() else None
    if chosen is not None:
        items = items.filter(help_topic_id=chosen)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/reports.html", {"page": page, "topics": topics, "chosen": chosen})
