"""The daily rollup the dashboard reads, so that its cost follows the period shown and not the whole history.

Each row is what one finished day added up to in one department, for one value of one ticket attribute
(help topic, agent, team, source, priority, organization) as it was when the day was rolled up. Today is
never stored: it is computed from the events on the fly. ``dashboard.jobs.roll_up_days`` (beat) fills finished days.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DailyCount(models.Model):
    """How many of each countable event one day had in one department, for one value of one ticket attribute.

    Every event is counted once per dimension (department, help topic, agent, team, source, priority,
    organization), so the rows of one dimension add up to the day's totals; ``key`` is the attribute's value
    (a primary key or a choice) as it was when the day was rolled up, empty for none.
    """

    day = models.DateField(_("day"))
    department_id = models.IntegerField(_("department"))
    dimension = models.CharField(_("dimension"), max_length=12, default="department")
    key = models.CharField(_("value"), max_length=20, blank=True)
    opened = models.PositiveIntegerField(_("opened"), default=0)
    assigned = models.PositiveIntegerField(_("assigned"), default=0)
    closed = models.PositiveIntegerField(_("closed"), default=0)
    reopened = models.PositiveIntegerField(_("reopened"), default=0)
    overdue = models.PositiveIntegerField(_("overdue"), default=0)
    responses = models.PositiveIntegerField(_("responses"), default=0)

    class Meta:
        verbose_name = _("daily count")
        verbose_name_plural = _("daily counts")
        # Every dashboard query reads one dimension over a range of days, usually within some departments.
        indexes = [models.Index(fields=["dimension", "day", "department_id"], name="dailycount_dimension_period")]

    def __str__(self) -> str:
        return f"{self.day} · {self.dimension}={self.key}"


class Duration(models.Model):
    """One first response or one resolution: how long it took (business or wall seconds) and when it happened."""

    class Kind(models.TextChoices):
        FIRST_RESPONSE = "first_response", _("First response")
        RESOLUTION = "resolution", _("Resolution")

    day = models.DateField(_("day"))
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    ticket_id = models.IntegerField(_("ticket"))
    department_id = models.IntegerField(_("department"))
    seconds = models.FloatField(_("seconds"))
    # Agent responses the ticket had received when it was resolved (resolutions only).
    replies = models.PositiveIntegerField(_("replies"), default=0)

    class Meta:
        verbose_name = _("duration")
        verbose_name_plural = _("durations")
        indexes = [models.Index(fields=["kind", "day", "department_id"], name="duration_period")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.day}"


class RolledDay(models.Model):
    """A day whose figures are stored above; days without one are computed from the events when shown."""

    day = models.DateField(_("day"), primary_key=True)
    rolled_at = models.DateTimeField(_("rolled up"), auto_now=True)

    class Meta:
        verbose_name = _("rolled-up day")
        verbose_name_plural = _("rolled-up days")

    def __str__(self) -> str:
        return str(self.day)
