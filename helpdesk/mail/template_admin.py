"""Admin for the mail template overrides: only templates that compile are saved, and each shows a preview."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.template import Template, TemplateSyntaxError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from helpdesk.mail import outbound
from helpdesk.mail.models import MailTemplate
from tickets.canned import ENGINE

# What a preview fills the variables with: the same names a real mail gets (see outbound._context).
SAMPLE: dict[str, Any] = {
    "ticket": {
        "number": "123456",
        "subject": "The printer is on fire",
        "status": "Open",
        "priority": "Normal",
        "department": "Support",
        "assignee": "Alice Agent",
        "team": "",
        "due_at": "2030-01-31 17:00 UTC",
    },
    "recipient": {"name": "Carol Customer", "email": "carol@example.com"},
    "department": {"name": "Support", "signature": "The support team"},
    "entry": {"author": "Carol Customer", "text": "It smokes.", "html": "<p>It smokes.</p>"},
    "link": "https://helpdesk.example.com/link/…/",
    "site_url": "https://helpdesk.example.com",
    "via_team": "",
}


class MailTemplateForm(forms.ModelForm):
    key = forms.ChoiceField(label=_("notification"), choices=[(key, key) for key in outbound.KEYS])

    class Meta:
        model = MailTemplate
        fields = ("key", "language", "is_active", "subject", "text", "html")

    def clean_subject(self) -> str:
        return self._compiled("subject")

    def clean_text(self) -> str:
        return self._compiled("text")

    def clean_html(self) -> str:
        return self._compiled("html")

    def _compiled(self, field: str) -> str:
        source: str = self.cleaned_data.get(field) or ""
        try:
            Template(source, engine=ENGINE)
        except TemplateSyntaxError as error:
            message = _("This template does not compile: %(error)s")
            raise forms.ValidationError(message, params={"error": error}) from None
        return source


@admin.register(MailTemplate)
class MailTemplateAdmin(admin.ModelAdmin):
    form = MailTemplateForm
    list_display = ("key", "language", "subject", "is_active", "updated_at")
    list_filter = ("key", "language", "is_active")
    search_fields = ("key", "subject", "text")
    readonly_fields = ("preview",)
    fieldsets = (
        (None, {"fields": ("key", "language", "is_active")}),
        (
            _("Template"),
            {
                "fields": ("subject", "text", "html", "preview"),
                "description": _(
                    "Variables: ticket.number, ticket.subject, ticket.status, ticket.priority, ticket.department, "
                    "ticket.assignee, ticket.due_at, recipient.name, recipient.email, department.name, "
                    "department.signature, entry.author, entry.text, entry.html, link. Write them as "
                    "{{ ticket.number }}; the if tag works too. The ticket number is added to the subject."
                ),
            },
        ),
    )

    @admin.display(description=_("preview, with sample values"))
    def preview(self, obj: MailTemplate) -> str:
        if obj.pk is None:
            return "–"
        try:
            subject, text, _html = outbound.render_override(obj, SAMPLE)
        except (TemplateSyntaxError, ValueError, TypeError, AttributeError) as error:
            return str(error)
        return format_html("<strong>{}</strong><pre>{}</pre>", subject, text)
