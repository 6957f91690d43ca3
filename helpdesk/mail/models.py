"""Mail accounts that Sportello polls for new tickets and replies."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.fields import EncryptedCharField


class Mailbox(models.Model):
    class Protocol(models.TextChoices):
        IMAP = "imap", "IMAP"
        POP3 = "pop3", "POP3"

    class Security(models.TextChoices):
        SSL = "ssl", _("SSL/TLS")
        STARTTLS = "starttls", "STARTTLS"
        NONE = "none", _("None (plain text)")

    class AfterImport(models.TextChoices):
        DELETE = "delete", _("Delete the message")
        MOVE = "move", _("Move it to a folder")

    name = models.CharField(_("name"), max_length=120, unique=True)
    email = models.EmailField(_("e-mail address"))
    protocol = models.CharField(_("protocol"), max_length=4, choices=Protocol.choices, default=Protocol.IMAP)
    host = models.CharField(_("server"), max_length=255)
    port = models.PositiveIntegerField(_("port"), default=993)
    security = models.CharField(_("security"), max_length=8, choices=Security.choices, default=Security.SSL)
    username = models.CharField(_("user name"), max_length=255)
    # Encrypted under a key derived from SECRET_KEY (helpdesk/fields.py); the column holds the encrypted form.
    password = EncryptedCharField(_("password"), max_length=2048, blank=True)
    folder = models.CharField(_("folder"), max_length=255, default="INBOX", help_text=_("IMAP only."))
    after_import = models.CharField(
        _("after import"), max_length=6, choices=AfterImport.choices, default=AfterImport.DELETE
    )
    move_to_folder = models.CharField(_("move to folder"), max_length=255, blank=True)
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="mailboxes"
    )
    help_topic = models.ForeignKey(
        "tickets.HelpTopic", verbose_name=_("help topic"), on_delete=models.SET_NULL, null=True, blank=True
    )
    is_active = models.BooleanField(_("enabled"), default=True)
    last_polled_at = models.DateTimeField(_("last poll"), null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True, editable=False)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True, editable=False)
    # The poller's lease: one poller at a time per mailbox, taken by an atomic UPDATE (see fetching.py).
    locked_until = models.DateTimeField(_("polled until"), null=True, blank=True, editable=False)
    lock_token = models.CharField(max_length=32, blank=True, editable=False)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(after_import="delete") | ~Q(move_to_folder=""), name="mailbox_move_needs_folder"
            ),
            models.CheckConstraint(condition=Q(port__gte=1, port__lte=65535), name="mailbox_port_range"),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class MailTemplate(models.Model):
    """An admin's override of one notification template (subject, text and HTML) for one language."""

    key = models.CharField(_("notification"), max_length=40, help_text=_("For example auto_response or reply."))
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=255, help_text=_("Django template syntax."))
    text = models.TextField(_("text version"), help_text=_("Django template syntax."))
    html = models.TextField(_("HTML version"), blank=True, help_text=_("Empty: made from the text version."))
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("mail template")
        verbose_name_plural = _("mail templates")
        ordering = ["key", "language"]
        constraints = [models.UniqueConstraint(fields=["key", "language"], name="mailtemplate_one_per_language")]

    def __str__(self) -> str:
        return f"{self.key} ({self.language})"


class InboundMail(models.Model):
    """One message fetched from a mailbox and what became of it. Failed and held ones keep their raw bytes.

    ``message_id`` is unique: it is what makes a message fetched twice (two pollers, a poll cut short
    before the server copy was removed, the same mail in two mailboxes) import once.
    """

    class State(models.TextChoices):
        IMPORTED = "imported", _("imported")
        DROPPED = "dropped", _("dropped")
        FAILED = "failed", _("failed")
        HELD = "held", _("held")
        TOO_LARGE = "too_large", _("left on the server (too large)")

    mailbox = models.ForeignKey(
        Mailbox, verbose_name=_("mailbox"), on_delete=models.SET_NULL, null=True, blank=True, related_name="mails"
    )
    server_uid = models.CharField(_("server id"), max_length=255, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    sender = models.CharField(_("sender"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    size = models.PositiveIntegerField(_("size"), default=0)
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    reason = models.TextField(_("reason"), blank=True)
    raw = models.BinaryField(_("raw message"), blank=True, editable=False)
    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("ticket"), on_delete=models.SET_NULL, null=True, blank=True
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now)

    class Meta:
        verbose_name = _("fetched message")
        verbose_name_plural = _("fetched messages")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["mailbox", "server_uid"], name="inboundmail_server_copy"),
            models.Index(fields=["sender", "received_at"], name="inboundmail_sender_rate"),
            models.Index(fields=["state", "-received_at"], name="inboundmail_state_list"),
        ]

    def __str__(self) -> str:
        return f"{self.sender or '?'}: {self.subject or self.message_id}"

    @property
    def removable_from_server(self) -> bool:
        """Whether the server copy may go: it is stored or deliberately dropped, not left behind as too large."""
        return self.state != self.State.TOO_LARGE
