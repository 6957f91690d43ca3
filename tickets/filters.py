"""Filters and sorting for the staff queues, on an allow-list.

No request parameter ever reaches the ORM as a field path or lookup: every filter below names its
own field, choice filters only accept their listed values, and sorting maps a few public keys to
orderings written here. Anything else in the query string is ignored (the view says so).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import F, QuerySet
from django.db.models.expressions import OrderBy
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import SuffixedMultiWidget

from helpdesk.accounts.models import Agent, Department, Organization, Team, User
from tickets.access import department_ids
from tickets.models import HelpTopic, Priority, Source, Status, Ticket, TicketType
from tickets.search import ranked, text_condition

# Public sort key -> ORM ordering. The primary key breaks ties so that pages never overlap.
SORTS: dict[str, tuple[str | OrderBy, ...]] = {
    "-activity": ("-last_activity_at", "-pk"),
    "activity": ("last_activity_at", "pk"),
    "-created": ("-created_at", "-pk"),
    "created": ("created_at", "pk"),
    "number": ("number",),
    "-number": ("-number",),
    "subject": ("subject", "pk"),
    "-subject": ("-subject", "-pk"),
    "-priority": ("-priority", "-last_activity_at", "-pk"),
    "priority": ("priority", "-last_activity_at", "-pk"),
    "due": (F("due_at").asc(nulls_last=True), "pk"),
    "-due": (F("due_at").desc(nulls_last=True), "-pk"),
    "assignee": (F("assignee__user__name").asc(nulls_last=True), "-last_activity_at", "-pk"),
    "-assignee": (F("assignee__user__name").desc(nulls_last=True), "-last_activity_at", "-pk"),
}
DEFAULT_SORT = "-activity"
SORT_CHOICES = [
    ("-activity", _("Last activity, newest first")),
    ("activity", _("Last activity, oldest first")),
    ("-created", _("Created, newest first")),
    ("created", _("Created, oldest first")),
    ("-priority", _("Priority, most urgent first")),
    ("priority", _("Priority, lowest first")),
    ("due", _("Due date, soonest first")),
    ("-due", _("Due date, latest first")),
    ("number", _("Number, ascending")),
    ("-number", _("Number, descending")),
    ("subject", _("Subject, A to Z")),
    ("-subject", _("Subject, Z to A")),
    ("assignee", _("Assignee, A to Z")),
    ("-assignee", _("Assignee, Z to A")),
]
assert {key for key, _label in SORT_CHOICES} == set(SORTS)  # noqa: S101 - a programming error, caught at import

# Parameters that are not filters but are understood by the queue pages.
PAGE_PARAM = "page"
SORT_PARAM = "sort"


def _visible_departments(request: HttpRequest | None) -> QuerySet[Department]:
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        return Department.objects.none()
    ids = department_ids(user)
    departments = Department.objects.filter(is_active=True)
    return departments if ids is None else departments.filter(pk__in=ids)


def _visible_topics(request: HttpRequest | None) -> QuerySet[HelpTopic]:
    return HelpTopic.objects.filter(department__in=_visible_departments(request)).select_related("parent")


def _agents(request: HttpRequest | None) -> QuerySet[Agent]:
    return Agent.objects.filter(user__is_active=True, user__is_staff=True).select_related("user")


class DateInput(forms.DateInput):
    """The browser's date picker; its value is always ISO, whatever the language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class DatePickerRange(SuffixedMultiWidget):
    """Two date pickers, read as ``<name>_after`` and ``<name>_before``."""

    suffixes = ["after", "before"]

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__((DateInput, DateInput), attrs)

    def decompress(self, value: slice | None) -> list[Any]:
        return [value.start, value.stop] if value else [None, None]


class TicketFilter(django_filters.FilterSet):
    """The queue filters. Only the filters declared here exist; there is no ``Meta.fields``."""

    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=200)
    status = django_filters.ModelChoiceFilter(label=_("Status"), queryset=Status.objects.all(), empty_label=_("Any"))
    priority = django_filters.ChoiceFilter(label=_("Priority"), choices=Priority.choices, empty_label=_("Any"))
    type = django_filters.ChoiceFilter(label=_("Type"), choices=TicketType.choices, empty_label=_("Any"))
    department = django_filters.ModelChoiceFilter(
        label=_("Department"), queryset=_visible_departments, empty_label=_("Any")
    )
    help_topic = django_filters.ModelChoiceFilter(label=_("Help topic"), queryset=_visible_topics, empty_label=_("Any"))
    assignee = django_filters.ModelChoiceFilter(label=_("Assignee"), queryset=_agents, empty_label=_("Anyone"))
    team = django_filters.ModelChoiceFilter(
        label=_("Team"), queryset=Team.objects.filter(is_active=True), empty_label=_("Any")
    )
    organization = django_filters.ModelChoiceFilter(
        label=_("Organization"),
        field_name="requester__organization",
        queryset=Organization.objects.all(),
        empty_label=_("Any"),
    )
    source = django_filters.ChoiceFilter(label=_("Source"), choices=Source.choices, empty_label=_("Any"))
    created = django_filters.DateFromToRangeFilter(
        label=_("Created between"), field_name="created_at", widget=DatePickerRange()
    )
    activity = django_filters.DateFromToRangeFilter(
        label=_("Last activity between"), field_name="last_activity_at", widget=DatePickerRange()
    )
    overdue = django_filters.ChoiceFilter(
        label=_("Overdue"),
        choices=[("true", _("Yes")), ("false", _("No"))],
        method="filter_overdue",
        empty_label=_("Either"),
    )
    sort = django_filters.ChoiceFilter(label=_("Sort by"), choices=SORT_CHOICES, method="sort_by", empty_label=None)

    class Meta:
        model = Ticket
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            small = (
                "form-select form-select-sm"
                if isinstance(field.widget, forms.Select)
                else "form-control form-control-sm"
            )
            field.widget.attrs.setdefault("class", small)
        self.form.fields["q"].widget.attrs.update(
            {
                "placeholder": _("Number, subject, name…"),
                "title": _("Searches the number, the subject, the requester's name and e-mail, and the thread."),
            }
        )

    def search(self, queryset: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
        words = value.strip()
        if not words:
            return queryset
        number = words.lstrip("#").strip()
        if words.startswith("#"):
            return queryset.filter(number__startswith=number) if number.isdigit() else queryset.none()
        condition = text_condition(words, number=number if number.isdigit() else "")
        return ranked(queryset.filter(condition), words)

    def filter_overdue(self, queryset: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
        return queryset.filter(is_overdue=value == "true")

    def sort_by(self, queryset: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
        return queryset.order_by(*SORTS.get(value, SORTS[DEFAULT_SORT]))

    @classmethod
    def parameter_names(cls) -> set[str]:
        """Every query-string key these filters read (a date range reads two)."""
        names: set[str] = set()
        for name, declared in cls.base_filters.items():
            # Not ``declared.field``: building it here would cache choices computed without a request.
            widget = declared.extra.get("widget") or declared.field_class.widget
            suffixes = getattr(widget, "suffixes", None)
            if suffixes:
                names.update(f"{name}_{suffix}" for suffix in suffixes)
            else:
                names.add(name)
        return names

    def active(self) -> bool:
        """Whether any filter (sorting aside) holds a valid value."""
        if not self.is_bound:
            return False
        self.form.is_valid()
        return any(value not in (None, "", []) and name != SORT_PARAM for name, value in self.form.cleaned_data.items())


def share_choices(filter_form: forms.Form, bulk_form: forms.Form, user: User) -> None:
    """Fill the filter bar's and the bulk form's lists of statuses, departments and agents from one query each.

    Both forms list them; only what the widgets render comes from here, so a submitted value is still
    checked against each field's own queryset.
    """
    statuses = list(Status.objects.all())
    departments = list(Department.objects.filter(is_active=True))
    agents = list(_agents(None))
    ids = department_ids(user)
    visible = departments if ids is None else [each for each in departments if each.pk in ids]
    lists: list[tuple[forms.Form, str, list[Any]]] = [
        (filter_form, "status", statuses),
        (filter_form, "department", visible),
        (filter_form, "assignee", agents),
        (bulk_form, "status", statuses),
        (bulk_form, "department", departments),
        (bulk_form, "agent", agents),
    ]
    for form, name, objects in lists:
        _render_choices(form.fields[name], objects)


def _render_choices(field: forms.Field, objects: list[Any]) -> None:
    assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - a programming error
    empty = [("", field.empty_label)] if field.empty_label is not None else []
    field.widget.choices = [*empty, *((each.pk, field.label_from_instance(each)) for each in objects)]


def clean_query(data: QueryDict, *, extra: frozenset[str] = frozenset()) -> QueryDict:
    """A copy of ``data`` holding only the filter and sort keys (and ``extra``), without empty values."""
    allowed = TicketFilter.parameter_names() | extra
    kept = QueryDict(mutable=True)
    for key in data:
        if key in allowed:
            values = [value for value in data.getlist(key) if value]
            if values:
                kept.setlist(key, values)
    return kept
