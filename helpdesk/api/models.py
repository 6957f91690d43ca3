"""API credentials: keys for osTicket-style clients, and per-agent tokens for the JSON API."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.api import networks, tokens


def validate_networks(value: str) -> None:
    """Every item is an IP address or a CIDR range, and there is at least one."""
    try:
        parsed = networks.parse_networks(value)
    except ValueError as error:
        raise ValidationError(_("Not an IP address or range: %(error)s"), params={"error": error}) from None
    if not parsed:
        raise ValidationError(_("Give at least one address; 0.0.0.0/0 and ::/0 allow any."))


class ApiKey(models.Model):
    """What an osTicket-style client sends in ``X-API-Key``, bound to the addresses it may call from."""

    name = models.CharField(_("name"), max_length=100, help_text=_("Who uses this key, e.g. the web form."))
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("key starts with"), max_length=20, editable=False)
    allowed_ips = models.TextField(
        _("allowed client addresses"),
        validators=[validate_networks],
        help_text=_("One address (192.0.2.10) or range (192.0.2.0/24, 2001:db8::/32) per line."),
    )
    help_topic = models.ForeignKey(
        "tickets.HelpTopic",
        verbose_name=_("default help topic"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text=_("Routes tickets whose request names no topicId."),
    )
    mailbox = models.ForeignKey(
        "mail.Mailbox",
        verbose_name=_("mailbox for piped mail"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text=_(
            "Mail piped to /api/tickets.email is routed as if fetched from this mailbox. A mailbox used only for "
            "piping can stay inactive, so that nothing polls it."
        ),
    )
    can_create_tickets = models.BooleanField(_("may create tickets"), default=True)
    can_pipe_mail = models.BooleanField(_("may pipe e-mail"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def set_new_key(self) -> str:
        """Draw a new key, keep its hash and prefix, and return it (the only time it is readable)."""
        secret = tokens.draw()
        self.key_hash, self.prefix = secret.digest, secret.prefix
        return secret.value

    def allows(self, address: str) -> bool:
        """Whether a request from ``address`` may use this key."""
        return networks.address_in(address, networks.parse_networks(self.allowed_ips))


class AgentToken(models.Model):
    """A bearer token for the JSON API: it acts as its agent, with exactly the agent's permissions."""

    TOKEN_START = "spt_"  # noqa: S105 (a visible marker, not a secret)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
        limit_choices_to={"is_staff": True},
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for, e.g. the CRM sync."))
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("token starts with"), max_length=20, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("agent API token")
        verbose_name_plural = _("agent API tokens")
        ordering = ["user", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def set_new_token(self) -> str:
        """Draw a new token, keep its hash and prefix, and return it (the only time it is readable)."""
        secret = tokens.draw(start=self.TOKEN_START)
        self.token_hash, self.prefix = secret.digest, secret.prefix
        return secret.value
