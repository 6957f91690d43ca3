"""Admin for time entries: corrections by administrators (agents use the ticket page)."""

from __future__ import annotations

from django.contrib import admin

from helpdesk.timetracking.models import TimeEntry


@admin.register(TimeEntry)
class TimeEntryAdmin(admin.ModelAdmin):
    list_display = ("started_at", "agent", "ticket", "task", "minutes", "billable", "ended_at")
    list_filter = ("billable",)
    list_select_related = ("agent__user", "ticket", "task")
    search_fields = ("note", "ticket__number", "agent__user__email")
    raw_id_fields = ("ticket", "task")
    autocomplete_fields = ("agent",)
    date_hierarchy = "started_at"
