"""Helpers for the automation tests: filters built in one call."""

from __future__ import annotations

from helpdesk.automation.models import FilterAction, FilterCondition, TicketFilter


def make_filter(
    name: str,
    conditions: list[tuple[str, str, str]],
    actions: list[dict[str, object]],
    *,
    order: int = 10,
    match: str = TicketFilter.Match.ALL,
    stop_processing: bool = False,
    is_active: bool = True,
) -> TicketFilter:
    """A filter with (field, operator, value) conditions and actions given as FilterAction field values."""
    ticket_filter = TicketFilter.objects.create(
        name=name, order=order, match=match, stop_processing=stop_processing, is_active=is_active
    )
    for field, operator, value in conditions:
        FilterCondition.objects.create(filter=ticket_filter, field=field, operator=operator, value=value)
    for action in actions:
        FilterAction.objects.create(filter=ticket_filter, **action)
    return ticket_filter
