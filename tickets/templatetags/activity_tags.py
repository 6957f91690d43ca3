"""{% load activity_tags %}: the ticket's events as sentences, for templates/scp/ticket/_activity.html."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from tickets.activity import ActivityLine, activity_lines
from tickets.models import TicketEvent

register = template.Library()


@register.filter(name="activity_lines")
def activity_lines_filter(events: Iterable[TicketEvent]) -> list[ActivityLine]:
    return activity_lines(events)
