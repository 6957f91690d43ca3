"""The time panels of the ticket and task pages, as inclusion tags so their views need no change (one query)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from helpdesk.accounts.models import User
from helpdesk.timetracking.reports import totals_on
from tasks.models import Task
from tickets.access import agent_of
from tickets.models import Ticket

register = template.Library()


@register.inclusion_tag("scp/ticket/_time.html", takes_context=True)
def time_panel(context: template.Context, ticket: Ticket) -> dict[str, Any]:
    """On the ticket page: tracking needs the reply permission there (``perms`` from the page)."""
    perms = context.get("perms") or {}
    may_track = bool(perms.get("reply")) and not ticket.merged_into_id
    urls = {action: reverse(f"scp:ticket_time_{action}", args=[ticket.number]) for action in ("start", "stop", "log")}
    return _panel(context, totals_on(ticket=ticket), may_track, urls)


@register.inclusion_tag("scp/ticket/_time.html", takes_context=True)
def task_time_panel(context: template.Context, task: Task) -> dict[str, Any]:
    """On the task page: tracking needs the right to work on the task (``may_work`` from the page)."""
    urls = {action: reverse(f"scp:task_time_{action}", args=[task.pk]) for action in ("start", "stop", "log")}
    return _panel(context, totals_on(task=task), bool(context.get("may_work")), urls)


def _panel(
    context: template.Context, rows: list[dict[str, Any]], may_track: bool, urls: dict[str, str]
) -> dict[str, Any]:
    """Totals per agent, and my own row (with my running timer); only agents track time."""
    user: User = context["request"].user
    agent = agent_of(user)
    mine = next((row for row in rows if agent is not None and row["agent_id"] == agent.pk), None)
    return {
        "rows": rows,
        "mine": mine,
        "may_track": may_track and agent is not None,
        "urls": urls,
        "csrf_token": context.get("csrf_token"),
    }
