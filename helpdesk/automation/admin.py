"""Admin for ticket filters: conditions and actions inline, and a page that runs every filter on a sample."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

from helpdesk.automation.filters import Routing, active_filters, decide, matches, sample_for
from helpdesk.automation.forms import FilterSampleForm
from helpdesk.automation.models import FilterAction, FilterCondition, TicketFilter


class FilterConditionInline(admin.TabularInline):
    model = FilterCondition
    extra = 1
    fields = ("field", "operator", "value")


class FilterActionInline(admin.TabularInline):
    model = FilterAction
    extra = 1
    fields = ("kind", "department", "priority", "ticket_type", "team", "agent", "canned_response", "emails")
    autocomplete_fields = ("agent",)


@admin.register(TicketFilter)
class TicketFilterAdmin(admin.ModelAdmin):
    list_display = ("name", "order", "is_active", "match", "stop_processing")
    list_editable = ("order", "is_active")
    list_filter = ("is_active", "match")
    search_fields = ("name",)
    fields = ("name", "order", "is_active", "match", "stop_processing", "notes")
    inlines = (FilterConditionInline, FilterActionInline)
    change_list_template = "admin/automation/ticketfilter/change_list.html"

    def get_urls(self) -> list[URLPattern]:
        test = path("test/", self.admin_site.admin_view(self.test_view), name="automation_ticketfilter_test")
        return [test, *super().get_urls()]

    def test_view(self, request: HttpRequest) -> HttpResponse:
        """Run every enabled filter on a sample ticket and show which match and what they would do."""
        form = FilterSampleForm(request.POST or None)
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Test the ticket filters"),
            "form": form,
        }
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            sample = sample_for(
                email=data["email"],
                subject=data["subject"],
                body_text=data["body"],
                help_topic=data["help_topic"],
                mailbox=data["mailbox"],
                source=data["source"],
            )
            filters = active_filters()
            context["results"] = [(each, matches(each, sample)) for each in filters]
            context["routing"] = decide(sample, filters)
            context["outcome"] = describe(context["routing"])
        return TemplateResponse(request, "admin/automation/ticketfilter/test.html", context)


def describe(routing: Routing) -> list[str]:
    """What the routing would do to a new ticket, one line per effect, for the test page."""
    if routing.rejected_by:
        return [str(_("Rejected by %(name)s: no ticket, no reply.") % {"name": routing.rejected_by})]
    effects = [
        (routing.department, _("Department: %(value)s")),
        (routing.priority and FilterAction(priority=routing.priority).get_priority_display(), _("Priority: %(value)s")),
        (
            routing.ticket_type and FilterAction(ticket_type=routing.ticket_type).get_ticket_type_display(),
            _("Type: %(value)s"),
        ),
        (routing.team, _("Team: %(value)s")),
        (routing.agent, _("Agent: %(value)s")),
        (", ".join(canned.title for canned in routing.canned), _("Canned reply: %(value)s")),
        (", ".join(routing.cc_emails), _("CC: %(value)s")),
    ]
    return [str(label % {"value": value}) for value, label in effects if value]
