"""Tracking time: start and stop an agent's timer, or log minutes by hand, on a ticket or a task.

An agent tracks time where they may work: a ticket they may reply to, a task they may work on. Each agent
has at most one running timer; starting one stops the one before.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.accounts.models import Agent, User
from helpdesk.timetracking.models import MAX_MINUTES, TimeEntry
from tasks.models import Task
from tasks.services import may_work
from tickets import access
from tickets.models import Ticket
from tickets.services import NotAllowed, TicketError


class TimeError(TicketError):
    """A time entry the rules do not allow; the message is for the agent."""


@transaction.atomic
def start_timer(
    *, actor: User, ticket: Ticket | None = None, task: Task | None = None, at: datetime | None = None
) -> TimeEntry:
    """Start the actor's timer on the ticket or task, stopping the one they had running elsewhere."""
    agent = _worker(actor, ticket, task)
    now = at or timezone.now()
    running = _running(agent)
    if running is not None:
        if (running.ticket_id, running.task_id) == (_pk(ticket), _pk(task)):
            return running
        _stop(running, now)
    try:
        with transaction.atomic():
            return TimeEntry.objects.create(ticket=ticket, task=task, agent=agent, started_at=now, created_at=now)
    except IntegrityError:
        # The same agent started a timer in another tab a moment ago: one running timer each.
        raise TimeError(_("Another timer of yours started just now; reload the page.")) from None


@transaction.atomic
def stop_timer(*, actor: User, at: datetime | None = None) -> TimeEntry:
    """Stop the actor's running timer, rounding the time worked up to whole minutes (at least one)."""
    agent = access.agent_of(actor)
    running = _running(agent) if agent is not None else None
    if running is None:
        raise TimeError(_("You have no timer running."))
    return _stop(running, at or timezone.now())


@transaction.atomic
def log_time(
    *,
    actor: User,
    minutes: int,
    ticket: Ticket | None = None,
    task: Task | None = None,
    note: str = "",
    billable: bool = True,
    at: datetime | None = None,
) -> TimeEntry:
    """Record ``minutes`` worked (1 to a day's worth), ending ``at`` (now by default)."""
    agent = _worker(actor, ticket, task)
    if not 1 <= minutes <= MAX_MINUTES:
        raise TimeError(_("Log between 1 and %(max)s minutes.") % {"max": MAX_MINUTES})
    end = at or timezone.now()
    return TimeEntry.objects.create(
        ticket=ticket,
        task=task,
        agent=agent,
        started_at=end - timedelta(minutes=minutes),
        ended_at=end,
        minutes=minutes,
        note=note.strip()[:255],
        billable=billable,
        created_at=timezone.now(),
    )


def _worker(actor: User, ticket: Ticket | None, task: Task | None) -> Agent:
    """The actor's agent profile if they may work on the ticket or task (exactly one of them), else an error."""
    if (ticket is None) == (task is None):
        raise TimeError(_("Time is tracked on a ticket or on a task."))
    agent = access.agent_of(actor)
    if agent is None:
        raise NotAllowed(_("Only agents track time."))
    on_ticket = ticket is not None and access.may(actor, ticket, "reply")
    if not (on_ticket or (task is not None and may_work(actor, task))):
        raise NotAllowed(_("You may not work on this."))
    return agent


def _running(agent: Agent) -> TimeEntry | None:
    return TimeEntry.objects.select_for_update().filter(agent=agent, ended_at__isnull=True).first()


def _stop(entry: TimeEntry, now: datetime) -> TimeEntry:
    seconds = max((now - entry.started_at).total_seconds(), 0)
    entry.ended_at = max(now, entry.started_at)
    entry.minutes = min(max(math.ceil(seconds / 60), 1), MAX_MINUTES)
    entry.save(update_fields=["ended_at", "minutes"])
    return entry


def _pk(item: Ticket | Task | None) -> int | None:
    return item.pk if item is not None else None
