"""Celery jobs of the mail channel. Sending: fetch by id, build the message in helpdesk.mail.outbound, send."""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from django.core.mail import EmailMultiAlternatives

from helpdesk.accounts.models import User
from helpdesk.mail import outbound
from tickets.models import ThreadEntry, Ticket

log = logging.getLogger(__name__)

# A refused or dropped SMTP connection is retried after about 1, 2, 4 ... 300 seconds, then given up.
SEND_RETRIES = 8


@shared_task(
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=True,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=SEND_RETRIES,
)
def send_notification(key: str, recipient_id: int, object_id: int) -> bool:
    """Send notification ``key`` about a ticket or thread entry (by id) to one user; False when nothing is sent."""
    recipient = User.objects.filter(pk=recipient_id).first()
    message = None
    if recipient is not None and outbound.may_receive(recipient):
        message = _build(key, recipient, object_id)
    if message is None:
        log.info("mail %s for %s about %s not sent: recipient or object gone", key, recipient_id, object_id)
        return False
    message.send()
    return True


_TICKET_RELATED = ("department", "status", "assignee__user", "team", "requester")


def _build(key: str, recipient: User, object_id: int) -> EmailMultiAlternatives | None:
    if key in outbound.ENTRY_MAILS:
        related = [f"ticket__{name}" for name in _TICKET_RELATED]
        entry = ThreadEntry.objects.select_related(*related).filter(pk=object_id).first()
        return outbound.ENTRY_MAILS[key](entry, recipient) if entry else None
    ticket = (
        Ticket.objects.select_related("department", "status", "assignee__user", "team").filter(pk=object_id).first()
    )
    return outbound.TICKET_MAILS[key](ticket, recipient) if ticket else None
