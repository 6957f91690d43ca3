"""Time worked by agents on tickets and tasks: running timers and minutes logged by hand."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_MINUTES = 24 * 60  # one entry covers at most a day


class TimeEntry(models.Model):
    """Minutes an agent worked on a ticket or a task. ``ended_at`` is empty while the timer runs."""

    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="time_entries",
    )
    task = models.ForeignKey(
        "tasks.Task",
        verbose_name=_("task"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="time_entries",
    )
    # Time already worked stays on the record even if the agent's profile goes.
    agent = models.ForeignKey(
        "accounts.Agent", verbose_name=_("agent"), on_delete=models.PROTECT, related_name="time_entries"
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    minutes = models.PositiveIntegerField(_("minutes"), default=0)
    note = models.CharField(_("note"), max_length=255, blank=True)
    billable = models.BooleanField(_("billable"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        ordering = ["-started_at", "-pk"]
        indexes = [
            # The report: entries of a period, by start.
            models.Index(fields=["started_at"], name="timeentry_period"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(ticket__isnull=False) & Q(task__isnull=True))
                | (Q(ticket__isnull=True) & Q(task__isnull=False)),
                name="timeentry_ticket_or_task",
            ),
            # One running timer per agent: starting another stops the first.
            models.UniqueConstraint(
                fields=["agent"], condition=Q(ended_at__isnull=True), name="timeentry_one_running_per_agent"
            ),
            models.CheckConstraint(condition=Q(minutes__lte=MAX_MINUTES), name="timeentry_minutes_at_most_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} · {self.minutes} min"

    @property
    def is_running(self) -> bool:
        return self.ended_at is None
