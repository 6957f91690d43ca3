"""The knowledge base: FAQ categories and entries, and canned responses for agents."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_public = models.BooleanField(_("public"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("FAQ category")
        verbose_name_plural = _("FAQ categories")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FaqQuerySet(models.QuerySet["Faq"]):
    def public(self) -> FaqQuerySet:
        """A FAQ is public only when it and its category both are."""
        return self.filter(is_public=True, category__is_public=True)


class Faq(models.Model):
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="faqs")
    question = models.CharField(_("question"), max_length=255)
    answer = models.TextField(_("answer"), help_text=_("Sanitised HTML."))
    keywords = models.CharField(_("keywords"), max_length=255, blank=True)
    is_public = models.BooleanField(_("public"), default=True)
    help_topics = models.ManyToManyField("tickets.HelpTopic", blank=True, verbose_name=_("related help topics"))
    attachments = models.ManyToManyField("tickets.Attachment", blank=True, verbose_name=_("attachments"))
    helpful_yes = models.PositiveIntegerField(_("found helpful"), default=0)
    helpful_no = models.PositiveIntegerField(_("found not helpful"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = FaqQuerySet.as_manager()

    class Meta:
        verbose_name = _("FAQ")
        verbose_name_plural = _("FAQs")
        ordering = ["question"]

    def __str__(self) -> str:
        return self.question

    @property
    def is_published(self) -> bool:
        return self.is_public and self.category.is_public


class CannedResponse(models.Model):
    """A prepared reply; its body may use variables such as {{ ticket.number }} and {{ requester.name }}."""

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"))
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        help_text=_("Leave empty for every department."),
    )
    attachments = models.ManyToManyField("tickets.Attachment", blank=True, verbose_name=_("attachments"))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("canned response")
        verbose_name_plural = _("canned responses")
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["title", "department"], name="canned_title_unique_per_department")
        ]

    def __str__(self) -> str:
        return self.title
