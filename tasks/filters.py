"""Filters and sorting for the task queues, on an allow-list like the ticket filters."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import OrderBy
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from helpdesk.accounts.models import Agent, Department, Team, User
from tasks.models import Task
from tickets.access import department_ids

SORTS: dict[str, tuple[str | OrderBy, ...]] = {
    "-created": ("-created_at", "-pk"),
    "created": ("created_at", "pk"),
    "due": (F("due_at").asc(nulls_last=True), "pk"),
    "-due": (F("due_at").desc(nulls_last=True), "-pk"),
    "title": ("title", "pk"),
    "-updated": ("-updated_at", "-pk"),
}
DEFAULT_SORT = "-created"
SORT_CHOICES = [
    ("-created", _("Created, newest first")),
    ("created", _("Created, oldest first")),
    ("due", _("Due date, soonest first")),
    ("-due", _("Due date, latest first")),
    ("title", _("Title, A to Z")),
    ("-updated", _("Last change, newest first")),
]
PAGE_PARAM = "page"


def _departments(request: HttpRequest | None) -> QuerySet[Department]:
    """The departments the agent has a role in (every one for superusers)."""
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        return Department.objects.none()
    ids = department_ids(user)
    departments = Department.objects.filter(is_active=True)
    return departments if ids is None else departments.filter(pk__in=ids)


class TaskFilter(django_filters.FilterSet):
    """The task queue filters. Only the filters declared here exist."""

    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=200)
    department = django_filters.ModelChoiceFilter(label=_("Department"), queryset=_departments, empty_label=_("Any"))
    assignee = django_filters.ModelChoiceFilter(
        label=_("Assignee"),
        queryset=Agent.objects.filter(user__is_active=True, user__is_staff=True).select_related("user"),
        empty_label=_("Anyone"),
    )
    team = django_filters.ModelChoiceFilter(
        label=_("Team"), queryset=Team.objects.filter(is_active=True), empty_label=_("Any")
    )
    ticket = django_filters.ChoiceFilter(
        label=_("Ticket"),
        choices=[("with", _("For a ticket")), ("without", _("On its own"))],
        method="filter_ticket",
        empty_label=_("Either"),
    )
    sort = django_filters.ChoiceFilter(label=_("Sort by"), choices=SORT_CHOICES, method="sort_by", empty_label=None)

    class Meta:
        model = Task
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs.setdefault(
                "class", "form-select form-select-sm" if select else "form-control form-control-sm"
            )
        self.form.fields["q"].widget.attrs["placeholder"] = _("Title, description, ticket number…")

    def search(self, queryset: QuerySet[Task], name: str, value: str) -> QuerySet[Task]:
        words = value.strip()
        if not words:
            return queryset
        number = words.lstrip("#").strip()
        condition = Q(title__icontains=words) | Q(body__icontains=words)
        if number.isdigit():
            condition |= Q(ticket__number=number) | Q(pk=int(number[:18]))
        return queryset.filter(condition)

    def filter_ticket(self, queryset: QuerySet[Task], name: str, value: str) -> QuerySet[Task]:
        return queryset.filter(ticket__isnull=value == "without")

    def sort_by(self, queryset: QuerySet[Task], name: str, value: str) -> QuerySet[Task]:
        return queryset.order_by(*SORTS.get(value, SORTS[DEFAULT_SORT]))

    def active(self) -> bool:
        """Whether any filter (sorting aside) holds a valid value."""
        if not self.is_bound or not self.form.is_valid():
            return False
        return any(value not in (None, "") and name != "sort" for name, value in self.form.cleaned_data.items())
