"""osTicket's ticket API: ``POST /api/tickets.json``, ``.xml`` and ``.email`` (also under ``/api/http.php/``).

Answers exactly as osTicket does: ``201`` with the bare ticket number, errors as plain English text.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from helpdesk.api import intake, limits, payload
from helpdesk.api.models import ApiKey
from helpdesk.api.networks import client_ip
from helpdesk.api.tokens import digest
from helpdesk.mail.importing import receive
from helpdesk.mail.models import InboundMail
from tickets import services

log = logging.getLogger(__name__)

NOT_AUTHORIZED = "API key not found/active or source IP/hostname not authorized"
INVALID = "Unable to create new ticket: validation errors:\n"
Reader = Callable[[bytes], dict[str, Any]]


class Refusal(Exception):
    """Stop the request with this status and plain-text body."""

    def __init__(self, status: int, text: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(text)
        self.status, self.text, self.headers = status, text, headers or {}

    def response(self) -> HttpResponse:
        return plain(self.status, self.text, self.headers)


def plain(status: int, text: str, headers: dict[str, str] | None = None) -> HttpResponse:
    """A plain-text answer, as osTicket sends every answer of its API."""
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8", headers=headers)


@csrf_exempt  # no cookie is read: the X-API-Key header authenticates, and only that
def tickets_json(request: HttpRequest) -> HttpResponse:
    """Create a ticket from osTicket's JSON body."""
    return _create(request, payload.read_json)


@csrf_exempt  # authenticated by X-API-Key only
def tickets_xml(request: HttpRequest) -> HttpResponse:
    """Create a ticket from osTicket's XML body."""
    return _create(request, payload.read_xml)


@csrf_exempt  # authenticated by X-API-Key only
def tickets_email(request: HttpRequest) -> HttpResponse:
    """Mail piping: a raw RFC 822 message, imported by the mail channel's own rules into the key's mailbox.

    ``201`` with the ticket number when it became a ticket or joined one; ``202`` with the reason when the
    mail channel deliberately kept it out (a loop, a robot, a sender over the rate limit held for review), so
    that the piping MTA neither retries nor bounces it; ``400`` when it cannot be read.
    """
    if request.method != "POST":
        return unsupported(request)
    try:
        key = authenticate(request, permission="can_pipe_mail")
        raw = read_body(request)
    except Refusal as refusal:
        return refusal.response()
    if key.mailbox is None:
        return plain(400, f"{INVALID}emailId: No mailbox is set for this API key")
    if len(raw) > settings.MAIL_MAX_MESSAGE_BYTES:
        return plain(413, "Request body too large")
    return _piped(receive(raw, mailbox=key.mailbox))


def _piped(record: InboundMail) -> HttpResponse:
    if record.ticket is not None:
        return plain(201, record.ticket.number)
    if record.state == InboundMail.State.FAILED:
        return plain(400, f"Unable to read the message: {record.reason}")
    return plain(202, record.reason or str(record.get_state_display()))


@csrf_exempt  # changes nothing: every other path and method under /api/ gets osTicket's refusal
def unsupported(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    """osTicket's answer to any other path or method under ``/api/``."""
    return plain(400, "URL not supported")


def _create(request: HttpRequest, reader: Reader) -> HttpResponse:
    if request.method != "POST":
        return unsupported(request)
    try:
        key = authenticate(request, permission="can_create_tickets")
        data = reader(read_body(request))
        ticket_request = payload.build_request(
            data, max_files=settings.API_MAX_ATTACHMENTS, max_bytes=settings.ATTACHMENT_MAX_BYTES
        )
        ticket = intake.create_ticket(ticket_request, key=key)
    except Refusal as refusal:
        return refusal.response()
    except payload.PayloadError as error:
        log.warning("API request refused (400): %s", error)
        return plain(400, str(error))
    except services.Rejected as rejected:
        log.info("API ticket rejected by the filter %r", rejected.by_filter)
        return plain(403, "Ticket denied")
    except intake.IntakeError as error:
        log.warning("API request refused (400): %s", error)
        return plain(400, f"{INVALID}{error}")
    return plain(201, ticket.number)


def authenticate(request: HttpRequest, *, permission: str) -> ApiKey:
    """The active key in ``X-API-Key``, called from an address it allows, with ``permission``; else Refusal."""
    secret = request.headers.get("X-API-Key", "").strip()
    key = ApiKey.objects.select_related("help_topic").filter(key_hash=digest(secret)).first() if secret else None
    if key is None:
        raise _refuse(401, "Valid API key required")
    if not key.is_active or not key.allows(client_ip(request)):
        raise _refuse(401, NOT_AUTHORIZED, key)
    if not getattr(key, permission):
        raise _refuse(401, "API key not authorized", key)
    if limits.over_limit(key.key_hash):
        raise Refusal(429, "Too many requests", {"Retry-After": str(limits.seconds_to_next_window())})
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
    return key


def _refuse(status: int, text: str, key: ApiKey | None = None) -> Refusal:
    log.warning("API request refused (%s): %s [key %s]", status, text, key.prefix if key else "unknown")
    return Refusal(status, text)


def read_body(request: HttpRequest) -> bytes:
    """The request body, refused with 413 beyond API_MAX_REQUEST_BYTES (counted, not trusted from headers)."""
    limit: int = settings.API_MAX_REQUEST_BYTES
    declared = request.META.get("CONTENT_LENGTH") or ""
    if declared.isdigit() and int(declared) > limit:
        raise Refusal(413, "Request body too large")
    body = request.read(limit + 1)
    if len(body) > limit:
        raise Refusal(413, "Request body too large")
    return body
