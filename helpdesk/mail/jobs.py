"""Celery jobs of the mail channel. Sending: fetch by id, build the message in helpdesk.mail.outbound, send."""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from django.core.mail import EmailMultiAlternatives, send_mail
from django.utils.translation import gettext as _

from helpdesk.accounts.models import User
from helpdesk.mail import outbound
from helpdesk.mail.fetching import poll_all
from helpdesk.mail.models import InboundMail
from tickets import notifications
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


@shared_task(ignore_result=True)
def send_notifications(key: str, recipient_ids: list[int], object_id: int) -> None:
    """Queue ``send_notification`` for each recipient, so each mail is sent and retried on its own."""
    for recipient_id in recipient_ids:
        try:
            send_notification.delay(key, recipient_id, object_id)
        except Exception:  # eager (tests, no broker): one recipient's failure must not cost the others their mail
            log.exception("mail %s for %s about %s not queued", key, recipient_id, object_id)


@shared_task(ignore_result=True)
def ticket_opened(ticket_id: int, actor_id: int, auto_response: bool, alert: bool) -> None:
    """A new ticket's auto-response (when ``auto_response``) and its department's new-ticket alerts (``alert``)."""
    ticket = Ticket.objects.filter(pk=ticket_id).first()
    if ticket is None:
        return
    if auto_response:
        send_notifications("auto_response", [ticket.requester_id], ticket_id)
    if alert:
        agents = [user.pk for user in notifications.new_ticket_watchers(ticket, actor_id)]
        send_notifications("new_ticket_alert", agents, ticket_id)


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


# --- incoming mail ------------------------------------------------------------------------------


@shared_task(ignore_result=True)
def fetch_mail() -> None:
    """Poll every enabled mailbox (beat runs this every MAIL_POLL_SECONDS); errors land on each mailbox."""
    for report in poll_all():
        log.info("%s", report)


@shared_task(ignore_result=True)
def alert_held_mail(record_id: int) -> None:
    """Tell the superusers that a sender went over the rate limit and their mail is being held."""
    record = InboundMail.objects.filter(pk=record_id).first()
    admins = list(User.objects.filter(is_superuser=True, is_active=True).values_list("email", flat=True))
    if record is None or not admins:
        return
    subject = _("Mail from %(sender)s is being held") % {"sender": record.sender}
    body = _(
        "%(sender)s sent more mail than the rate limit allows, perhaps a mail loop. Further mail from this "
        "address is held until the rate drops; held messages are listed under Fetched messages in the admin, "
        "where they can be imported.\n\n%(reason)s"
    ) % {"sender": record.sender, "reason": record.reason}
    send_mail(subject, body, None, admins)
