"""Admin for the mailboxes Sportello polls. The poller's own fields (last poll, last error) are read-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters

from helpdesk.mail.models import Mailbox
from helpdesk.mail.template_admin import MailTemplateAdmin  # noqa: F401 - registers the mail template overrides


class MailboxForm(forms.ModelForm):
    # Never sent back to the browser; an empty field keeps the stored password.
    password = forms.CharField(
        label=_("Password"),
        max_length=255,
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to keep the current password."),
    )

    class Meta:
        model = Mailbox
        fields = (
            "name",
            "email",
            "department",
            "help_topic",
            "is_active",
            "protocol",
            "host",
            "port",
            "security",
            "username",
            "password",
            "folder",
            "after_import",
            "move_to_folder",
        )

    def clean_password(self) -> str:
        password: str = self.cleaned_data.get("password") or ""
        return password or self.instance.password

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        moving = cleaned.get("after_import") == Mailbox.AfterImport.MOVE
        if moving and not cleaned.get("move_to_folder"):
            self.add_error("move_to_folder", _("Name the folder to move imported messages to."))
        return cleaned

    @property
    def changed_data(self) -> list[str]:
        # The stored password is never shown, so an empty field is "unchanged", not "changed to empty".
        typed = bool(self.data.get(self.add_prefix("password")))
        return [name for name in super().changed_data if name != "password" or typed]


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    form = MailboxForm
    fieldsets = (
        (None, {"fields": ("name", "email", "department", "help_topic", "is_active")}),
        (
            _("Server"),
            {"fields": ("protocol", "host", "port", "security", "username", "password", "folder")},
        ),
        (_("After import"), {"fields": ("after_import", "move_to_folder")}),
        (_("Last poll"), {"fields": ("last_polled_at", "last_error_at", "last_error")}),
    )
    readonly_fields = ("last_polled_at", "last_error_at", "last_error")
    list_display = ("name", "email", "protocol", "host", "department", "is_active", "last_polled_at", "error_summary")
    list_filter = ("is_active", "protocol", "department")
    list_select_related = ("department",)
    search_fields = ("name", "email", "host", "username")
    autocomplete_fields = ("help_topic",)

    @method_decorator(sensitive_post_parameters("password"))
    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        return super().changeform_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("last error"), ordering="last_error_at")
    def error_summary(self, obj: Mailbox) -> str:
        if not obj.last_error:
            return ""
        when = f"{obj.last_error_at:%Y-%m-%d %H:%M} · " if obj.last_error_at else ""
        return when + Truncator(obj.last_error).chars(60)
