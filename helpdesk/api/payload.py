"""osTicket's ticket request bodies (JSON and XML) read into one plain ``TicketRequest``.

Nothing here touches the database. Error texts are osTicket's own, in English, because its clients
(and the people reading their logs) know them.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import json
import os
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_to_bytes
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as parse_xml_string
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from tickets.models import Priority, Source

KNOWN_KEYS = frozenset(
    {
        "name",
        "email",
        "subject",
        "message",
        "phone",
        "phone_ext",
        "notes",
        "topicId",
        "priority",
        "priorityId",
        "source",
        "ip",
        "alert",
        "autorespond",
        "attachments",
    }
)
_SOURCES = {"web": Source.WEB, "email": Source.EMAIL, "phone": Source.PHONE, "api": Source.API}
_DATA_URL = re.compile(r"^data:(?P<type>[^,]*?)(?P<b64>;base64)?,(?P<data>.*)$", re.DOTALL | re.IGNORECASE)


class PayloadError(Exception):
    """The request cannot become a ticket; the message is osTicket's answer, sent as plain text with a 400."""


@dataclass(frozen=True)
class RawFile:
    """An attachment as sent, before decoding: a data URL (JSON) or an element's text (XML)."""

    name: str
    data: str
    content_type: str = "text/plain"
    is_base64: bool = False
    is_data_url: bool = True


@dataclass(frozen=True)
class DecodedFile:
    name: str
    content: bytes
    content_type: str


@dataclass
class TicketRequest:
    """A ticket request in osTicket's terms, validated and decoded."""

    name: str
    email: str
    subject: str
    message: str
    is_html: bool = False
    phone: str = ""
    notes: str = ""
    topic_id: int | None = None
    priority: int | None = None
    source: str = Source.API
    ip: str = ""
    alert: bool = True  # False: the department's agents get no new-ticket alert
    autorespond: bool = True
    files: list[DecodedFile] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


# --- the two body formats ---------------------------------------------------------------------


def read_json(raw: bytes) -> dict[str, Any]:
    """The JSON body as a dict, messages and attachments still as sent."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise PayloadError("Malformed UTF-8 characters, possibly incorrectly encoded") from None
    except RecursionError:
        raise PayloadError("Maximum stack depth exceeded") from None
    except ValueError:
        raise PayloadError("Syntax error, malformed JSON") from None
    if not isinstance(data, dict):
        raise PayloadError("Unexpected or invalid data received")
    data["attachments"] = _json_files(data.get("attachments"))
    return data


def _json_files(value: Any) -> list[RawFile]:
    if value in (None, "", []):
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise PayloadError("attachments: Unexpected data received in API request")
    files = []
    for item in value:
        for name, data in item.items():
            if not isinstance(data, str):
                raise PayloadError(f"attachments/{name}: Unexpected data received in API request")
            files.append(RawFile(name=name, data=data))
    return files


def read_xml(raw: bytes) -> dict[str, Any]:
    """The XML body (a ``<ticket>`` element) as the same dict ``read_json`` gives.

    As osTicket's parser, simple values may be attributes of ``<ticket>`` or child elements.
    """
    try:
        root = parse_xml_string(raw, forbid_dtd=True)
    except ParseError as error:
        line, column = getattr(error, "position", (0, 0))
        raise PayloadError(f"XML error: {_xml_reason(error)} at line {line}:{column}") from None
    except DefusedXmlException:
        raise PayloadError("XML error: entities and document type declarations are not allowed") from None
    data: dict[str, Any] = dict(root.attrib)
    try:
        for child in root:
            data[child.tag] = _xml_value(child)
    except RecursionError:
        raise PayloadError("XML error: elements nested too deeply") from None
    data["attachments"] = _xml_files(root.find("attachments"))
    return data


def _xml_reason(error: ParseError) -> str:
    return str(error).split(":", 1)[0]


def _xml_value(element: Element) -> Any:
    text = (element.text or "").strip()
    if element.tag == "message":
        return {"body": text, "type": element.get("type", "text/plain")}
    if element.tag == "phone":
        ext = element.get("ext")
        return f"{text}X{ext}" if ext else text
    if len(element):
        return {child.tag: _xml_value(child) for child in element}
    return text


def _xml_files(element: Element | None) -> list[RawFile]:
    if element is None:
        return []
    return [
        RawFile(
            name=item.get("name", ""),
            data=(item.text or "").strip(),
            content_type=item.get("type", "text/plain"),
            is_base64=item.get("encoding", "").lower() == "base64",
            is_data_url=False,
        )
        for item in element
    ]


# --- from the dict to a TicketRequest ---------------------------------------------------------


def build_request(data: dict[str, Any], *, max_files: int, max_bytes: int) -> TicketRequest:
    """Validate the fields, decode the message and the files; files over the limits are refused, not fatal."""
    _require_fields(data)
    message, is_html = _message(data["message"])
    files, refused = _files(data.get("attachments", []), max_files=max_files, max_bytes=max_bytes)
    return TicketRequest(
        name=_text(data, "name"),
        email=_text(data, "email"),
        subject=_text(data, "subject"),
        message=message,
        is_html=is_html,
        phone=_phone(data),
        notes=_text(data, "notes"),
        topic_id=_number(data, "topicId"),
        priority=_priority(data),
        source=_SOURCES.get(_text(data, "source").lower(), Source.API),
        ip=_text(data, "ip"),
        alert=_flag(data.get("alert", True)),
        autorespond=_flag(data.get("autorespond", True)),
        files=files,
        refused=refused,
        extra={key: value for key, value in data.items() if key not in KNOWN_KEYS},
    )


def _validation_error(problems: list[str]) -> PayloadError:
    return PayloadError("Unable to create new ticket: validation errors:\n" + "\n".join(problems))


def _require_fields(data: dict[str, Any]) -> None:
    problems = [f"{key}: This field is required" for key in ("name", "email", "subject") if not _text(data, key)]
    message = data.get("message")
    if not message or (isinstance(message, dict) and not message.get("body")):
        problems.append("message: This field is required")
    email = _text(data, "email")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problems.append("email: Valid email address required")
    if problems:
        raise _validation_error(problems)


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value).strip()


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() not in {"", "0", "false", "no", "off"}
    return bool(value)


def _number(data: dict[str, Any], key: str) -> int | None:
    value = _text(data, key)
    if not value:
        return None
    if not (value.isascii() and value.isdigit() and len(value) < 10):
        raise _validation_error([f"{key}: Invalid data type, a number is expected"])
    return int(value)


def _priority(data: dict[str, Any]) -> int | None:
    key = "priorityId" if _text(data, "priorityId") else "priority"
    priority = _number(data, key)
    if priority is not None and priority not in Priority.values:
        raise _validation_error([f"{key}: Unknown priority"])
    return priority


def _phone(data: dict[str, Any]) -> str:
    phone, ext = _text(data, "phone").upper(), _text(data, "phone_ext")
    return f"{phone}X{ext}" if phone and ext else phone


def _message(value: Any) -> tuple[str, bool]:
    """The message body and whether it is HTML: plain text, a data URL (JSON), or XML's body and type."""
    if isinstance(value, dict):
        return str(value.get("body", "")), str(value.get("type", "")).lower() == "text/html"
    text = str(value)
    if text[:5].lower() != "data:":
        return text, False
    content_type, content = decode_data_url(text, name="message")
    return _as_text(content, content_type), content_type.split(";")[0].strip().lower() == "text/html"


def decode_data_url(url: str, *, name: str) -> tuple[str, bytes]:
    """The media type (with its parameters) and the bytes of an RFC 2397 ``data:`` URL."""
    match = _DATA_URL.match(url.strip())
    if match is None:
        raise PayloadError(f"{name}: Poorly encoded data URL")
    content_type = match["type"] or "text/plain;charset=US-ASCII"
    if match["b64"]:
        return content_type, _b64(match["data"], name=name)
    return content_type, unquote_to_bytes(match["data"])


def _b64(data: str, *, name: str) -> bytes:
    try:
        return base64.b64decode("".join(data.split()), validate=True)
    except (binascii.Error, ValueError):
        raise PayloadError(f"{name}: Poorly encoded base64 data") from None


def _as_text(content: bytes, content_type: str) -> str:
    match = re.search(r"charset=([\w.:-]+)", content_type, re.IGNORECASE)
    charset = match[1] if match else "utf-8"
    try:
        codecs.lookup(charset)
        return content.decode(charset)
    except (LookupError, UnicodeDecodeError):
        raise PayloadError("message: Malformed UTF-8 characters, possibly incorrectly encoded") from None


def _files(raw_files: list[RawFile], *, max_files: int, max_bytes: int) -> tuple[list[DecodedFile], list[str]]:
    """Decode every file (bad base64 fails the whole request); refuse, with a reason, those over the limits."""
    files: list[DecodedFile] = []
    refused: list[str] = []
    for raw in raw_files:
        name = os.path.basename(raw.name.replace("\\", "/")).strip() or "attachment"
        decoded = _decode_file(raw, name)
        if decoded is None:
            refused.append(f"{name}: not a data: URL")
        elif not decoded.content:
            refused.append(f"{name}: the file is empty")
        elif len(decoded.content) > max_bytes:
            refused.append(f"{name}: larger than the {max_bytes} bytes allowed")
        elif len(files) >= max_files:
            refused.append(f"{name}: more than the {max_files} files allowed")
        else:
            files.append(decoded)
    return files, refused


def _decode_file(raw: RawFile, name: str) -> DecodedFile | None:
    if raw.is_data_url:
        if raw.data[:5].lower() != "data:":
            return None
        content_type, content = decode_data_url(raw.data, name=name)
        return DecodedFile(name=name, content=content, content_type=content_type.split(";")[0] or "text/plain")
    content = _b64(raw.data, name=name) if raw.is_base64 else raw.data.encode()
    return DecodedFile(name=name, content=content, content_type=raw.content_type or "text/plain")
