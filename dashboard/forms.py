"""The period picker of the statistics page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dashboard.stats import DEFAULT_PERIOD, PERIODS


class PeriodForm(forms.Form):
    """Which period to show: a preset or a custom date range (read from the query string)."""

    period = forms.ChoiceField(label=_("Period"), choices=list(PERIODS.items()), initial=DEFAULT_PERIOD, required=False)
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
