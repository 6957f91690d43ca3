"""Admin for API keys and agent tokens. A new key or token is shown once, right after it is created."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Model
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from helpdesk.api.models import AgentToken, ApiKey


def _show_once(request: HttpRequest, secret: str) -> None:
    messages.warning(
        request,
        _("Copy it now, it will not be shown again: %(secret)s") % {"secret": secret},
    )


class _ShownOnceAdmin(admin.ModelAdmin):
    """Draws the secret when the object is first saved and shows it in the next page's messages."""

    readonly_fields = ("prefix", "created_at", "last_used_at")

    def draw_secret(self, obj: Any) -> str:
        raise NotImplementedError

    def save_model(self, request: HttpRequest, obj: Model, form: ModelForm, change: bool) -> None:
        secret = "" if change else self.draw_secret(obj)
        super().save_model(request, obj, form, change)
        if secret:
            _show_once(request, secret)


@admin.register(ApiKey)
class ApiKeyAdmin(_ShownOnceAdmin):
    list_display = ("name", "prefix", "allowed_ips", "can_create_tickets", "can_pipe_mail", "is_active", "last_used_at")
    list_filter = ("is_active", "can_create_tickets", "can_pipe_mail")
    search_fields = ("name", "prefix")
    fields = (
        "name",
        "prefix",
        "allowed_ips",
        "help_topic",
        "mailbox",
        "can_create_tickets",
        "can_pipe_mail",
        "is_active",
        "created_at",
        "last_used_at",
    )

    def draw_secret(self, obj: ApiKey) -> str:
        return obj.set_new_key()


@admin.register(AgentToken)
class AgentTokenAdmin(_ShownOnceAdmin):
    list_display = ("name", "user", "prefix", "is_active", "last_used_at")
    list_filter = ("is_active",)
    search_fields = ("name", "prefix", "user__email", "user__name")
    autocomplete_fields = ("user",)
    fields = ("user", "name", "prefix", "is_active", "created_at", "last_used_at")

    def draw_secret(self, obj: AgentToken) -> str:
        return obj.set_new_token()
