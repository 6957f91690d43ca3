"""The staff panel's "+ New ticket" form: an agent opens a ticket for a customer (on the phone, say)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q, QuerySet
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from helpdesk.accounts.models import Agent, Department, Organization, User
from tickets import access
from tickets.models import HelpTopic, Priority, Source, TicketType

# The ways a ticket reaches an agent who types it in; "api" is for programs only.
STAFF_SOURCES = [(source.value, source.label) for source in (Source.PHONE, Source.STAFF, Source.EMAIL, Source.WEB)]


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files (Django's documented recipe); cleans to a list."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class TopicChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} → {obj.department}"


class AssigneeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        departments = ", ".join(department.name for department in obj.departments.all())
        return f"{obj.name} ({departments})" if departments else obj.name


class NewTicketForm(forms.Form):
    """Requester, routing, the first message and an optional assignee.

    The requester is found by e-mail; name, phone and organization are used only to create a new
    customer. ``notify_customer`` is kept in the ticket's ``custom_fields``: the e-mail channel (issue 4)
    reads it there to decide whether to send the customer a notice.
    """

    email = forms.EmailField(label=_("E-mail"), max_length=254)
    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    organization = forms.ModelChoiceField(
        label=_("Organization"), queryset=Organization.objects.order_by("name"), required=False, empty_label=_("None")
    )
    help_topic = TopicChoiceField(
        label=_("Help topic"), queryset=HelpTopic.objects.none(), required=False, empty_label=_("None")
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("From the help topic"),
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        choices=[("", _("Topic default")), *Priority.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    ticket_type = forms.ChoiceField(label=_("Type"), choices=TicketType.choices, initial=TicketType.REQUEST)
    source = forms.ChoiceField(label=_("Source"), choices=STAFF_SOURCES, initial=Source.PHONE)
    assignee = AssigneeChoiceField(
        label=_("Assign to"), queryset=Agent.objects.none(), required=False, empty_label=_("Nobody yet")
    )
    subject = forms.CharField(label=_("Subject"), max_length=255)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 8}))
    attachments = MultipleFileField(label=_("Attachments"), required=False)
    notify_customer = forms.BooleanField(label=_("Send the customer a notice"), required=False, initial=True)

    def __init__(self, *args: Any, agent: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agent = agent
        self.department_ids = access.department_ids(agent)
        topics = HelpTopic.objects.filter(is_active=True).select_related("parent", "department")
        cast(forms.ModelChoiceField, self.fields["help_topic"]).queryset = topics
        cast(forms.ModelChoiceField, self.fields["department"]).queryset = self._departments()
        cast(forms.ModelChoiceField, self.fields["assignee"]).queryset = self._assignees()
        self.fields["email"].widget.attrs.update(
            {
                "autocomplete": "off",
                "autofocus": True,
                "data-people-search": reverse("scp:people_search"),  # static/js/people.js
                "data-people-note": "requester-note",
                "data-people-agent-label": str(_("Agent")),
            }
        )
        self.fields["email"].help_text = _("Pick someone we know, or type a new address to add a customer.")
        self.fields["name"].help_text = _("Name, phone and organization are used for a new customer only.")
        limit = filesizeformat(settings.ATTACHMENT_MAX_BYTES)
        self.fields["attachments"].help_text = _("Up to %(limit)s each.") % {"limit": limit}

    def _departments(self) -> QuerySet[Department]:
        departments = Department.objects.filter(is_active=True)
        if self.department_ids is not None:
            departments = departments.filter(pk__in=self.department_ids)
        return departments.order_by("name")

    def _assignees(self) -> QuerySet[Agent]:
        agents = Agent.objects.filter(user__is_active=True, user__is_staff=True)
        if self.department_ids is not None:
            agents = agents.filter(Q(departments__in=self.department_ids) | Q(user__is_superuser=True)).distinct()
        return agents.select_related("user").prefetch_related("departments").order_by("user__name")

    def clean_email(self) -> str:
        return User.objects.normalize_email(self.cleaned_data["email"]).strip().lower()

    def clean_attachments(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data["attachments"]
        limit = settings.ATTACHMENT_MAX_BYTES
        for upload in files:
            if (upload.size or 0) > limit:
                raise forms.ValidationError(
                    _("%(name)s is %(size)s; each file may be at most %(limit)s."),
                    code="too_large",
                    params={
                        "name": upload.name,
                        "size": filesizeformat(upload.size or 0),
                        "limit": filesizeformat(limit),
                    },
                )
        return files

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        topic: HelpTopic | None = cleaned.get("help_topic")
        department: Department | None = cleaned.get("department")
        target = department or (topic.department if topic else None)
        if target is None:
            if "help_topic" not in self.errors and "department" not in self.errors:
                self.add_error("help_topic", _("Choose a help topic or a department."))
            return cleaned
        if self.department_ids is not None and target.pk not in self.department_ids:
            self.add_error(
                "department" if department else "help_topic",
                _("You have no access to the department %(department)s.") % {"department": target},
            )
            return cleaned
        assignee: Agent | None = cleaned.get("assignee")
        if assignee is not None and not access.may_work_in(assignee, target.pk):
            self.add_error(
                "assignee",
                _("%(agent)s has no access to the department %(department)s.")
                % {"agent": assignee, "department": target},
            )
        cleaned["target_department"] = target
        return cleaned
