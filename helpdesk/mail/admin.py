"""Admin for the mailboxes Sportello polls and the messages it fetched from them.

The poller's own fields (last poll, last error) are read-only; a mailbox can be tested or polled from its
list. Fetched messages are read-only too: failed and held ones can be downloaded raw and imported again.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters

from helpdesk.mail import fetching, importing
from helpdesk.mail.models import InboundMail, Mailbox
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
        if moving and cleaned.get("protocol") == Mailbox.Protocol.POP3:
            self.add_error("after_import", _("POP3 has no folders: imported messages can only be deleted."))
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
    actions = ("test_connection", "fetch_now")

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

    @admin.action(description=_("Test the connection"))
    def test_connection(self, request: HttpRequest, queryset: QuerySet[Mailbox]) -> None:
        for mailbox in queryset:
            try:
                waiting = fetching.check_connection(mailbox)
            except (fetching.MailServerError, OSError) as error:
                self.message_user(request, f"{mailbox.name}: {error}", messages.ERROR)
                continue
            text = ngettext(
                "%(mailbox)s: connected, %(count)s message waiting.",
                "%(mailbox)s: connected, %(count)s messages waiting.",
                waiting,
            ) % {"mailbox": mailbox.name, "count": waiting}
            self.message_user(request, text, messages.SUCCESS)

    @admin.action(description=_("Fetch mail now"))
    def fetch_now(self, request: HttpRequest, queryset: QuerySet[Mailbox]) -> None:
        for mailbox in queryset.select_related("department", "help_topic"):
            report = fetching.poll(mailbox)
            self.message_user(request, str(report), messages.ERROR if report.error else messages.SUCCESS)


@admin.register(InboundMail)
class InboundMailAdmin(admin.ModelAdmin):
    list_display = ("received_at", "mailbox", "sender", "subject", "state", "reason_summary", "ticket_link")
    list_filter = ("state", "mailbox")
    list_select_related = ("mailbox", "ticket")
    search_fields = ("sender", "subject", "message_id")
    date_hierarchy = "received_at"
    actions = ("retry_import",)
    fields = (
        "received_at", "mailbox", "server_uid", "message_id", "sender", "subject", "size", "state", "reason",
        "ticket_link", "raw_download",
    )  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: InboundMail | None = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        raw = path("<int:pk>/raw/", self.admin_site.admin_view(self.raw_view), name="mail_inboundmail_raw")
        return [raw, *super().get_urls()]

    def raw_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The message as it came from the server, to open in a mail client (always a download)."""
        record = get_object_or_404(InboundMail, pk=pk)
        if not self.has_view_permission(request, record) or not record.raw:
            raise Http404
        response = HttpResponse(bytes(record.raw), content_type="message/rfc822")
        response["Content-Disposition"] = f'attachment; filename="message-{record.pk}.eml"'
        response["X-Content-Type-Options"] = "nosniff"
        return response

    @admin.display(description=_("reason"))
    def reason_summary(self, obj: InboundMail) -> str:
        return Truncator(obj.reason).chars(80)

    @admin.display(description=_("ticket"))
    def ticket_link(self, obj: InboundMail) -> str:
        if obj.ticket is None:
            return ""
        url = reverse("admin:tickets_ticket_change", args=[obj.ticket.pk])
        return format_html('<a href="{}">#{}</a>', url, obj.ticket.number)

    @admin.display(description=_("raw message"))
    def raw_download(self, obj: InboundMail) -> str:
        if not obj.raw:
            return gettext("Not kept (only failed and held messages are).")
        return format_html('<a href="{}">{}</a>', reverse("admin:mail_inboundmail_raw", args=[obj.pk]), _("Download"))

    @admin.action(description=_("Import again"))
    def retry_import(self, request: HttpRequest, queryset: QuerySet[InboundMail]) -> None:
        waiting = queryset.filter(state__in=(InboundMail.State.FAILED, InboundMail.State.HELD))
        retried = [importing.retry(record) for record in waiting]
        imported = sum(record.state == InboundMail.State.IMPORTED for record in retried)
        text = ngettext("%(count)s message imported.", "%(count)s messages imported.", imported) % {"count": imported}
        self.message_user(request, text, messages.SUCCESS if imported else messages.WARNING)
        for record in retried:
            if record.state == InboundMail.State.FAILED:
                self.message_user(request, f"{record}: {record.reason}", messages.ERROR)
