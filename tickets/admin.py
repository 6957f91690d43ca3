"""Admin for tickets and their reference data.

Tickets are opened and moved through their states by ``tickets.services`` (portal, mail, API, staff panel).
Here admins may fix routing fields; everything the services derive (state, status, timestamps, counters,
merges) is read-only, and the activity log cannot be touched at all.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from helpdesk.accounts.models import User
from tickets import access, services
from tickets.html import html_to_text, sanitize_html
from tickets.links import revoke_link_ids
from tickets.models import AccessLink, Attachment, HelpTopic, SLAPlan, Status, ThreadEntry, Ticket, TicketEvent


class SanitisedHtmlForm(forms.ModelForm):
    """An admin form whose ``html_fields`` are sanitised as the staff panel's editor input is: they are shown
    with ``|safe`` (the portal's FAQ, a task's page). A ``text_field`` (read-only in the admin) is set to the
    plain text of the first."""

    html_fields: tuple[str, ...] = ()
    text_field = ""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        for name in self.html_fields:
            if cleaned.get(name):
                cleaned[name] = sanitize_html(cleaned[name]).strip()
        if self.text_field and self.html_fields:  # a read-only field: set on the instance the form saves
            setattr(self.instance, self.text_field, html_to_text(cleaned.get(self.html_fields[0]) or ""))
        return cleaned


class ReadOnlyAdminMixin:
    """Rows that only services write (activity logs): no one adds, changes or deletes them here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Status)
class StatusAdmin(admin.ModelAdmin):
    list_display = ("name", "customer_name", "state", "is_default", "sort_order")
    list_filter = ("state", "is_default")
    search_fields = ("name", "customer_name")

    def get_readonly_fields(self, request: HttpRequest, obj: Status | None = None) -> tuple[str, ...]:
        # Tickets keep a copy of their status's state; flipping it would leave them inconsistent.
        if obj is not None and Ticket.objects.filter(status=obj).exists():
            return ("state",)
        return ()


@admin.register(SLAPlan)
class SLAPlanAdmin(admin.ModelAdmin):
    list_display = ("name", "first_response_hours", "resolution_hours", "business_hours_only", "is_active")
    list_filter = ("business_hours_only", "is_active")
    search_fields = ("name",)


@admin.register(HelpTopic)
class HelpTopicAdmin(admin.ModelAdmin):
    list_display = ("__str__", "department", "priority", "sla", "team", "assignee", "is_public", "is_active")
    list_filter = ("is_public", "is_active", "department", "priority")
    list_select_related = ("parent", "department", "sla", "team", "assignee__user")
    search_fields = ("name",)
    autocomplete_fields = ("parent", "assignee")

    def get_queryset(self, request: HttpRequest) -> QuerySet[HelpTopic]:
        # The parent is part of the label, also in autocomplete answers.
        return super().get_queryset(request).select_related("parent")


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ("name", "file", "content_type", "size", "content_id", "created_at")
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ThreadEntryInline(admin.StackedInline):
    """The thread, read-only: entries are written by services. An admin may delete one (spam, a leaked secret)."""

    model = ThreadEntry
    extra = 0
    fields = ("kind", "author", "author_name", "source", "created_at", "message_id", "text", "attachment_list")
    readonly_fields = fields
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[ThreadEntry]:
        return super().get_queryset(request).select_related("author").prefetch_related("attachments")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("text"))
    def text(self, obj: ThreadEntry) -> str:
        return obj.body_text or strip_tags(obj.body)

    @admin.display(description=_("attachments"))
    def attachment_list(self, obj: ThreadEntry) -> str | None:
        return ", ".join(attachment.name for attachment in obj.attachments.all()) or None


class TicketEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = TicketEvent
    extra = 0
    fields = ("at", "kind", "actor", "data")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[TicketEvent]:
        return super().get_queryset(request).select_related("actor")


# Changes of these fields are made by services, which check the rules and write a TicketEvent.
LOGGED_FIELDS = frozenset(
    {"subject", "department", "assignee", "team", "priority", "type", "published", "public_title", "public_summary"}
)


class TicketForm(forms.ModelForm):
    class Meta:
        model = Ticket
        fields = (
            "subject",
            "requester",
            "collaborators",
            "followers",
            "department",
            "help_topic",
            "priority",
            "type",
            "assignee",
            "team",
            "sla",
            "due_at",
            "published",
            "public_title",
            "public_summary",
            "custom_fields",
        )
        help_texts = {
            "status": _("Change the status in the staff panel: closing checks open tasks and logs the change."),
            "merged_into": _("Merge in the staff panel: merging moves the thread and closes the ticket."),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        assignee, department = cleaned.get("assignee"), cleaned.get("department")
        if assignee is not None and department is not None and not access.may_work_in(assignee, department.pk):
            self.add_error("assignee", _("This agent has no role in the ticket's department."))
        return cleaned


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    form = TicketForm
    inlines = (ThreadEntryInline, TicketEventInline)
    fieldsets = (
        (None, {"fields": ("number", "subject", "requester", "collaborators", "followers")}),
        (
            _("Routing"),
            {"fields": ("department", "help_topic", "priority", "type", "assignee", "team", "sla", "due_at")},
        ),
        (
            _("State (changed through the staff panel)"),
            {
                "fields": (
                    "status",
                    "state",
                    "activity",
                    "is_answered",
                    "is_overdue",
                    "unread_count",
                    "source",
                    "merged_into",
                )
            },
        ),
        (_("Public reports"), {"fields": ("published", "public_title", "public_summary")}),
        (
            _("Dates"),
            {
                "fields": (
                    "created_at",
                    "updated_at",
                    "last_message_at",
                    "last_response_at",
                    "last_activity_at",
                    "closed_at",
                )
            },
        ),
        (_("Extra fields"), {"fields": ("custom_fields",), "classes": ("collapse",)}),
    )
    readonly_fields = (
        "number",
        "status",
        "state",
        "activity",
        "is_answered",
        "is_overdue",
        "unread_count",
        "source",
        "merged_into",
        "created_at",
        "updated_at",
        "last_message_at",
        "last_response_at",
        "last_activity_at",
        "closed_at",
    )
    list_display = (
        "number",
        "subject",
        "requester",
        "department",
        "status",
        "priority",
        "assignee",
        "last_activity_at",
    )
    list_display_links = ("number", "subject")
    list_filter = ("state", "status", "priority", "type", "department", "source", "is_overdue")
    list_select_related = ("requester", "department", "status", "assignee__user")
    search_fields = ("=number", "subject", "requester__email")
    autocomplete_fields = ("requester", "collaborators", "followers", "assignee", "help_topic")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Tickets are opened through the portal, mail, the API or the staff panel, which number them,
        # apply the help topic's routing and SLA, and log the creation.
        return False

    def save_model(self, request: HttpRequest, obj: Ticket, form: forms.ModelForm, change: bool) -> None:
        """Routing changes go through the services, so they are checked and logged like any other;
        the rest is written field by field, so a concurrent service update is not overwritten."""
        columns = {field.name for field in Ticket._meta.concrete_fields}
        plain = [name for name in form.changed_data if name in columns and name not in LOGGED_FIELDS]
        if plain:
            obj.save(update_fields=[*plain, "updated_at"])
        try:
            self._apply_logged_changes(request, obj, set(form.changed_data))
        except services.TicketError as error:
            self.message_user(request, str(error), level=messages.ERROR)
        obj.refresh_from_db()

    def _apply_logged_changes(self, request: HttpRequest, obj: Ticket, changed: set[str]) -> None:
        actor = cast(User, request.user)  # the admin site lets only signed-in superusers through
        if "department" in changed:
            services.transfer(ticket=obj, actor=actor, department=obj.department)
        if changed & {"assignee", "team"}:
            services.assign(ticket=obj, actor=actor, agent=obj.assignee, team=obj.team)
        if "priority" in changed:
            services.set_priority(ticket=obj, actor=actor, priority=obj.priority)
        if "type" in changed:
            services.set_type(ticket=obj, actor=actor, ticket_type=obj.type)
        if "subject" in changed:
            services.set_subject(ticket=obj, actor=actor, subject=obj.subject)
        if changed & {"published", "public_title", "public_summary"}:
            services.set_publication(
                ticket=obj, actor=actor, published=obj.published, title=obj.public_title, summary=obj.public_summary
            )


@admin.register(ThreadEntry)
class ThreadEntryAdmin(admin.ModelAdmin):
    """Read-only except for deletion; the body is sanitised HTML written by services."""

    inlines = (AttachmentInline,)
    list_display = ("__str__", "ticket", "kind", "author_label", "source", "created_at")
    list_filter = ("kind", "source")
    list_select_related = ("ticket", "author")
    search_fields = ("=ticket__number", "message_id", "author__email", "author_name")
    raw_id_fields = ("ticket", "author")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ThreadEntry | None = None) -> bool:
        return False

    @admin.display(description=_("author"))
    def author_label(self, obj: ThreadEntry) -> str:
        return str(obj.author) if obj.author else obj.author_name


class AttachmentForm(forms.ModelForm):
    class Meta:
        model = Attachment
        fields = ("entry", "file", "name", "content_type", "content_id")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False
        self.fields["name"].help_text = _("Leave empty to use the uploaded file's name.")

    def clean_name(self) -> str:
        upload = self.cleaned_data.get("file")
        name: str = self.cleaned_data.get("name") or ""
        if not name and upload is not None:
            name = PurePath(str(upload.name).replace("\\", "/")).name
        if not name:
            raise forms.ValidationError(_("Give the file a name."))
        return name


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    """Mostly for FAQ and canned-response files; thread attachments arrive with their messages."""

    form = AttachmentForm
    list_display = ("name", "entry", "content_type", "size", "created_at")
    list_filter = ("content_type",)
    list_select_related = ("entry",)
    search_fields = ("name", "content_id")
    readonly_fields = ("size", "created_at")
    raw_id_fields = ("entry",)

    def save_model(self, request: HttpRequest, obj: Attachment, form: forms.ModelForm, change: bool) -> None:
        if "file" in form.changed_data:
            obj.size = obj.file.size
        super().save_model(request, obj, form, change)


@admin.register(TicketEvent)
class TicketEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("at", "ticket", "kind", "actor", "summary")
    list_filter = ("kind",)
    list_select_related = ("ticket", "actor")
    search_fields = ("=ticket__number",)
    date_hierarchy = "at"

    @admin.display(description=_("details"))
    def summary(self, obj: TicketEvent) -> str:
        return Truncator(str(obj.data)).chars(80) if obj.data else ""


@admin.register(AccessLink)
class AccessLinkAdmin(admin.ModelAdmin):
    """The signed ticket links sent to customers: who may still open what, and a way to revoke them."""

    list_display = ("ticket", "user", "created_at", "expires_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at", "expires_at")
    list_select_related = ("ticket", "user")
    search_fields = ("=ticket__number", "user__email")
    readonly_fields = ("ticket", "user", "created_at", "expires_at", "last_used_at", "revoked_at")
    fields = readonly_fields
    actions = ("revoke",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # links are made for a mail; the secret is never stored to show here

    @admin.action(description=_("Revoke the selected links"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[AccessLink]) -> None:
        count = revoke_link_ids(list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request, ngettext("%(count)d link revoked.", "%(count)d links revoked.", count) % {"count": count}
        )
