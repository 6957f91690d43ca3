"""Mail import end to end: messages waiting on a real IMAP server, polled into the database by one worker.

A private Dovecot (the test suite's, from Debian's ``dovecot-imapd``) holds the messages; the timed part is
one ``poll()`` of the mailbox, as the beat job runs it: login, FETCH, parse, route, ticket, entry, files,
queued jobs, and the message deleted on the server after its commit. Without Dovecot the rows are skipped.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from bench.mail import MailRate, _message, remove_bench_tickets
from helpdesk.mail.fetching import poll
from helpdesk.mail.models import Mailbox
from tests.mail import dovecot

KINDS = ("plain", "html", "attachment")


@contextmanager
def _dovecot() -> Iterator[dovecot.Dovecot | None]:
    if not dovecot.available():
        yield None
        return
    server = dovecot.Dovecot()
    server.start()
    try:
        yield server
    finally:
        server.close()


def imap_rates(count: int) -> list[MailRate]:
    """Messages per second polled from IMAP into the database, for each kind; [] without Dovecot."""
    template = Mailbox.objects.order_by("pk").first()
    if template is None:
        return []
    with _dovecot() as server:
        if server is None:
            return []
        mailbox = Mailbox.objects.create(
            name="bench-imap", email="imap@mail.bench.test", protocol=Mailbox.Protocol.IMAP, host="127.0.0.1",
            port=server.ports.imap, security=Mailbox.Security.NONE, username=dovecot.USER,
            password=dovecot.PASSWORD, department_id=template.department_id, is_active=False,
        )  # fmt: skip
        try:
            return [_rate(server, mailbox, kind, count) for kind in KINDS]
        finally:
            mailbox.mails.all().delete()
            mailbox.delete()
            remove_bench_tickets()


def _rate(server: dovecot.Dovecot, mailbox: Mailbox, kind: str, count: int) -> MailRate:
    for number in range(count):
        server.deliver(_message(kind, number))
    started = time.perf_counter()
    report = poll(mailbox)
    elapsed = time.perf_counter() - started
    if report.error or report.stored != count:
        raise RuntimeError(f"IMAP poll stored {report.stored} of {count}: {report.error}")
    return MailRate(f"{kind}, from IMAP", count, count / elapsed)
