"""Forms of the queue pages: bulk actions on selected tickets and saving a search."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from helpdesk.accounts.models import Agent, Department
from tickets.filters import clean_query, quick_selects
from tickets.models import Priority, SavedSearch, Status
from tickets.queues import QUEUES

MAX_BULK = 500  # the largest page an agent can ask for
NUMBER = re.compile(r"\d{1,20}")


class Action:
    ASSIGN = "assign"
    TRANSFER = "transfer"
    STATUS = "status"
    PRIORITY = "priority"
    CLOSE = "close"

    CHOICES = [
        (ASSIGN, _("Assign to")),
        (TRANSFER, _("Transfer to")),
        (STATUS, _("Set status")),
        (PRIORITY, _("Set priority")),
        (CLOSE, _("Close")),
    ]
    # The field each action needs besides the ticket numbers, and what to say when it is missing.
    NEEDS = {
        ASSIGN: ("agent", _("Choose the agent to assign the tickets to.")),
        TRANSFER: ("department", _("Choose the department to transfer the tickets to.")),
        STATUS: ("status", _("Choose the status to set.")),
        PRIORITY: ("priority", _("Choose the priority to set.")),
    }


class TicketNumbersField(forms.Field):
    """The ticket numbers ticked in a queue: digits only, at most MAX_BULK, without repeats."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[str]:
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        numbers = list(dict.fromkeys(str(each).strip().lstrip("#") for each in values))
        if not numbers:
            return []
        if len(numbers) > MAX_BULK:
            raise forms.ValidationError(_("Select at most %(count)d tickets at a time.") % {"count": MAX_BULK})
        if not all(NUMBER.fullmatch(number) for number in numbers):
            raise forms.ValidationError(_("That is not a list of ticket numbers."))
        return numbers


SMALL = {"class": "form-select form-select-sm"}


class BulkForm(forms.Form):
    """One action applied to every selected ticket; the services decide ticket by ticket."""

    action = forms.ChoiceField(label=_("Action"), choices=Action.CHOICES, widget=forms.Select(attrs=SMALL))
    numbers = TicketNumbersField(label=_("Tickets"), error_messages={"required": _("Select at least one ticket.")})
    agent = forms.ModelChoiceField(
        label=_("Assign to"),
        queryset=Agent.objects.filter(user__is_active=True, user__is_staff=True).select_related("user"),
        required=False,
        empty_label=_("Choose an agent"),
        widget=forms.Select(attrs=SMALL),
    )
    department = forms.ModelChoiceField(
        label=_("Transfer to"),
        queryset=Department.objects.filter(is_active=True),
        required=False,
        empty_label=_("Choose a department"),
        widget=forms.Select(attrs=SMALL),
    )
    status = forms.ModelChoiceField(
        label=_("New status"),
        queryset=Status.objects.all(),
        required=False,
        empty_label=_("Choose a status"),
        widget=forms.Select(attrs=SMALL),
    )
    priority = forms.TypedChoiceField(
        label=_("New priority"),
        choices=[("", _("Choose a priority")), *Priority.choices],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.Select(attrs=SMALL),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Its own ids: the filter form on the same page has fields of the same names.
        kwargs.setdefault("auto_id", "bulk_%s")
        super().__init__(*args, **kwargs)
        quick_selects(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        needed = Action.NEEDS.get(cleaned.get("action", ""))
        if needed is not None and cleaned.get(needed[0]) in (None, "") and needed[0] not in self.errors:
            self.add_error(needed[0], needed[1])
        return cleaned


class SavedSearchForm(forms.ModelForm):
    """Name the current queue and filters; ``query`` is cleaned down to the allow-listed keys."""

    query = forms.CharField(widget=forms.HiddenInput, max_length=2000, required=False)

    class Meta:
        model = SavedSearch
        fields = ["name", "is_shared", "query"]
        labels = {"name": _("Name"), "is_shared": _("Share with all agents")}

    def __init__(self, *args: Any, owner: Agent | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "save_%s")
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.fields["name"].widget.attrs.update({"placeholder": _("e.g. Urgent billing"), "maxlength": "80"})

    def clean_query(self) -> str:
        data = QueryDict(self.cleaned_data.get("query", ""), mutable=True)
        kept = clean_query(data, extra=frozenset({"queue"}))
        if kept.get("queue") not in QUEUES:
            kept.pop("queue", None)
        kept.pop("page", None)
        return kept.urlencode()

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if self.owner is not None and SavedSearch.objects.filter(owner=self.owner, name__iexact=name).exists():
            raise forms.ValidationError(_("You already have a saved search with this name."))
        return name
