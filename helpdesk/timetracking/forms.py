"""Forms of time tracking: logging minutes on a ticket, and the report's period."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.timetracking.models import MAX_MINUTES


class LogTimeForm(forms.Form):
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=MAX_MINUTES)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)
    billable = forms.BooleanField(label=_("Billable"), required=False)


class ReportForm(forms.Form):
    """The report's period (this month by default) and how totals over time are grouped."""

    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    unit = forms.ChoiceField(
        label=_("Totals by"),
        choices=[("day", _("Day")), ("week", _("Week")), ("month", _("Month"))],
        required=False,
    )

    def period(self) -> tuple[date, date, str]:
        """(start, end, unit) from valid input, with the defaults filled in."""
        data = self.cleaned_data if self.is_valid() else {}
        today = timezone.localdate()
        start = data.get("start") or today.replace(day=1)
        end = data.get("end") or today
        return start, max(start, end), data.get("unit") or "day"
