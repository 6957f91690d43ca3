"""Inbound mail import rate: raw RFC 822 bytes through the mail channel's ``receive()`` into the database.

This is the work one poller worker does per message after the IMAP FETCH (parsing, threading, the ticket
and its entry, attachments on disk, the auto-response job); the IMAP round trip itself is not included.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from email.message import EmailMessage

from helpdesk.accounts.models import User
from helpdesk.mail.importing import receive
from helpdesk.mail.models import Mailbox
from tickets import reference
from tickets.models import Ticket

SENDER_DOMAIN = "@mail.bench.test"


@dataclass(frozen=True)
class MailRate:
    """Messages of one kind imported per second."""

    kind: str
    messages: int
    per_second: float


def _message(kind: str, number: int) -> bytes:
    mail = EmailMessage()
    mail["From"] = f"Sender {number} <sender{number}.{kind}{SENDER_DOMAIN}>"
    mail["To"] = "support@sportello.test"
    mail["Subject"] = f"Printer {number} does not print"
    mail["Message-ID"] = f"<bench-{kind}-{number}-{time.time_ns()}@mail.bench.test>"
    text = "Hello,\n\nthe printer on the second floor stopped printing after the update.\n\nThanks\n"
    mail.set_content(text)
    if kind == "html":
        mail.add_alternative(f"<html><body><p>{text.replace(chr(10), '<br>')}</p></body></html>", subtype="html")
    if kind == "attachment":
        data = os.urandom(1024 * 1024)
        mail.add_attachment(data, maintype="application", subtype="octet-stream", filename="dump.bin")
    return mail.as_bytes()


def import_rate(kind: str, count: int, mailbox: Mailbox) -> MailRate:
    """Import ``count`` messages of ``kind`` ("plain", "html", "attachment") and return the rate."""
    raws = [_message(kind, number) for number in range(count)]
    started = time.perf_counter()
    with reference.batch():  # as one poll of the mailbox does
        for raw in raws:
            receive(raw, mailbox=mailbox)
    elapsed = time.perf_counter() - started
    return MailRate(kind, count, count / elapsed)


def mail_rates(count: int) -> list[MailRate]:
    """Rates for plain, HTML and 1 MB attachment mail; the tickets they open are deleted afterwards."""
    mailbox = Mailbox.objects.order_by("pk").first()
    if mailbox is None:
        return []
    try:
        return [import_rate(kind, count, mailbox) for kind in ("plain", "html", "attachment")]
    finally:
        remove_bench_tickets()


def remove_bench_tickets() -> None:
    """Delete the tickets (and senders) the measured imports made."""
    for ticket in Ticket.objects.filter(requester__email__endswith=SENDER_DOMAIN).order_by("pk"):
        ticket.delete()
    User.objects.filter(email__endswith=SENDER_DOMAIN).delete()
