"""Ticket filters: ordered rules that route, answer or reject a new ticket before anyone reads it (osTicket's filters).

A filter has conditions (on the sender, subject, body, help topic, mailbox or source) matched all or any,
and actions applied in order. Filters run in their ``order``; one marked "stop processing" (or with a stop
action) ends the run when it matches.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.models import Priority, TicketType

REGEX_MAX_LENGTH = 200


class TicketFilter(models.Model):
    """An ordered rule applied to every new ticket from mail, the portal and the API."""

    class Match(models.TextChoices):
        ALL = "all", _("All conditions")
        ANY = "any", _("Any condition")

    name = models.CharField(_("name"), max_length=120, unique=True)
    order = models.PositiveIntegerField(_("order"), default=10, help_text=_("Lower numbers run first."))
    is_active = models.BooleanField(_("active"), default=True)
    match = models.CharField(_("match"), max_length=3, choices=Match.choices, default=Match.ALL)
    stop_processing = models.BooleanField(
        _("stop processing"), default=False, help_text=_("When this filter matches, later filters do not run.")
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("ticket filter")
        verbose_name_plural = _("ticket filters")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class FilterCondition(models.Model):
    """One test on the incoming ticket. Text comparisons ignore case."""

    class Field(models.TextChoices):
        SENDER_EMAIL = "sender_email", _("Sender e-mail address")
        SENDER_DOMAIN = "sender_domain", _("Sender domain")
        SUBJECT = "subject", _("Subject")
        BODY = "body", _("Body")
        HELP_TOPIC = "help_topic", _("Help topic (name)")
        MAILBOX = "mailbox", _("Mailbox (name or address)")
        SOURCE = "source", _("Source (web, email, api …)")

    class Operator(models.TextChoices):
        EQUALS = "equals", _("equals")
        CONTAINS = "contains", _("contains")
        NOT_CONTAINS = "not_contains", _("does not contain")
        STARTS_WITH = "starts_with", _("starts with")
        ENDS_WITH = "ends_with", _("ends with")
        REGEX = "regex", _("matches the regular expression")

    filter = models.ForeignKey(
        TicketFilter, verbose_name=_("filter"), on_delete=models.CASCADE, related_name="conditions"
    )
    field = models.CharField(_("field"), max_length=14, choices=Field.choices)
    operator = models.CharField(_("operator"), max_length=12, choices=Operator.choices, default=Operator.CONTAINS)
    value = models.CharField(_("value"), max_length=255)

    class Meta:
        verbose_name = _("condition")
        verbose_name_plural = _("conditions")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.get_field_display()} {self.get_operator_display()} {self.value}"

    def clean(self) -> None:
        from helpdesk.automation.matching import unsafe_regex_reason

        if self.operator == self.Operator.REGEX:
            reason = unsafe_regex_reason(self.value)
            if reason:
                raise ValidationError({"value": reason})


class FilterAction(models.Model):
    """What a matching filter does. Each kind uses the one field named after it."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Set department")
        PRIORITY = "priority", _("Set priority")
        TYPE = "type", _("Set type")
        TEAM = "team", _("Assign to team")
        AGENT = "agent", _("Assign to agent")
        CANNED_REPLY = "canned_reply", _("Reply with a canned response")
        COLLABORATORS = "collaborators", _("Add people to CC")
        REJECT = "reject", _("Reject (drop, no reply)")
        STOP = "stop", _("Stop processing later filters")

    filter = models.ForeignKey(TicketFilter, verbose_name=_("filter"), on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(_("action"), max_length=13, choices=Kind.choices)
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), on_delete=models.CASCADE, null=True, blank=True
    )
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, null=True, blank=True)
    ticket_type = models.CharField(_("type"), max_length=10, choices=TicketType.choices, blank=True)
    team = models.ForeignKey("accounts.Team", verbose_name=_("team"), on_delete=models.CASCADE, null=True, blank=True)
    agent = models.ForeignKey(
        "accounts.Agent", verbose_name=_("agent"), on_delete=models.CASCADE, null=True, blank=True
    )
    canned_response = models.ForeignKey(
        "faq.CannedResponse", verbose_name=_("canned response"), on_delete=models.CASCADE, null=True, blank=True
    )
    emails = models.TextField(_("e-mail addresses"), blank=True, help_text=_("For CC: one address per line."))

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(priority__isnull=True) | Q(priority__gte=1, priority__lte=4), name="filteraction_priority"
            )
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())

    # Which field each kind needs.
    REQUIRED: dict[str, str] = {
        Kind.DEPARTMENT: "department",
        Kind.PRIORITY: "priority",
        Kind.TYPE: "ticket_type",
        Kind.TEAM: "team",
        Kind.AGENT: "agent",
        Kind.CANNED_REPLY: "canned_response",
        Kind.COLLABORATORS: "emails",
    }

    def clean(self) -> None:
        needed = self.REQUIRED.get(self.kind)
        if needed and getattr(self, needed) in (None, ""):
            raise ValidationError({needed: _("This action needs a value here.")})
        for email in self.email_list():
            try:
                validate_email(email)
            except ValidationError:
                raise ValidationError({"emails": _("%(email)s is not an e-mail address.") % {"email": email}}) from None

    def email_list(self) -> list[str]:
        """The CC addresses, one per line, lower-cased, blanks dropped."""
        return [line.strip().lower() for line in self.emails.splitlines() if line.strip()]
