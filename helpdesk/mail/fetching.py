"""The poller: protocol I/O with IMAP and POP3 servers, nothing else.

For each message on the server: skip it when it is over MAIL_MAX_MESSAGE_BYTES (left there, reported),
else fetch it without marking it read, store it (``importing.receive``, its own committed transaction),
and only then flag, move or delete the server copy. A poll cut short anywhere (server gone, database
gone) leaves every message not yet stored on the server; the next poll stores exactly those, and
removes the copies of those it had stored but not yet removed. One poller at a time per mailbox holds
a lease (an atomic UPDATE of ``Mailbox.locked_until``), renewed after every message.
"""

from __future__ import annotations

import base64
import imaplib
import logging
import poplib
import re
import secrets
import ssl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from helpdesk.fields import Unreadable
from helpdesk.mail import importing
from helpdesk.mail.models import InboundMail, Mailbox
from tickets import reference

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
# The lease is renewed before a message once this much of it has passed (not before every message: each
# renewal is a commit of its own), so a message always starts with at least 4.5 minutes of lease left.
RENEW_AFTER_SECONDS = 30.0
# poplib refuses lines over 2 KB, and unencoded HTML mail has longer ones.
POP3_MAX_LINE = 1024 * 1024
MAIL_SERVER_ERRORS = (OSError, imaplib.IMAP4.error, poplib.error_proto, EOFError)


class MailServerError(Exception):
    """The server refused something (login, folder, command); the text is for the admin."""


class UnreadablePasswordError(MailServerError):
    """The stored password was encrypted under a SECRET_KEY that is no longer set (nor among the fallbacks)."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "The stored password cannot be read: SECRET_KEY has changed since it was saved. "
                "Enter the password again in the admin (or put the old key in SECRET_KEY_FALLBACKS)."
            )
        )


@dataclass(frozen=True)
class ServerMessage:
    number: str  # the IMAP UID or POP3 message number, for this session
    uid: str  # stable across sessions: UIDVALIDITY:UID or the POP3 UIDL
    size: int


@dataclass
class PollReport:
    mailbox: str
    stored: int = 0
    removed_again: int = 0  # stored by an earlier poll that could not remove the server copy
    too_large: int = 0
    busy: bool = False
    error: str = ""

    def __str__(self) -> str:
        if self.busy:
            return _("%(mailbox)s: another poller is at work.") % {"mailbox": self.mailbox}
        text = _("%(mailbox)s: %(stored)s stored, %(large)s too large to fetch.") % {
            "mailbox": self.mailbox,
            "stored": self.stored,
            "large": self.too_large,
        }
        return f"{text} {self.error}".strip()


class Server(Protocol):
    def messages(self) -> list[ServerMessage]: ...
    def fetch(self, message: ServerMessage) -> bytes: ...
    def remove(self, message: ServerMessage) -> None: ...


# --- polling ------------------------------------------------------------------------------------


def poll_all(name: str | None = None) -> list[PollReport]:
    """Poll every enabled mailbox (or only the one called ``name``). Never raises: errors are recorded."""
    mailboxes = Mailbox.objects.filter(is_active=True).select_related("department", "help_topic")
    if name is not None:
        mailboxes = Mailbox.objects.filter(name=name).select_related("department", "help_topic")
    return [poll(mailbox) for mailbox in mailboxes]


def poll(mailbox: Mailbox) -> PollReport:
    """Fetch and store what is waiting in one mailbox; the outcome is also written on the mailbox."""
    if transaction.get_connection().in_atomic_block:
        raise RuntimeError("poll() must run outside a transaction: server copies go only after each commit.")
    report = PollReport(mailbox.name)
    token = _take_lease(mailbox, report)
    if token is None:
        return report
    try:
        with connect(mailbox) as server:
            _drain(server, mailbox, token, report)
    except UnreadablePasswordError as error:
        report.error = str(error)
    except (*MAIL_SERVER_ERRORS, MailServerError) as error:
        report.error = _("Mail server: %(error)s") % {"error": _describe(error)}
    except DatabaseError as error:
        report.error = _("Database: %(error)s") % {"error": _describe(error)}
    except Exception as error:  # a bug must not stop the other mailboxes, nor the worker
        log.exception("polling %s failed", mailbox.name)
        report.error = _describe(error)
    finally:
        _finish(mailbox, token, report)
    return report


def _take_lease(mailbox: Mailbox, report: PollReport) -> str | None:
    """The lease's token, or None (with the reason in ``report``) when another poller or the database is in the way."""
    try:
        token = _acquire(mailbox)
    except DatabaseError as error:
        log.warning("mailbox %s not polled: %s", mailbox.name, error)
        report.error = _("Database: %(error)s") % {"error": _describe(error)}
        return None
    report.busy = token is None
    return token


def _drain(server: Server, mailbox: Mailbox, token: str, report: PollReport) -> None:
    messages = server.messages()
    stored_before = _stored_before(mailbox, messages)
    renewed = time.monotonic()  # the lease was taken a moment ago
    with reference.batch():  # own addresses, filters and statuses are read once per poll (at most 30 s old)
        for message in messages:
            if time.monotonic() - renewed >= RENEW_AFTER_SECONDS:
                if not _renew(mailbox, token):
                    report.error = _("The poll took longer than its lease; the next poll goes on.")
                    return
                renewed = time.monotonic()
            if message.size > settings.MAIL_MAX_MESSAGE_BYTES:
                importing.record_too_large(mailbox=mailbox, server_uid=message.uid, size=message.size)
                report.too_large += 1
                continue
            if message.uid in stored_before:
                server.remove(message)  # stored last time, the server went away before its copy did
                report.removed_again += 1
                continue
            record = importing.receive(server.fetch(message), mailbox=mailbox, server_uid=message.uid)
            report.stored += 1
            if record.removable_from_server:
                server.remove(message)


def _stored_before(mailbox: Mailbox, messages: list[ServerMessage]) -> set[str]:
    """The server ids among ``messages`` stored by an earlier poll (whose copies may go): a query per 500."""
    uids = [message.uid for message in messages]
    found: set[str] = set()
    for start in range(0, len(uids), FETCH_BATCH):
        chunk = uids[start : start + FETCH_BATCH]
        earlier = InboundMail.objects.filter(mailbox=mailbox, server_uid__in=chunk).only("server_uid", "state")
        found.update(record.server_uid for record in earlier if record.removable_from_server)
    return found


def _finish(mailbox: Mailbox, token: str, report: PollReport) -> None:
    """Write the outcome on the mailbox and give the lease back; a database still down only gets logged."""
    now = timezone.now()
    problem = report.error or (
        ngettext(
            "%(count)s message over the size limit left on the server.",
            "%(count)s messages over the size limit left on the server.",
            report.too_large,
        )
        % {"count": report.too_large}
        if report.too_large
        else ""
    )
    fields: dict[str, object] = {"last_polled_at": now, "locked_until": None, "lock_token": "", "last_error": problem}
    if problem:
        fields["last_error_at"] = now
        log.warning("mailbox %s: %s", mailbox.name, problem)
    try:
        Mailbox.objects.filter(pk=mailbox.pk, lock_token=token).update(**fields)
    except DatabaseError:
        log.exception("mailbox %s: could not record the poll", mailbox.name)


def _describe(error: BaseException) -> str:
    return (str(error) or type(error).__name__)[:1000]


def _text(data: object) -> str:
    """The text of a server's response lines (bytes in lists), for errors and parsing."""
    if isinstance(data, bytes):
        return data.decode("utf-8", "replace")
    if isinstance(data, list | tuple):
        return " ".join(_text(item) for item in data if item is not None)
    return str(data)


# --- the lease ----------------------------------------------------------------------------------


def _acquire(mailbox: Mailbox) -> str | None:
    token, now = secrets.token_hex(16), timezone.now()
    free = Q(locked_until__isnull=True) | Q(locked_until__lt=now)
    taken = Mailbox.objects.filter(free, pk=mailbox.pk).update(locked_until=now + LEASE, lock_token=token)
    return token if taken else None


def _renew(mailbox: Mailbox, token: str) -> bool:
    return bool(Mailbox.objects.filter(pk=mailbox.pk, lock_token=token).update(locked_until=timezone.now() + LEASE))


# --- connections --------------------------------------------------------------------------------


@contextmanager
def connect(mailbox: Mailbox) -> Iterator[Server]:
    """A logged-in session with the mailbox's server, closed (POP3: deletions committed) on the way out."""
    if isinstance(mailbox.password, Unreadable):
        raise UnreadablePasswordError
    if mailbox.protocol == Mailbox.Protocol.POP3:
        with _pop3(mailbox) as pop3:
            yield pop3
    else:
        with _imap(mailbox) as imap:
            yield imap


def check_connection(mailbox: Mailbox) -> int:
    """Log in and count the waiting messages; raises MailServerError or a socket error when that fails."""
    try:
        with connect(mailbox) as server:
            return len(server.messages())
    except MAIL_SERVER_ERRORS as error:
        raise MailServerError(_describe(error)) from error


def _tls_context() -> ssl.SSLContext:
    return ssl.create_default_context(cafile=settings.MAIL_TLS_CA_FILE or None)


@contextmanager
def _imap(mailbox: Mailbox) -> Iterator[ImapServer]:
    timeout = settings.MAIL_FETCH_TIMEOUT
    client: imaplib.IMAP4
    if mailbox.security == Mailbox.Security.SSL:
        client = imaplib.IMAP4_SSL(mailbox.host, mailbox.port, ssl_context=_tls_context(), timeout=timeout)
    else:
        client = imaplib.IMAP4(mailbox.host, mailbox.port, timeout=timeout)
        if mailbox.security == Mailbox.Security.STARTTLS:
            client.starttls(_tls_context())
    try:
        client.login(mailbox.username, mailbox.password)
        yield ImapServer(client, mailbox)
    finally:
        _quietly(client.logout)


@contextmanager
def _pop3(mailbox: Mailbox) -> Iterator[Pop3Server]:
    poplib._MAXLINE = max(poplib._MAXLINE, POP3_MAX_LINE)  # type: ignore[attr-defined]  # no public knob
    timeout = settings.MAIL_FETCH_TIMEOUT
    client: poplib.POP3
    if mailbox.security == Mailbox.Security.SSL:
        client = poplib.POP3_SSL(mailbox.host, mailbox.port, timeout=timeout, context=_tls_context())
    else:
        client = poplib.POP3(mailbox.host, mailbox.port, timeout=timeout)
        if mailbox.security == Mailbox.Security.STARTTLS:
            client.stls(_tls_context())
    try:
        client.user(mailbox.username)
        client.pass_(mailbox.password)
        yield Pop3Server(client)
        client.quit()  # POP3 applies the deletions only on QUIT
    finally:
        _quietly(client.close)


def _quietly(close: object) -> None:
    try:
        close()  # type: ignore[operator]
    except (*MAIL_SERVER_ERRORS, ssl.SSLError):
        pass  # the connection is already gone


# --- IMAP ---------------------------------------------------------------------------------------

_SIZE = re.compile(rb"UID (\d+).*RFC822\.SIZE (\d+)|RFC822\.SIZE (\d+).*UID (\d+)")
FETCH_BATCH = 500


class ImapServer:
    """One selected IMAP folder, addressed by UID."""

    def __init__(self, client: imaplib.IMAP4, mailbox: Mailbox) -> None:
        self.client, self.mailbox = client, mailbox
        self.folder = _quote(mailbox.folder or "INBOX")
        status, detail = client.select(self.folder)
        if status != "OK":
            reason = {"folder": mailbox.folder, "detail": _text(detail)}
            raise MailServerError(_("Cannot open the folder %(folder)s: %(detail)s") % reason)
        validity = client.untagged_responses.get("UIDVALIDITY", [b"0"])[0]
        self.validity = validity.decode() if isinstance(validity, bytes) else str(validity)
        self.can_move = "MOVE" in client.capabilities
        self.uid_expunge = "UIDPLUS" in client.capabilities
        if mailbox.after_import == Mailbox.AfterImport.MOVE:
            client.create(_quote(mailbox.move_to_folder))  # "already exists" is a harmless NO

    def messages(self) -> list[ServerMessage]:
        uids = _text(self._ok(self.client.uid("SEARCH", "UNDELETED"))).split()
        found: list[ServerMessage] = []
        for start in range(0, len(uids), FETCH_BATCH):
            batch = ",".join(uids[start : start + FETCH_BATCH])
            for line in self._ok(self.client.uid("FETCH", batch, "(RFC822.SIZE)")):
                sizes = _SIZE.search(line if isinstance(line, bytes) else b"")
                if sizes:
                    uid, size = (sizes[1], sizes[2]) if sizes[1] else (sizes[4], sizes[3])
                    found.append(ServerMessage(uid.decode(), f"{self.validity}:{uid.decode()}", int(size)))
        return found

    def fetch(self, message: ServerMessage) -> bytes:
        for item in self._ok(self.client.uid("FETCH", message.number, "(BODY.PEEK[])")):
            if isinstance(item, tuple):
                return bytes(item[1])
        raise MailServerError(_("The server did not send message %(uid)s.") % {"uid": message.uid})

    def remove(self, message: ServerMessage) -> None:
        """Flag it read, then move it to the mailbox's folder or delete it (MOVE, or COPY then delete)."""
        if self.mailbox.after_import == Mailbox.AfterImport.MOVE:
            self._ok(self.client.uid("STORE", message.number, "+FLAGS.SILENT", r"(\Seen)"))
            target = _quote(self.mailbox.move_to_folder)
            if self.can_move:
                self._ok(self.client.uid("MOVE", message.number, target))
                return
            self._ok(self.client.uid("COPY", message.number, target))
        # Read and deleted in one command: one round trip fewer per message.
        self._ok(self.client.uid("STORE", message.number, "+FLAGS.SILENT", r"(\Seen \Deleted)"))
        if self.uid_expunge:
            self._ok(self.client.uid("EXPUNGE", message.number))
        else:
            self._ok(self.client.expunge())

    @staticmethod
    def _ok(response: tuple[str, list[bytes | tuple[bytes, bytes] | None]]) -> list[bytes | tuple[bytes, bytes]]:
        status, data = response
        if status != "OK":
            raise MailServerError(_text(data) or status)
        return [item for item in data if item is not None]


def _quote(folder: str) -> str:
    """A folder name as an IMAP quoted string, in IMAP's modified UTF-7 (RFC 3501 5.1.3): "Già" is "Gi&AOA-"."""
    encoded = _modified_utf7(folder)
    return '"' + encoded.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _modified_utf7(name: str) -> str:
    out: list[str] = []
    wide: list[str] = []

    def flush() -> None:
        if wide:
            packed = base64.b64encode("".join(wide).encode("utf-16-be")).decode("ascii")
            out.append("&" + packed.rstrip("=").replace("/", ",") + "-")
            wide.clear()

    for char in name:
        if " " <= char <= "~":
            flush()
            out.append("&-" if char == "&" else char)
        else:
            wide.append(char)
    flush()
    return "".join(out)


# --- POP3 ---------------------------------------------------------------------------------------


class Pop3Server:
    """A POP3 maildrop: no folders, no flags; a message is deleted (on QUIT) once stored."""

    def __init__(self, client: poplib.POP3) -> None:
        self.client = client

    def messages(self) -> list[ServerMessage]:
        uids = dict(_pairs(self.client.uidl()[1]))
        sizes = dict(_pairs(self.client.list()[1]))
        return [ServerMessage(number, uid, int(sizes.get(number, "0"))) for number, uid in uids.items()]

    def fetch(self, message: ServerMessage) -> bytes:
        lines = self.client.retr(int(message.number))[1]
        return b"\r\n".join(lines) + b"\r\n"

    def remove(self, message: ServerMessage) -> None:
        self.client.dele(int(message.number))


def _pairs(lines: list[bytes]) -> Iterator[tuple[str, str]]:
    for line in lines:
        parts = line.decode("ascii", "replace").split()
        if len(parts) >= 2:
            yield parts[0], parts[1]
