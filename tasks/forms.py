"""Forms of the task pages: a new task, its edit, its assignment and a note with files."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from helpdesk.accounts.models import Agent, Department, DepartmentAccess, Team, User
from tickets.access import agent_of
from tickets.reply_forms import MultipleFileField
from tickets.services import NewAttachment


class DueInput(forms.DateTimeInput):
    """The browser's date-and-time picker (its value is always ISO)."""

    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(attrs={"class": "form-control form-control-sm"}, format="%Y-%m-%dT%H:%M")


def task_departments(user: User) -> QuerySet[Department]:
    """Departments where the user may create tasks (a role that manages tasks there, or superuser)."""
    departments = Department.objects.filter(is_active=True)
    if user.is_superuser:
        return departments
    agent = agent_of(user)
    allowed = DepartmentAccess.objects.filter(agent=agent, role__can_manage_tasks=True).values("department")
    return departments.filter(pk__in=allowed)


def _agents() -> QuerySet[Agent]:
    return Agent.objects.filter(user__is_active=True, user__is_staff=True).select_related("user").order_by("user__name")


class AssignFields(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Agent"), queryset=_agents(), required=False, empty_label="—")
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.filter(is_active=True), required=False, empty_label="—"
    )


class TaskEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    body = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    due_at = forms.DateTimeField(label=_("Due"), required=False, widget=DueInput())


class NewTaskForm(TaskEditForm, AssignFields):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none())

    field_order = ["title", "body", "department", "assignee", "team", "due_at"]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["department"]).queryset = task_departments(user)


class LimitedFilesField(MultipleFileField):
    """Any number of files, each within ATTACHMENT_MAX_BYTES."""

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = super().clean(data, initial)
        limit = settings.ATTACHMENT_MAX_BYTES
        for upload in files:
            if (upload.size or 0) > limit:
                raise ValidationError(
                    _("%(name)s is larger than the %(limit)s MB allowed."),
                    params={"name": upload.name, "limit": limit // (1024 * 1024)},
                    code="too_large",
                )
        return files


class NoteForm(forms.Form):
    body = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    attachments = LimitedFilesField(label=_("Attachments"), required=False)

    def new_attachments(self) -> list[NewAttachment]:
        return uploads_to_attachments(self.cleaned_data["attachments"])


def uploads_to_attachments(files: list[UploadedFile]) -> list[NewAttachment]:
    """Uploaded files as the services take them."""
    return [
        NewAttachment(
            name=upload.name or "attachment",
            content=upload.read(),
            content_type=upload.content_type or "application/octet-stream",
        )
        for upload in files
    ]
