"""Filters and sorting for the staff queues, on an allow-list.

No request parameter ever reaches the ORM as a field path or lookup: every filter below names its
own field, choice filters only accept their listed values, and sorting maps a few public keys to
orderings written here. Anything else in the query string is ignored (the view says so).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import django_filters
from django import forms
from django.db.models import BigIntegerField, CharField, F, QuerySet, Value
from django.db.models.expressions import OrderBy
from django.db.models.functions import Cast
from django.forms.utils import flatatt
from django.http import HttpRequest, QueryDict
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import SuffixedMultiWidget

from helpdesk.accounts.models import Agent, Department, Organization, Team, User
from tickets.access import department_ids
from tickets.models import HelpTopic, Priority, Source, Status, Ticket, TicketType
from tickets.search import search_tickets

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


class QuickSelect(forms.Select):
    """A select that writes its HTML in Python: the queue page has some 90 options, and Django's widget
    templates (one include per option and per attribute list) took a third of the page's rendering.

    The same markup as ``django/forms/widgets/select.html`` for choices without groups (which fall back to it).
    """

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        if any(group_name for group_name, _choices, _index in widget["optgroups"]):
            return super().render(name, value, attrs, renderer)
        options = format_html_join(
            "",
            '\n  <option value="{}"{}>{}</option>\n',
            (
                (str(option["value"]), flatatt(option["attrs"]), option["label"])
                for _group, choices, _index in widget["optgroups"]
                for option in choices
            ),
        )
        return format_html('<select name="{}"{}>{}\n</select>', widget["name"], flatatt(widget["attrs"]), options)


def quick_selects(form: forms.Form) -> None:
    """Render the form's plain selects with ``QuickSelect`` (same widget state, faster markup)."""
    for field in form.fields.values():
        if type(field.widget) is forms.Select:
            field.widget.__class__ = QuickSelect


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
        self.search_complete = True  # False when the search found only its newest candidates (tickets/search.py)
        for field in self.form.fields.values():
            small = (
                "form-select form-select-sm"
                if isinstance(field.widget, forms.Select)
                else "form-control form-control-sm"
            )
            field.widget.attrs.setdefault("class", small)
        quick_selects(self.form)
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
        found, self.search_complete = search_tickets(queryset, words, number=number if number.isdigit() else "")
        return found

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
    """Fill the filter bar's and the bulk form's lists (statuses, departments, agents, help topics, teams,
    organizations) from one query.

    Both forms list them; only what the widgets render comes from here, so a submitted value is still
    checked against each field's own queryset. The lists come in each model's own order.
    """
    rows: dict[str, list[ChoiceRow]] = {kind: [] for kind in _CHOICE_ROWS}
    for row in _choice_rows():
        rows[row.kind].append(row)
    ids = department_ids(user)
    departments = [(row.pk, row.name) for row in rows["department"]]
    visible = departments if ids is None else [each for each in departments if each[0] in ids]
    visible_ids = {pk for pk, _name in visible}
    topic_names = {row.pk: (row.name, row.parent) for row in rows["topic"]}
    topics = [(row.pk, _topic_label(row.pk, topic_names)) for row in rows["topic"] if row.ref in visible_ids]
    statuses = [(row.pk, row.name) for row in rows["status"]]
    agents = [(row.pk, row.name or row.extra) for row in rows["agent"]]  # Agent.__str__: the display name
    lists: list[tuple[forms.Form, str, list[tuple[int, str]]]] = [
        (filter_form, "status", statuses),
        (filter_form, "department", visible),
        (filter_form, "assignee", agents),
        (filter_form, "help_topic", topics),
        (filter_form, "team", [(row.pk, row.name) for row in rows["team"]]),
        (filter_form, "organization", [(row.pk, row.name) for row in rows["organization"]]),
        (bulk_form, "status", statuses),
        (bulk_form, "department", departments),
        (bulk_form, "agent", agents),
    ]
    for form, name, choices in lists:
        _render_choices(form.fields[name], choices)


@dataclass(frozen=True)
class ChoiceRow:
    kind: str
    pk: int
    order: int
    name: str
    extra: str
    ref: int | None
    parent: int | None


def _choice_rows() -> list[ChoiceRow]:
    """Every row of the lists, as one UNION ALL ordered per list as each model orders itself."""
    none = Cast(Value(None), BigIntegerField())  # typed: PostgreSQL reads a bare NULL in a UNION as text
    blank = Value("", output_field=CharField())

    def columns(kind: str, **values: Any) -> dict[str, Any]:
        # Prefixed: the plain names (``parent``, ``label``) are fields of some of these models.
        named = {"order": Value(0), "label": F("name"), "extra": blank, "ref": none, "parent": none, **values}
        return {"choice_kind": Value(kind, output_field=CharField()), **{f"choice_{k}": v for k, v in named.items()}}

    parts: list[QuerySet[Any]] = [
        Status.objects.annotate(**columns("status", order=F("sort_order"))).order_by(),
        Department.objects.filter(is_active=True).annotate(**columns("department")).order_by(),
        _agents(None).annotate(**columns("agent", label=F("user__name"), extra=F("user__email"))).order_by(),
        # Every topic: a parent's name is part of its children's labels.
        HelpTopic.objects.annotate(**columns("topic", ref=F("department_id"), parent=F("parent_id"))).order_by(),
        Team.objects.filter(is_active=True).annotate(**columns("team")).order_by(),
        Organization.objects.annotate(**columns("organization")).order_by(),
    ]
    fields = ("choice_kind", "pk", "choice_order", "choice_label", "choice_extra", "choice_ref", "choice_parent")
    first, *rest = (part.values_list(*fields) for part in parts)
    union = first.union(*rest, all=True).order_by("choice_kind", "choice_order", "choice_label", "pk")
    return [ChoiceRow(*row) for row in union]


_CHOICE_ROWS = ("status", "department", "agent", "topic", "team", "organization")


def _topic_label(pk: int, topics: dict[int, tuple[str, int | None]]) -> str:
    """HelpTopic.__str__ without a query: its parents' names, then its own."""
    names: list[str] = []
    seen: set[int] = set()
    current: int | None = pk
    while current is not None and current in topics and current not in seen:
        seen.add(current)
        name, current = topics[current]
        names.append(name)
    return " / ".join(reversed(names))


def _render_choices(field: forms.Field, choices: list[tuple[int, str]]) -> None:
    assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - a programming error
    empty = [("", field.empty_label)] if field.empty_label is not None else []
    field.widget.choices = [*empty, *choices]


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
