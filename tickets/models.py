"""Tickets and everything that hangs off them: statuses, topics, SLA plans, the thread and the event log."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets import reference


class State(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Priority(models.IntegerChoices):
    # The numbers are osTicket's priority ids, so its API clients map one to one.
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")


class TicketType(models.TextChoices):
    INCIDENT = "incident", _("Incident")
    PROBLEM = "problem", _("Problem")
    REQUEST = "request", _("Request")
    CHANGE = "change", _("Change")


class Source(models.TextChoices):
    WEB = "web", _("Web")
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    API = "api", _("API")
    STAFF = "staff", _("Staff")


class Activity(models.TextChoices):
    UNREAD = "unread", _("Unread")
    READ = "read", _("Read")
    AWAITING_CUSTOMER = "awaiting_customer", _("Awaiting customer")
    AWAITING_AGENT = "awaiting_agent", _("Awaiting agent")


class Status(models.Model):
    """A ticket status. Admins add their own; each is either open or closed."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    customer_name = models.CharField(
        _("name shown to customers"), max_length=60, blank=True, help_text=_("Leave empty to show the name.")
    )
    state = models.CharField(_("state"), max_length=6, choices=State.choices, default=State.OPEN)
    is_default = models.BooleanField(
        _("default for its state"), default=False, help_text=_("Used when a ticket is opened, reopened or closed.")
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("status")
        verbose_name_plural = _("statuses")
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["state"], condition=Q(is_default=True), name="status_one_default_per_state")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.state == State.CLOSED

    @property
    def public_name(self) -> str:
        return self.customer_name or self.name

    @classmethod
    def default_for(cls, state: str) -> Status:
        """The default status of ``state``: read once per batch of mail (see tickets/reference.py)."""
        return reference.remembered(("default_status", state), lambda: cls.objects.get(state=state, is_default=True))


class SLAPlan(models.Model):
    """How fast a ticket must get a first response and a resolution."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    first_response_hours = models.PositiveIntegerField(_("first response within (hours)"), null=True, blank=True)
    resolution_hours = models.PositiveIntegerField(_("resolution within (hours)"), default=48)
    business_hours_only = models.BooleanField(
        _("count business hours only"), default=False, help_text=_("Count only the working days and hours below.")
    )
    day_start = models.TimeField(_("working day starts"), default="09:00")
    day_end = models.TimeField(_("working day ends"), default="17:00")
    work_days = models.CharField(
        _("working days"), max_length=13, default="0,1,2,3,4", help_text=_("Weekday numbers, Monday is 0.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("SLA plan")
        verbose_name_plural = _("SLA plans")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(resolution_hours__gt=0), name="sla_resolution_positive"),
            models.CheckConstraint(condition=Q(day_start__lt=models.F("day_end")), name="sla_day_start_before_end"),
        ]

    def __str__(self) -> str:
        return self.name

    def due_after(self, start: datetime) -> datetime:
        """The resolution deadline for a ticket opened at ``start``."""
        if not self.business_hours_only:
            return start + timedelta(hours=self.resolution_hours)
        return self._add_business_hours(start, self.resolution_hours)

    def _add_business_hours(self, start: datetime, hours: int) -> datetime:
        tz = timezone.get_current_timezone()
        days = {int(day) for day in self.work_days.split(",") if day.strip().isdigit()} or {0, 1, 2, 3, 4}
        moment = start.astimezone(tz)
        left = timedelta(hours=hours)
        while left > timedelta(0):
            day_open = moment.replace(hour=self.day_start.hour, minute=self.day_start.minute, second=0, microsecond=0)
            day_close = moment.replace(hour=self.day_end.hour, minute=self.day_end.minute, second=0, microsecond=0)
            if moment.weekday() not in days or moment >= day_close:
                moment = (moment + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
                continue
            moment = max(moment, day_open)
            step = min(left, day_close - moment)
            moment += step
            left -= step
        return moment


class HelpTopic(models.Model):
    """What a customer picks when opening a ticket; it routes the ticket with no manual triage."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent topic"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="help_topics"
    )
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.NORMAL)
    sla = models.ForeignKey(SLAPlan, verbose_name=_("SLA plan"), on_delete=models.SET_NULL, null=True, blank=True)
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("assign to team"), on_delete=models.SET_NULL, null=True, blank=True
    )
    assignee = models.ForeignKey(
        "accounts.Agent", verbose_name=_("assign to agent"), on_delete=models.SET_NULL, null=True, blank=True
    )
    initial_status = models.ForeignKey(
        Status, verbose_name=_("initial status"), on_delete=models.SET_NULL, null=True, blank=True
    )
    fields = models.JSONField(
        _("extra fields"),
        default=list,
        blank=True,
        help_text=_('A list like [{"name": "order", "label": "Order number", "required": true}].'),
    )
    is_public = models.BooleanField(_("public"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    auto_respond = models.BooleanField(_("send auto-response"), default=True)

    class Meta:
        verbose_name = _("help topic")
        verbose_name_plural = _("help topics")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(priority__gte=1, priority__lte=4), name="helptopic_priority_range")
        ]

    def __str__(self) -> str:
        return f"{self.parent} / {self.name}" if self.parent_id else self.name


class Ticket(models.Model):
    """A request from a customer, worked by agents until it is closed."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    subject = models.CharField(_("subject"), max_length=255)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requester"), on_delete=models.PROTECT, related_name="tickets"
    )
    collaborators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("CC"), blank=True, related_name="cc_tickets"
    )
    followers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("followers"), blank=True, related_name="followed_tickets"
    )
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="tickets"
    )
    help_topic = models.ForeignKey(
        HelpTopic, verbose_name=_("help topic"), on_delete=models.SET_NULL, null=True, blank=True
    )
    status = models.ForeignKey(Status, verbose_name=_("status"), on_delete=models.PROTECT)
    # A copy of status.state so that queue queries filter and index without a join.
    state = models.CharField(_("state"), max_length=6, choices=State.choices, default=State.OPEN, editable=False)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.NORMAL)
    type = models.CharField(_("type"), max_length=10, choices=TicketType.choices, default=TicketType.REQUEST)
    assignee = models.ForeignKey(
        "accounts.Agent",
        verbose_name=_("assigned agent"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
    )
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("assigned team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
    )
    source = models.CharField(_("source"), max_length=6, choices=Source.choices, default=Source.WEB)
    sla = models.ForeignKey(SLAPlan, verbose_name=_("SLA plan"), on_delete=models.SET_NULL, null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    is_overdue = models.BooleanField(_("overdue"), default=False)
    is_answered = models.BooleanField(_("answered"), default=False)
    activity = models.CharField(_("activity"), max_length=20, choices=Activity.choices, default=Activity.UNREAD)
    unread_count = models.PositiveIntegerField(_("unread customer messages"), default=0)
    custom_fields = models.JSONField(_("extra fields"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    last_message_at = models.DateTimeField(_("last customer message"), null=True, blank=True)
    last_response_at = models.DateTimeField(_("last agent response"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), on_delete=models.PROTECT, null=True, blank=True, related_name="merged"
    )
    published = models.BooleanField(_("published"), default=False, help_text=_("Listed in the public reports."))
    public_title = models.CharField(
        _("public title"), max_length=255, blank=True, help_text=_("The title shown in the public reports.")
    )
    public_summary = models.TextField(
        _("public summary"), blank=True, help_text=_("What the public reports say, without any personal data.")
    )
    related = models.ManyToManyField("self", verbose_name=_("related tickets"), blank=True, symmetrical=True)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-last_activity_at"]
        indexes = [
            # Queues: open/closed tickets of a department, an agent or a team, newest activity first.
            models.Index(fields=["state", "department", "-last_activity_at"], name="ticket_queue_department"),
            models.Index(fields=["state", "assignee", "-last_activity_at"], name="ticket_queue_assignee"),
            models.Index(fields=["state", "team", "-last_activity_at"], name="ticket_queue_team"),
            # Every queue in its default order: covering what the visibility and queue conditions and the
            # status and priority filters read, so a deep page's keys (an OFFSET) and the capped counts are
            # index-only scans.
            models.Index(
                fields=["state", "-last_activity_at", "-id"],
                include=["department", "assignee", "team", "is_overdue", "is_answered", "status", "priority"],
                name="ticket_queue_activity",
            ),
            # The quick status filter: its page of keys and capped count read only the status's own entries.
            models.Index(
                fields=["state", "status", "-last_activity_at", "-id"],
                include=["department", "assignee", "team"],
                name="ticket_queue_status",
            ),
            # The unassigned queue: its own entries only, with what the visibility conditions read (index-only).
            models.Index(
                fields=["-last_activity_at", "-id"],
                include=["department", "assignee", "team"],
                condition=Q(state="open", assignee__isnull=True, team__isnull=True),
                name="ticket_unassigned_activity",
            ),
            # A queue sorted by creation date (either way), whatever its filters.
            models.Index(fields=["state", "-created_at"], name="ticket_queue_created"),
            # The menu's open counts: an index-only scan of the open tickets, whatever queue they are in.
            models.Index(
                fields=["department", "assignee", "team", "is_overdue", "is_answered"],
                include=["id"],
                condition=Q(state="open"),
                name="ticket_open_counts",
            ),
            # The overdue sweep and the overdue queue look only at open tickets with a due date.
            models.Index(fields=["due_at"], condition=Q(state="open"), name="ticket_open_due"),
            models.Index(fields=["requester", "-created_at"], name="ticket_requester_recent"),
            # The public reports list: published tickets, newest first.
            models.Index(fields=["-created_at"], condition=Q(published=True), name="ticket_published_recent"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(priority__gte=1, priority__lte=4), name="ticket_priority_range"),
            models.CheckConstraint(
                condition=Q(state="open", closed_at__isnull=True) | Q(state="closed", closed_at__isnull=False),
                name="ticket_closed_at_matches_state",
            ),
            models.CheckConstraint(condition=~Q(merged_into=models.F("pk")), name="ticket_not_merged_into_itself"),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.subject}"

    @property
    def is_closed(self) -> bool:
        return self.state == State.CLOSED


class ThreadEntry(models.Model):
    """One message, response or internal note in a ticket's thread."""

    class Kind(models.TextChoices):
        MESSAGE = "message", _("Message")
        RESPONSE = "response", _("Response")
        NOTE = "note", _("Internal note")

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.SET_NULL, null=True, blank=True
    )
    author_name = models.CharField(_("author name"), max_length=200, blank=True)
    body = models.TextField(_("body"), help_text=_("Sanitised HTML."))
    body_text = models.TextField(_("plain text"), blank=True)
    quoted = models.TextField(_("quoted history"), blank=True, help_text=_("Earlier mail quoted below the reply."))
    source = models.CharField(_("source"), max_length=6, choices=Source.choices, default=Source.WEB)
    message_id = models.CharField(_("e-mail Message-ID"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("thread entry")
        verbose_name_plural = _("thread entries")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="entry_ticket_thread")]
        constraints = [
            # Mail is imported once: the database refuses a second entry with the same Message-ID.
            models.UniqueConstraint(fields=["message_id"], condition=~Q(message_id=""), name="entry_message_id_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_public(self) -> bool:
        return self.kind != self.Kind.NOTE


def attachment_path(instance: Attachment, filename: str) -> str:
    """A generated name: what the sender called the file never reaches the file system."""
    today = timezone.now()
    return f"{today:%Y/%m}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A file sent with a thread entry (or a FAQ, a canned response, a task note)."""

    entry = models.ForeignKey(
        ThreadEntry,
        verbose_name=_("thread entry"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    content_type = models.CharField(_("content type"), max_length=120, default="application/octet-stream")
    content_id = models.CharField(_("content id"), max_length=255, blank=True, help_text=_("For inline images."))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    @property
    def safe_name(self) -> str:
        return PurePath(self.name.replace("\\", "/")).name or "attachment"


class TicketEvent(models.Model):
    """The activity log: who did what to a ticket and when. Statistics are computed from it."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        MESSAGE = "message", _("Customer message")
        RESPONSE = "response", _("Agent response")
        NOTE = "note", _("Internal note")
        ASSIGNED = "assigned", _("Assigned")
        TRANSFERRED = "transferred", _("Transferred")
        STATUS = "status", _("Status changed")
        PRIORITY = "priority", _("Priority changed")
        TYPE = "type", _("Type changed")
        CLOSED = "closed", _("Closed")
        REOPENED = "reopened", _("Reopened")
        MERGED = "merged", _("Merged")
        TITLE = "title", _("Subject changed")
        CC = "cc", _("CC changed")
        PUBLISHED = "published", _("Publication changed")
        OVERDUE = "overdue", _("Marked overdue")
        LINKED = "linked", _("Related tickets changed")
        REQUESTER = "requester", _("Requester changed")
        DUE = "due", _("Due date changed")

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    data = models.JSONField(_("details"), default=dict, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["ticket", "at"], name="event_ticket_log"),
            models.Index(fields=["kind", "at"], name="event_stats_by_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.at:%Y-%m-%d %H:%M}"


class SavedSearch(models.Model):
    """A named queue an agent built from filters; shared ones appear in every agent's menu."""

    owner = models.ForeignKey(
        "accounts.Agent", verbose_name=_("owner"), on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(_("name"), max_length=80)
    query = models.CharField(_("filters"), max_length=2000, help_text=_("The queue's URL query string."))
    is_shared = models.BooleanField(_("shared with all agents"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="saved_search_name_unique_per_owner")]

    def __str__(self) -> str:
        return self.name


class AccessLink(models.Model):
    """A signed link from a mail that opens one ticket in the portal for one person, until it expires or is revoked.

    Only a hash of the secret is stored, so a copy of the database opens no ticket.
    """

    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="access_links")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("for"), on_delete=models.CASCADE, related_name="access_links"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("access link")
        verbose_name_plural = _("access links")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["ticket", "user"], name="accesslink_ticket_user")]

    def __str__(self) -> str:
        return f"{self.ticket_id} → {self.user_id}"

    def is_valid(self, now: datetime | None = None) -> bool:
        """Neither revoked nor expired."""
        return self.revoked_at is None and self.expires_at > (now or timezone.now())
