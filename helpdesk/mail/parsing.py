"""Turning the raw bytes of one mail into an InboundMessage: no network, no database.

The poller fetches bytes and the importer turns an InboundMessage into a ticket change; this module
sits between them so that tests can feed it .eml files. Everything in a mail is untrusted: the HTML
is sanitised, file names lose their paths, the sender must be exactly one well-formed address, and
parts over the limits are dropped (and listed, so the thread can say so) rather than stored.
"""

from __future__ import annotations

import email
import email.errors
import email.message
import email.policy
import hashlib
import mimetypes
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.headerregistry import AddressHeader
from email.message import Message
from email.utils import parsedate_to_datetime
from urllib.parse import unquote

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from helpdesk.mail import charsets, quotes, robots
from helpdesk.mail.robots import raw_header, raw_headers
from tickets.html import html_to_text, sanitize_html, text_to_html

# Executable types that mail providers refuse too (Gmail's list, trimmed to what Windows runs).
DEFAULT_BLOCKED_EXTENSIONS = frozenset(
    {
        "ade", "adp", "app", "appx", "bat", "cmd", "com", "cpl", "dll", "exe", "hta", "jar", "js", "jse", "lnk",
        "msc", "msi", "msp", "mst", "pif", "ps1", "scr", "sct", "shb", "vb", "vbe", "vbs", "wsc", "wsf", "wsh",
    }
)  # fmt: skip
MAX_DEPTH = 20  # MIME nesting deeper than this is hostile, not a real mail client
MAX_REFERENCES = 100  # the newest ones: a thread is matched on the end of the chain
MAX_MESSAGE_ID = 255  # ThreadEntry.message_id
MAX_FILE_NAME = 200

Address = tuple[str, str]  # (display name, address)


class MalformedMessage(Exception):
    """Bytes that are not a mail we can import; the reason is written for the admin."""

    def __init__(self, reason: str | Promise, detail: str = "") -> None:
        super().__init__(reason, detail)
        self.reason = reason
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.reason} ({self.detail})" if self.detail else str(self.reason)


class DropReason(models.TextChoices):
    TOO_LARGE = "too_large", _("larger than the attachment size limit")
    BLOCKED_TYPE = "blocked_type", _("a file type that is not accepted")
    TOO_DEEP = "too_deep", _("nested too deeply in the message")


@dataclass(frozen=True)
class DroppedPart:
    """A part of the mail that was not kept, for a note in the thread."""

    name: str
    reason: DropReason
    size: int


@dataclass(frozen=True)
class ParsedAttachment:
    name: str
    content: bytes
    content_type: str
    content_id: str = ""  # without the <>, as cid: URLs in the HTML name it
    is_inline: bool = False  # an image the HTML shows through cid:


@dataclass(frozen=True)
class InboundMessage:
    """One parsed mail. ``html``/``text`` are what the sender wrote now (the thread entry);
    ``quoted_html``/``quoted_text`` the earlier mail their client quoted below it."""

    message_id: str
    message_id_generated: bool
    in_reply_to: str
    references: list[str]
    subject: str
    from_address: str
    from_name: str
    reply_to: list[Address]
    to: list[Address]
    cc: list[Address]
    date: datetime | None
    html: str
    text: str
    quoted_html: str
    quoted_text: str
    attachments: list[ParsedAttachment]
    dropped: list[DroppedPart]
    robot: robots.RobotVerdict | None
    robot_headers: dict[str, str]
    raw_size: int
    defects: int

    @property
    def full_html(self) -> str:
        """New part and quoted history together (a forwarded mail that opens a ticket)."""
        return self.html + self.quoted_html

    @property
    def full_text(self) -> str:
        return "\n\n".join(part for part in (self.text, self.quoted_text) if part)


def parse_message(
    raw: bytes, *, max_attachment_bytes: int, blocked_extensions: frozenset[str] = DEFAULT_BLOCKED_EXTENSIONS
) -> InboundMessage:
    """Parse one mail. Raises MalformedMessage when the bytes are not an importable mail."""
    msg = _parse(raw)
    try:
        return _build(msg, raw, max_attachment_bytes, frozenset(ext.lower().lstrip(".") for ext in blocked_extensions))
    except MalformedMessage:
        raise
    except Exception as error:  # hostile input must end as a failed message, never crash the poller
        raise MalformedMessage(_("The message could not be read."), f"{type(error).__name__}: {error}") from error


def _parse(raw: bytes) -> Message:
    if not raw.strip():
        raise MalformedMessage(_("The message is empty."))
    try:
        # compat32 on purpose: every header here is read raw and decoded by our own charset rules, and
        # the modern policy re-parses a structured header each time it is read (a mail of 20,000 tiny
        # parts took 30 s instead of 1 s). Its strict address parser is still used, in _parse_addresses.
        msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    except Exception as error:  # the parser is lenient: anything it raises means these are not mail bytes
        raise MalformedMessage(_("The message could not be parsed."), repr(error)) from error
    if not msg.keys():
        raise MalformedMessage(_("The message has no headers."))
    return msg


def _build(msg: Message, raw: bytes, max_bytes: int, blocked: frozenset[str]) -> InboundMessage:
    from_name, from_address = _sender(msg)
    message_id, generated = _message_id(msg, raw)
    parts = _Collector(max_bytes=max_bytes, blocked=blocked)
    parts.walk(msg, 0)
    html, quoted_html, text, quoted_text = _bodies(parts)
    return InboundMessage(
        message_id=message_id,
        message_id_generated=generated,
        in_reply_to=next(iter(_ids(raw_header(msg, "In-Reply-To"))), ""),
        references=_ids(raw_header(msg, "References"))[-MAX_REFERENCES:],
        subject=charsets.decode_header_text(raw_header(msg, "Subject")),
        from_address=from_address,
        from_name=from_name,
        reply_to=_address_list(msg, "Reply-To"),
        to=_address_list(msg, "To"),
        cc=_address_list(msg, "Cc"),
        date=_date(msg),
        html=html,
        text=text,
        quoted_html=quoted_html,
        quoted_text=quoted_text,
        attachments=parts.attachments(),
        dropped=parts.dropped,
        robot=robots.classify(msg),
        robot_headers=robots.robot_headers(msg),
        raw_size=len(raw),
        defects=sum(len(part.defects) for part in msg.walk()),
    )


# --- addresses ------------------------------------------------------------------------------------

_NAME_ANGLE = re.compile(r"^(?P<name>[^<>]*)<(?P<address>[^<>\s]+)>\s*;?$")
_ADDR_SPEC = re.compile(r"^[^\s@<>()\[\],;:\\\"\udc80-\udcff]+@[^\s@<>()\[\],;:\\\"\udc80-\udcff]+$")


def _sender(msg: Message) -> Address:
    """The one sender. Anything that could be read as two senders, or as none, is refused."""
    values = raw_headers(msg, "From")
    if not values:
        raise MalformedMessage(_("The message has no From header."))
    if len(values) > 1:
        raise MalformedMessage(_("The message has more than one From header."), " / ".join(values))
    addresses, guessed = _parse_addresses("From", values[0])
    if guessed or len(addresses) != 1:
        sloppy = _name_and_angle_address(values[0])
        addresses, guessed = ([sloppy], False) if sloppy else (addresses, guessed)
    if guessed:
        raise MalformedMessage(_("The From header cannot be read unambiguously."), values[0])
    if len(addresses) != 1:
        raise MalformedMessage(_("The From header must name exactly one sender."), values[0])
    if not _ADDR_SPEC.match(addresses[0][1]):
        raise MalformedMessage(_("The From address is not valid."), values[0])
    return addresses[0]


def _name_and_angle_address(value: str) -> Address | None:
    """Sloppy but unambiguous senders: one <address> after a name in which no other address hides.

    Mailers write ``Rossi, Mario <m@x.it>``, ``carol@x.com <carol@x.com>`` and ``=?utf-8?q?Caf=C3=A9?=<c@x.it>``;
    the strict parser flags them, yet every reader finds the same single sender in them.
    """
    found = _NAME_ANGLE.match(value.strip())
    if not found:
        return None
    name, address = found["name"].strip().strip("'\"").strip(), found["address"]
    if "@" in name and name.lower() != address.lower():
        return None  # "alice@example.org <bob@example.org>": which one is the sender?
    return _clean_name(charsets.decode_header_text(name)), address


def _parse_addresses(name: str, value: str) -> tuple[list[Address], bool]:
    """The (name, address) pairs in an address header, and whether the parser had to guess."""
    # Encoded words are re-encoded in UTF-8 *before* parsing, never decoded: decoding first would let
    # "=?utf-8?q?a=40b.c=2C?=" smuggle in a second address.
    try:
        header = email.policy.default.header_factory(name, charsets.encoded_words_as_utf8(value))
    except (ValueError, TypeError, IndexError, AttributeError, email.errors.HeaderParseError):
        return [], True  # AttributeError: the stdlib parser trips over some hostile headers
    guessed = any(isinstance(defect, email.errors.InvalidHeaderDefect) for defect in header.defects)
    if not isinstance(header, AddressHeader):
        return [], True
    found = [(_clean_name(address.display_name), address.addr_spec) for address in header.addresses]
    return found, guessed


def _clean_name(name: str) -> str:
    return " ".join(_without_controls(charsets.repair(name)).split())


def _address_list(msg: Message, name: str) -> list[Address]:
    """Recipients, leniently: addresses that do not parse are skipped, duplicates dropped."""
    found: dict[str, Address] = {}
    for value in raw_headers(msg, name):
        for display, address in _parse_addresses(name, value)[0]:
            if _ADDR_SPEC.match(address):
                found.setdefault(address.lower(), (display, address))
    return list(found.values())


# --- identifiers and date ---------------------------------------------------------------------------

_MSG_ID = re.compile(r"<([^<>\s]+)>")


def _ids(value: str) -> list[str]:
    """The message ids in a Message-ID/In-Reply-To/References value, in order, without repeats."""
    value = charsets.repair(value)
    found = [f"<{inner}>" for inner in _MSG_ID.findall(value)]
    if not found and value.split():
        found = [f"<{value.split()[0].strip('<>')}>"]  # a bare id, as some mailers send it
    return list(dict.fromkeys(_fit(message_id) for message_id in found if message_id != "<>"))


def _fit(message_id: str) -> str:
    if len(message_id) <= MAX_MESSAGE_ID:
        return message_id
    return f"<{hashlib.sha256(message_id.encode('utf-8', 'surrogateescape')).hexdigest()}@sportello.long>"


def _message_id(msg: Message, raw: bytes) -> tuple[str, bool]:
    """The Message-ID, or one made from the bytes so that the same mail fetched twice matches."""
    found = _ids(raw_header(msg, "Message-ID"))
    if found:
        return found[0], False
    return f"<{hashlib.sha256(raw).hexdigest()}@sportello.missing>", True


def _date(msg: Message) -> datetime | None:
    value = raw_header(msg, "Date")
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)  # "-0000": UTC, zone unknown


# --- body and attachments ---------------------------------------------------------------------------

_BODY_TYPES = frozenset({"text/plain", "text/html"})
_MESSAGE_TYPES = frozenset({"message/rfc822", "message/global"})
_DEFAULT_NAMES = {
    "application/ms-tnef": "winmail.dat",
    "application/vnd.ms-tnef": "winmail.dat",
    "message/delivery-status": "delivery-status.txt",
    "text/rfc822-headers": "original-headers.txt",
}
_META_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_CID = re.compile(r"cid:([^\"'\s>)]+)", re.IGNORECASE)
_BODY_TAG = re.compile(r"<body\b[^>]*>(.*?)(?:</body\s*>|\Z)", re.IGNORECASE | re.DOTALL)
_HEAD_TAG = re.compile(r"<head\b.*?</head\s*>", re.IGNORECASE | re.DOTALL)


@dataclass
class _Collector:
    """Walks the MIME tree once, sorting parts into body HTML, body text and files."""

    max_bytes: int
    blocked: frozenset[str]
    html: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    files: list[ParsedAttachment] = field(default_factory=list)
    dropped: list[DroppedPart] = field(default_factory=list)

    def walk(self, part: Message, depth: int) -> None:
        content_type = part.get_content_type()
        if depth > MAX_DEPTH:
            self.dropped.append(DroppedPart(_file_name(part, len(self.files) + 1), DropReason.TOO_DEEP, 0))
        elif content_type.startswith("message/"):
            self._attach(part)
        elif content_type == "multipart/alternative" and part.is_multipart():
            for child in _chosen_alternatives(_children(part)):
                self.walk(child, depth + 1)
        elif part.is_multipart():
            for child in _children(part):
                self.walk(child, depth + 1)
        elif content_type.startswith("multipart/") or _is_body(part):
            self._body(part)  # a multipart without parts (no boundary) shows its text
        else:
            self._attach(part)

    def _body(self, part: Message) -> None:
        data = _decoded(part)
        if part.get_content_type() == "text/html":
            self.html.append(_body_of(charsets.decode_bytes(data, part.get_content_charset() or _meta_charset(data))))
        else:
            self.text.append(charsets.decode_bytes(data, part.get_content_charset()).replace("\r\n", "\n"))

    def _attach(self, part: Message) -> None:
        content = _content(part)
        name = _file_name(part, len(self.files) + 1)
        extension = name.rpartition(".")[2].lower() if "." in name else ""
        if extension in self.blocked:
            self.dropped.append(DroppedPart(name, DropReason.BLOCKED_TYPE, len(content)))
        elif len(content) > self.max_bytes:
            self.dropped.append(DroppedPart(name, DropReason.TOO_LARGE, len(content)))
        else:
            content_id = raw_header(part, "Content-ID").strip().strip("<>").strip()
            self.files.append(ParsedAttachment(name, content, part.get_content_type(), content_id))

    def attachments(self) -> list[ParsedAttachment]:
        """The files, with the images the HTML shows through cid: marked inline."""
        shown = {unquote(cid).lower() for chunk in self.html for cid in _CID.findall(chunk)}
        return [
            ParsedAttachment(file.name, file.content, file.content_type, file.content_id, True)
            if file.content_id and file.content_id.lower() in shown
            else file
            for file in self.files
        ]


def _chosen_alternatives(children: list[Message]) -> list[Message]:
    """The richest HTML version and the last plain-text version (both kept), plus any calendar."""
    html = [child for child in children if any(p.get_content_type() == "text/html" for p in child.walk())]
    plain = [child for child in children if child.get_content_type() == "text/plain"]
    chosen = [html[-1]] if html else []
    if plain and plain[-1] not in chosen:
        chosen.append(plain[-1])
    chosen += [child for child in children if child.get_content_type() == "text/calendar"]
    return chosen or children[-1:]


def _is_body(part: Message) -> bool:
    if part.get_content_type() not in _BODY_TYPES:
        return False
    return part.get_content_disposition() != "attachment" and not _raw_file_name(part)


def _children(part: Message) -> list[Message]:
    payload = part.get_payload()
    return [child for child in payload if isinstance(child, Message)] if isinstance(payload, list) else []


def _decoded(part: Message) -> bytes:
    """The part's bytes with quoted-printable or base64 undone."""
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def _content(part: Message) -> bytes:
    if part.is_multipart():  # message/rfc822 holds one message, message/delivery-status several blocks
        return b"".join(_message_bytes(child) for child in _children(part))
    return _decoded(part)


def _message_bytes(msg: Message) -> bytes:
    return msg.as_bytes(policy=email.policy.compat32.clone(linesep="\r\n"))  # headers written back as received


def _body_of(markup: str) -> str:
    """What is inside <body>: the <head> of a full document holds styles and a title, not the message."""
    found = _BODY_TAG.search(markup)
    return found.group(1) if found else _HEAD_TAG.sub("", markup)


def _meta_charset(data: bytes) -> str | None:
    found = _META_CHARSET.search(data[:4096])
    return found.group(1).decode("ascii") if found else None


def _bodies(parts: _Collector) -> tuple[str, str, str, str]:
    """(html, quoted_html, text, quoted_text), split before sanitising (the markers are classes)."""
    plain = "\n\n".join(chunk.strip("\n") for chunk in parts.text if chunk.strip())
    if not parts.html:
        text, quoted_text = quotes.split_quoted(plain)
        return text_to_html(text), text_to_html(quoted_text) if quoted_text else "", text, quoted_text
    new, quoted = quotes.split_quoted_html("\n".join(parts.html))
    html, quoted_html = sanitize_html(new), sanitize_html(quoted) if quoted else ""
    if plain:
        text, quoted_text = quotes.split_quoted(plain)
    else:
        text, quoted_text = html_to_text(html), html_to_text(quoted_html)
    return html, quoted_html, text, quoted_text


# --- file names ---------------------------------------------------------------------------------------


def _file_name(part: Message, number: int) -> str:
    """A display name for the part: what the sender called it, minus any path, or a made-up one."""
    content_type = part.get_content_type()
    name = _clean_file_name(_raw_file_name(part))
    if name:
        return name
    if content_type in _MESSAGE_TYPES:
        return _forwarded_name(part)
    if content_type in _DEFAULT_NAMES:
        return _DEFAULT_NAMES[content_type]
    fallback = ".txt" if content_type.startswith(("text/", "message/")) else ".bin"
    return f"attachment-{number}{mimetypes.guess_extension(content_type) or fallback}"


def _raw_file_name(part: Message) -> str:
    for header, param in (("Content-Disposition", "filename"), ("Content-Type", "name")):
        value = raw_header(part, header)
        if value:
            name = _param(value, param)
            if name:
                return name
    return ""


def _param(header_value: str, name: str) -> str:
    """One parameter of a MIME header, RFC 2231 and (non-standard but common) RFC 2047 decoded.

    The legacy parser is used on purpose: it hands back RFC 2231 bytes with their declared charset,
    where the modern one has already replaced what that charset could not decode.
    """
    legacy = email.message.Message()
    legacy["Content-Type"] = charsets.repair(header_value)
    try:
        value = legacy.get_param(name)
    except (TypeError, ValueError, IndexError):  # e.g. "filename*x*=" continuations it cannot sort
        return ""
    if isinstance(value, tuple):
        charset, _language, text = value
        try:
            return charsets.decode_bytes(text.encode("latin-1"), charset)  # %XX escapes come back as latin-1
        except UnicodeEncodeError:
            return text  # raw 8-bit text next to the escapes, already decoded by repair()
    return charsets.decode_header_text(value) if isinstance(value, str) else ""


def _forwarded_name(part: Message) -> str:
    inner = _children(part)
    subject = charsets.decode_header_text(raw_header(inner[0], "Subject")) if inner else ""
    return f"{_clean_file_name(subject)[: MAX_FILE_NAME - 4] or _('forwarded message')}.eml"


def _clean_file_name(name: str) -> str:
    name = _without_controls(name).replace("\\", "/").rsplit("/", 1)[-1]
    name = " ".join(name.split()).strip(". ")
    if len(name) <= MAX_FILE_NAME:
        return name
    stem, dot, extension = name.rpartition(".")
    if dot and len(extension) <= 10:
        return f"{stem[: MAX_FILE_NAME - len(extension) - 1]}.{extension}"
    return name[:MAX_FILE_NAME]


def _without_controls(text: str) -> str:
    """Without control and format characters (a right-to-left override can disguise "exe.pdf")."""
    return "".join(char for char in text if unicodedata.category(char) not in ("Cc", "Cf", "Cs"))
