"""Auto-close: tickets left in a waiting status (Resolved, Awaiting customer) with no activity for N days close."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from tickets import services
from tickets.models import State, Status, Ticket

log = logging.getLogger(__name__)


def due_for_closing(*, now: datetime, days: int) -> list[int]:
    """Ids of tickets in AUTO_CLOSE_STATUSES whose last activity is at least ``days`` days old."""
    closed = Status.default_for(State.CLOSED)
    return list(
        Ticket.objects.filter(
            status__name__in=settings.AUTO_CLOSE_STATUSES,
            last_activity_at__lte=now - timedelta(days=days),
            merged_into__isnull=True,
        )
        .exclude(status=closed)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def auto_close(*, now: datetime | None = None, days: int | None = None) -> int:
    """Close every ticket due for it (AUTO_CLOSE_DAYS; 0 is off); those with open tasks stay and are logged."""
    days = settings.AUTO_CLOSE_DAYS if days is None else days
    if days <= 0:
        return 0
    now = now or timezone.now()
    closed = 0
    for pk in due_for_closing(now=now, days=days):
        try:
            services.close_automatically(ticket=Ticket(pk=pk), days=days, now=now)
        except services.TicketError as error:
            log.info("Auto-close left ticket %s open: %s", pk, error)
            continue
        closed += 1
    return closed
