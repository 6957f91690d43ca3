"""Turn a validated osTicket request into a ticket, through the same services as every other channel."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils.translation import gettext as _

from helpdesk.accounts.models import User
from helpdesk.api.models import ApiKey
from helpdesk.api.payload import TicketRequest
from tickets import services
from tickets.models import HelpTopic, Ticket

log = logging.getLogger(__name__)


class IntakeError(Exception):
    """The request is well formed but names something Sportello cannot route (osTicket's validation error)."""


@transaction.atomic
def create_ticket(request: TicketRequest, *, key: ApiKey) -> Ticket:
    """Open the ticket for the request's sender, with its files, its notes and a note on any file refused.

    Runs in one transaction: a failure anywhere leaves no ticket, user or file row behind.
    """
    topic = _help_topic(request.topic_id, key)
    requester = _requester(request)
    custom_fields = dict(request.extra)
    if request.ip:
        custom_fields["ip"] = request.ip
    if request.extra:
        log.info("API key %s sent extra fields kept on the ticket: %s", key.prefix, ", ".join(sorted(request.extra)))
    try:
        ticket = services.open_ticket(
            requester=requester,
            subject=request.subject,
            body=request.message,
            is_html=request.is_html,
            help_topic=topic,
            source=request.source,
            priority=request.priority,
            attachments=[services.NewAttachment(f.name, f.content, f.content_type) for f in request.files],
            custom_fields=custom_fields,
            autorespond=request.autorespond,
            alert=request.alert,
        )
    except services.Rejected:
        raise  # a filter refused the sender: 403, not a validation error
    except services.TicketError as error:
        raise IntakeError(str(error)) from None
    _add_notes(ticket, request, key)
    return ticket


def _help_topic(topic_id: int | None, key: ApiKey) -> HelpTopic:
    if topic_id is None:
        if key.help_topic is None or not key.help_topic.is_active:
            raise IntakeError("topicId: Help topic selection is required")
        return key.help_topic
    topic = HelpTopic.objects.filter(pk=topic_id, is_active=True).select_related("department").first()
    if topic is None:
        raise IntakeError("topicId: Unknown or inactive help topic")
    return topic


def _requester(request: TicketRequest) -> User:
    user = User.objects.customer(request.email, name=request.name, phone=request.phone[:40])
    if request.phone and not user.phone:
        user.phone = request.phone[:40]
        user.save(update_fields=["phone"])
    return user


def _add_notes(ticket: Ticket, request: TicketRequest, key: ApiKey) -> None:
    author = _("API (%(key)s)") % {"key": key.name}
    if request.notes:
        services.post_system_note(ticket=ticket, body=request.notes, author_name=author)
    if request.refused:
        refused = "\n".join(f"- {reason}" for reason in request.refused)
        body = _("These attachments were not accepted:\n%(files)s") % {"files": refused}
        services.post_system_note(ticket=ticket, body=body, author_name=author)
