"""The ticket page's time panel, as an inclusion tag so the page's view needs no change (one query)."""

from __future__ import annotations

from typing import Any

from django import template

from helpdesk.timetracking.reports import ticket_totals
from tickets.access import agent_of

register = template.Library()


@register.inclusion_tag("scp/ticket/_time.html", takes_context=True)
def time_panel(context: template.Context, ticket: Any) -> dict[str, Any]:
    """Totals per agent, and my row (with my running timer); tracking needs the reply permission here."""
    user = context["request"].user
    agent = agent_of(user)
    rows = ticket_totals(ticket)
    mine = next((row for row in rows if agent is not None and row["agent_id"] == agent.pk), None)
    perms = context.get("perms") or {}
    may_track = agent is not None and bool(perms.get("reply")) and not ticket.merged_into_id
    return {
        "ticket": ticket,
        "rows": rows,
        "mine": mine,
        "may_track": may_track,
        "csrf_token": context.get("csrf_token"),
    }
