"""Building the raw mail the inbound tests deliver to Dovecot."""

from __future__ import annotations

import itertools
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from django.utils import timezone

SAMPLES = Path(__file__).parent / "samples"
_counter = itertools.count(1)


def letter(
    sender: str = "Carol Customer <carol@customer.test>",
    subject: str = "My printer is on fire",
    body: str = "It smokes since this morning.",
    *,
    to: str = "help@example.com",
    html: str | None = None,
    **headers: str,
) -> bytes:
    """One mail as a mail client sends it; ``headers`` use underscores for dashes (In_Reply_To=...)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = make_msgid(f"t{next(_counter)}", domain="client.test")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message.as_bytes()


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def fetch(dovecot, mailbox, *raws: bytes):
    """Deliver ``raws`` to the mailbox's server and poll it once; the poll must succeed."""
    from helpdesk.mail.fetching import poll

    for raw in raws:
        dovecot.deliver(raw)
    report = poll(mailbox)
    assert not report.error, report.error
    return report
