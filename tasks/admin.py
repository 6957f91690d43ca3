"""Admin for tasks, their notes and their (read-only) activity log."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tasks.models import Task, TaskEvent, TaskNote
from tickets.admin import ReadOnlyAdminMixin, SanitisedHtmlForm


class TaskNoteForm(SanitisedHtmlForm):
    html_fields = ("body",)
    text_field = "body_text"  # what search and mail use: always the text of the HTML

    class Meta:
        model = TaskNote
        fields = "__all__"


class TaskNoteInline(admin.StackedInline):
    model = TaskNote
    form = TaskNoteForm
    extra = 0
    fields = ("author", "body", "body_text", "attachments", "created_at")
    readonly_fields = ("body_text",)
    autocomplete_fields = ("author", "attachments")


class TaskEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = TaskEvent
    extra = 0
    fields = ("at", "kind", "actor", "data")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[TaskEvent]:
        return super().get_queryset(request).select_related("actor")


class TaskForm(SanitisedHtmlForm):
    html_fields = ("body",)

    class Meta:
        model = Task
        fields = ("title", "body", "ticket", "department", "assignee", "team", "created_by", "due_at")
        help_texts = {
            "completed_at": _("Complete or reopen the task in the staff panel, which logs the change."),
        }

    def clean_ticket(self) -> Any:
        # A closed ticket has no open tasks (closing refuses them); an admin must not add one afterwards.
        ticket = self.cleaned_data.get("ticket")
        if ticket is not None and ticket.is_closed and self.instance.completed_at is None:
            raise forms.ValidationError(_("This ticket is closed: reopen it before giving it an open task."))
        return ticket


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    form = TaskForm
    inlines = (TaskNoteInline, TaskEventInline)
    fields = (
        "title",
        "body",
        "ticket",
        "department",
        "assignee",
        "team",
        "created_by",
        "due_at",
        "created_at",
        "updated_at",
        "completed_at",
    )
    readonly_fields = ("created_at", "updated_at", "completed_at")
    list_display = ("id", "title", "ticket", "department", "assignee", "due_at", "completed_at")
    list_display_links = ("id", "title")
    list_filter = (("completed_at", admin.EmptyFieldListFilter), "department")
    list_select_related = ("ticket", "department", "assignee__user")
    search_fields = ("title", "=ticket__number")
    autocomplete_fields = ("ticket", "assignee", "team", "created_by")


@admin.register(TaskNote)
class TaskNoteAdmin(admin.ModelAdmin):
    form = TaskNoteForm
    readonly_fields = ("body_text",)
    list_display = ("__str__", "task", "author", "created_at")
    list_select_related = ("task", "author")
    search_fields = ("task__title", "body_text")
    autocomplete_fields = ("task", "author", "attachments")


@admin.register(TaskEvent)
class TaskEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("at", "task", "kind", "actor")
    list_filter = ("kind",)
    list_select_related = ("task", "actor")
    search_fields = ("task__title",)
