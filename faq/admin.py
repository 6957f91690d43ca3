"""Admin for the knowledge base: FAQ categories, FAQs and canned responses."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, ManyToManyField, QuerySet
from django.forms import ModelMultipleChoiceField
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from faq.models import CannedResponse, Category, Faq
from tickets.admin import SanitisedHtmlForm
from tickets.models import HelpTopic


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "is_public", "faq_count", "created_at")
    list_filter = ("is_public",)
    search_fields = ("name", "description")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Category]:
        return super().get_queryset(request).annotate(faq_count=Count("faqs"))

    @admin.display(description=_("FAQs"), ordering="faq_count")
    def faq_count(self, obj: Category) -> int:
        return int(getattr(obj, "faq_count", 0))


class FaqForm(SanitisedHtmlForm):
    html_fields = ("answer",)

    class Meta:
        model = Faq
        fields = "__all__"


@admin.register(Faq)
class FaqAdmin(admin.ModelAdmin):
    form = FaqForm
    list_display = ("question", "category", "is_public", "helpful_yes", "helpful_no", "updated_at")
    list_filter = ("is_public", "category")
    list_select_related = ("category",)
    search_fields = ("question", "keywords")
    filter_horizontal = ("help_topics",)
    autocomplete_fields = ("attachments",)
    readonly_fields = ("helpful_yes", "helpful_no", "created_at", "updated_at")

    def formfield_for_manytomany(
        self, db_field: ManyToManyField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelMultipleChoiceField[Any] | None:
        if db_field.name == "help_topics":
            # A topic's label includes its parent: fetch it in the same query.
            kwargs["queryset"] = HelpTopic.objects.select_related("parent")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(CannedResponse)
class CannedResponseAdmin(admin.ModelAdmin):
    list_display = ("title", "department", "is_active", "updated_at")
    list_filter = ("is_active", "department")
    list_select_related = ("department",)
    search_fields = ("title", "body")
    autocomplete_fields = ("attachments",)
    readonly_fields = ("created_at", "updated_at")
