"""From fetched bytes to a stored outcome, once per message: the step between the poller and the routing.

``receive`` runs in one database transaction: it claims the message's Message-ID (so that a second
poller, or the same message fetched again after a poll was cut short, stores nothing twice), parses it,
holds it when its sender is over the rate limit, and hands it to ``tickets.inbound.import_message``.
The poller removes the server copy only after ``receive`` has returned, that is after the commit.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.mail.models import InboundMail, Mailbox
from helpdesk.mail.parsing import InboundMessage, MalformedMessage, parse_message
from tickets import reference
from tickets.inbound import import_message
from tickets.models import ThreadEntry

log = logging.getLogger(__name__)
State = InboundMail.State


def receive(raw: bytes, *, mailbox: Mailbox, server_uid: str = "") -> InboundMail:
    """Store one fetched message and return its record (the earlier one when it was stored before).

    Reference data (own addresses, filters, statuses) is read once for the message, or once for the whole
    poll when the poller runs one ``tickets.reference.batch``.
    """
    with reference.batch():
        return _receive(raw, mailbox, server_uid)


def _receive(raw: bytes, mailbox: Mailbox, server_uid: str) -> InboundMail:
    try:
        message = parse_message(raw, max_attachment_bytes=settings.ATTACHMENT_MAX_BYTES)
    except MalformedMessage as error:
        reason, key = str(error), f"<{hashlib.sha256(raw).hexdigest()}@sportello.failed>"
        return _claim_and_store(key, raw, mailbox, server_uid, lambda record: _fail(record, raw, reason))
    if ThreadEntry.objects.filter(message_id=message.message_id).exists():
        return _duplicate(message, mailbox, server_uid)
    key = message.message_id
    try:
        return _claim_and_store(key, raw, mailbox, server_uid, lambda record: _route(record, raw, message))
    except (OperationalError, InterfaceError):
        raise  # the database is away: the message stays on the server for the next poll
    except Exception as error:
        # Anything else would fail the same way at every poll and hold up the mail behind it: keep it raw.
        log.exception("mail %s could not be imported", message.message_id)
        reason = f"{type(error).__name__}: {error}"
        return _claim_and_store(key, raw, mailbox, server_uid, lambda record: _fail(record, raw, reason, message))


def record_too_large(*, mailbox: Mailbox, server_uid: str, size: int) -> InboundMail:
    """Note a message left on the server for being over MAIL_MAX_MESSAGE_BYTES (once, however often it is seen)."""
    record, _created = InboundMail.objects.get_or_create(
        message_id=f"<{mailbox.pk}.{hashlib.sha256(server_uid.encode()).hexdigest()[:32]}@sportello.too-large>",
        defaults={
            "mailbox": mailbox,
            "server_uid": server_uid,
            "size": size,
            "state": State.TOO_LARGE,
            "reason": _("%(size)s bytes, over the limit of %(limit)s: left on the server.")
            % {"size": size, "limit": settings.MAIL_MAX_MESSAGE_BYTES},
        },
    )
    return record


@transaction.atomic
def retry(record: InboundMail) -> InboundMail:
    """Import a failed or held message again from its stored bytes (an admin's decision: no rate limit)."""
    record = InboundMail.objects.select_for_update().get(pk=record.pk)
    if record.state not in (State.FAILED, State.HELD) or not record.raw:
        return record
    raw = bytes(record.raw)
    try:
        with transaction.atomic():  # a failure rolls back the routing's changes only, not the record's
            _import(record, parse_message(raw, max_attachment_bytes=settings.ATTACHMENT_MAX_BYTES))
    except (OperationalError, InterfaceError):
        raise
    except MalformedMessage as error:
        _fail(record, raw, str(error))
    except Exception as error:  # the admin sees why; the routing's own changes were rolled back to its savepoint
        log.exception("mail %s could not be imported again", record.message_id)
        _fail(record, raw, f"{type(error).__name__}: {error}")
    record.save()
    return record


# --- one message --------------------------------------------------------------------------------


# What ``store`` fills in on the record claimed a moment before.
_FILLED_IN = ["sender", "subject", "state", "reason", "raw", "ticket"]


def _claim_and_store(
    key: str, raw: bytes, mailbox: Mailbox, server_uid: str, store: Callable[[InboundMail], None]
) -> InboundMail:
    """Insert the record first (the unique Message-ID is the claim), then fill it in, in one transaction."""
    try:
        with transaction.atomic():
            record = InboundMail.objects.create(
                mailbox=mailbox, server_uid=server_uid[:255], message_id=key, size=len(raw), state=State.FAILED
            )
            store(record)
            record.save(update_fields=_FILLED_IN)
            return record
    except IntegrityError:
        # Someone stored this Message-ID first (another poller, or an earlier poll of this very copy).
        earlier = InboundMail.objects.filter(message_id=key).first()
        if earlier is None:
            raise
        return earlier


def _duplicate(message: InboundMessage, mailbox: Mailbox, server_uid: str) -> InboundMail:
    """A Message-ID already in a thread (imported through another channel, or our own mail sent back)."""
    record, _created = InboundMail.objects.get_or_create(
        message_id=message.message_id,
        defaults={
            "mailbox": mailbox,
            "server_uid": server_uid[:255],
            "sender": message.from_address.lower()[:254],
            "subject": message.subject[:255],
            "size": message.raw_size,
            "state": State.DROPPED,
            "reason": _("Already in a ticket's thread."),
        },
    )
    return record


def _fail(record: InboundMail, raw: bytes, reason: str, message: InboundMessage | None = None) -> None:
    log.warning("mail %s could not be imported: %s", record.message_id, reason)
    record.state, record.reason, record.raw = State.FAILED, reason, raw
    if message is not None:
        record.sender, record.subject = message.from_address.lower()[:254], message.subject[:255]


def _route(record: InboundMail, raw: bytes, message: InboundMessage) -> None:
    record.sender, record.subject = message.from_address.lower()[:254], message.subject[:255]
    if _over_rate_limit(record):
        record.state, record.raw = State.HELD, raw
        record.reason = _("More than %(count)s mails from this sender in %(minutes)s minutes: a mail loop?") % {
            "count": settings.MAIL_RATE_LIMIT_COUNT,
            "minutes": settings.MAIL_RATE_LIMIT_MINUTES,
        }
        return
    _import(record, message)


def _import(record: InboundMail, message: InboundMessage) -> None:
    outcome = import_message(message, mailbox=record.mailbox or _any_mailbox())
    record.sender, record.subject = message.from_address.lower()[:254], message.subject[:255]
    record.ticket = outcome.ticket
    record.state = State.IMPORTED if outcome.imported else State.DROPPED
    record.reason, record.raw = outcome.dropped, b""


def _any_mailbox() -> Mailbox:
    # A retried message whose mailbox was deleted since: any mailbox's department will do.
    mailbox = Mailbox.objects.order_by("-is_active", "pk").first()
    if mailbox is None:
        raise MalformedMessage(_("No mailbox is left to import this message into."))
    return mailbox


def _over_rate_limit(record: InboundMail) -> bool:
    """More than MAIL_RATE_LIMIT_COUNT mails from this sender in the window: hold it and alert the admins once."""
    limit = settings.MAIL_RATE_LIMIT_COUNT
    if not limit or not record.sender:
        return False
    since = timezone.now() - timedelta(minutes=settings.MAIL_RATE_LIMIT_MINUTES)
    recent = InboundMail.objects.filter(
        sender=record.sender, received_at__gte=since, state__in=(State.IMPORTED, State.HELD)
    ).exclude(pk=record.pk)
    count = recent.count()
    if count < limit:
        return False
    if count == limit:  # the first one held in this burst
        from helpdesk.mail.jobs import alert_held_mail  # jobs imports the poller, which imports this module

        transaction.on_commit(lambda: alert_held_mail.delay(record.pk), robust=True)
    return True
