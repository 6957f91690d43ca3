"""Inbound mail routing: one parsed mail becomes a new ticket, a customer message or an agent reply.

Threading follows DESIGN.md: a reply to a Message-ID we know (one stored on a thread entry, or one of our
signed outgoing ids) joins that ticket; else ``[#NUMBER]`` in the subject joins it when the sender is its
requester or in CC; else the mail opens a new ticket. Joining an existing ticket always needs the sender
to belong to it: a stranger holding a ticket's number or Message-ID gets a ticket of their own, and a
mail from an agent's address counts as the agent's reply only when it answers an id signed for them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.utils import parseaddr
from typing import TypedDict

from django.conf import settings
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from helpdesk.accounts.models import Department, User
from helpdesk.mail.models import Mailbox
from helpdesk.mail.parsing import InboundMessage
from helpdesk.mail.robots import RobotVerdict
from helpdesk.mail.signing import read_message_id
from tickets import access, reference, services
from tickets.html import sanitize_html, text_to_html
from tickets.models import Source, ThreadEntry, Ticket
from tickets.services import NewAttachment

_TICKET_TOKEN = re.compile(r"\[#(\d{4,20})\]")


@dataclass(frozen=True)
class Outcome:
    """What became of a mail: a thread entry in ``ticket``, or nothing and the reason it was dropped."""

    ticket: Ticket | None = None
    dropped: str = ""

    @property
    def imported(self) -> bool:
        return self.ticket is not None and not self.dropped


@transaction.atomic(savepoint=False)  # callers that go on after a failure give it a savepoint (importing.retry)
def import_message(message: InboundMessage, *, mailbox: Mailbox) -> Outcome:
    """Store ``message``, received in ``mailbox``, in the right ticket (see the module docstring).

    Mail from our own addresses is dropped (a loop through another mailbox of ours), and so are robots
    when MAIL_ROBOT_POLICY is ``drop``; an imported robot never gets an auto-response, and its mail to a
    closed ticket (an out-of-office answer to "your ticket is closed") becomes a note that does not reopen it.
    """
    sender_address = message.from_address.lower()
    if sender_address in own_addresses():
        return Outcome(dropped=_("Sent from one of the helpdesk's own addresses."))
    if message.robot is not None and settings.MAIL_ROBOT_POLICY == "drop":
        return Outcome(dropped=_("Sent by a machine: %(reason)s.") % {"reason": message.robot.label})
    sender = User.objects.customer(message.from_address, name=message.from_name)
    ticket = threaded_ticket(message, sender)
    if ticket is not None and _is_agent_reply(message, sender, ticket) and _agent_reply(message, sender, ticket):
        return Outcome(ticket=ticket)
    if ticket is not None and _belongs_to(sender, ticket):
        if message.robot is not None and ticket.is_closed:
            return _robot_note(message, message.robot, sender, ticket)
        return _customer_message(message, sender, ticket)
    return _new_ticket(message, sender, mailbox)


# --- who ----------------------------------------------------------------------------------------


def own_addresses() -> frozenset[str]:
    """Every address the helpdesk sends from or receives at, lower-case (read once per batch of mail)."""
    return reference.remembered("own_addresses", _read_own_addresses)


def _read_own_addresses() -> frozenset[str]:
    found = {parseaddr(settings.DEFAULT_FROM_EMAIL)[1], parseaddr(settings.SERVER_EMAIL)[1]}
    mailboxes = Mailbox.objects.order_by().values_list("email", flat=True)
    departments = Department.objects.exclude(email="").order_by().values_list("email", flat=True)
    found.update(mailboxes.union(departments, all=True))
    return frozenset(address.lower() for address in found if address)


def _belongs_to(user: User, ticket: Ticket) -> bool:
    return user.pk == ticket.requester_id or ticket.collaborators.filter(pk=user.pk).exists()


def _cc_users(message: InboundMessage, sender: User, ticket: Ticket | None) -> list[User]:
    """The people in Cc who should follow the ticket: never our own addresses, the sender or the requester."""
    if not (settings.MAIL_CC_AS_COLLABORATORS and message.cc):
        return []
    ours = {*own_addresses(), sender.email.lower()}
    if ticket is not None:
        ours.add(ticket.requester.email.lower())
    return [User.objects.customer(address, name=name) for name, address in message.cc if address.lower() not in ours]


# --- which ticket -------------------------------------------------------------------------------


def threaded_ticket(message: InboundMessage, sender: User) -> Ticket | None:
    """The ticket a mail answers, by its headers, else by ``[#NUMBER]`` when the sender belongs to it."""
    ticket = _ticket_for_ids([id_ for id_ in [message.in_reply_to, *reversed(message.references)] if id_])
    if ticket is not None:
        return ticket
    for number in _TICKET_TOKEN.findall(message.subject):
        ticket = _current(Ticket.objects.filter(number=number).first())
        if ticket is not None and _belongs_to(sender, ticket):
            return ticket
    return None


def _ticket_for_ids(message_ids: list[str]) -> Ticket | None:
    """The ticket of the first id we know (signed by us, or stored on an entry): one query for all stored ids."""
    signed = {message_id: read_message_id(message_id) for message_id in message_ids}
    unsigned = [message_id for message_id, found in signed.items() if found is None]
    entries = ThreadEntry.objects.select_related("ticket").filter(message_id__in=unsigned) if unsigned else []
    stored = {entry.message_id: entry.ticket for entry in entries}
    for message_id in message_ids:
        by_signature = signed[message_id]
        if by_signature is not None:
            ticket = _current(Ticket.objects.filter(pk=by_signature.ticket_id).first())
        else:
            ticket = _current(stored.get(message_id))
        if ticket is not None:
            return ticket
    return None


def _current(ticket: Ticket | None) -> Ticket | None:
    """A merged ticket's mail goes to the ticket it was merged into."""
    seen: set[int] = set()
    while ticket is not None and ticket.merged_into_id and ticket.pk not in seen:
        seen.add(ticket.pk)
        ticket = ticket.merged_into
    return ticket


def _is_agent_reply(message: InboundMessage, sender: User, ticket: Ticket) -> bool:
    """True only when the mail answers an id we signed for this very agent about this very ticket."""
    if not sender.is_staff or access.agent_of(sender) is None:
        return False
    for message_id in [message.in_reply_to, *message.references]:
        signed = read_message_id(message_id) if message_id else None
        if signed is not None and signed.recipient_id == sender.pk and signed.ticket_id == ticket.pk:
            return True
    return False


# --- writing ------------------------------------------------------------------------------------


def _agent_reply(message: InboundMessage, agent: User, ticket: Ticket) -> bool:
    try:
        with transaction.atomic():
            services.post_reply(ticket=ticket, actor=agent, source=Source.EMAIL, **_entry_fields(message))
    except services.NotAllowed:
        return False  # the agent has lost access to the department since: their mail counts as an outsider's
    return True


def _customer_message(message: InboundMessage, sender: User, ticket: Ticket) -> Outcome:
    services.post_message(ticket=ticket, author=sender, source=Source.EMAIL, **_entry_fields(message))
    copied = _cc_users(message, sender, ticket)
    if copied:
        services.add_collaborators_by_mail(ticket=ticket, author=sender, users=copied)
    return Outcome(ticket=ticket)


def _robot_note(message: InboundMessage, robot: RobotVerdict, sender: User, ticket: Ticket) -> Outcome:
    """An out-of-office answer to a closed ticket's last mail: kept as a note, it does not reopen the ticket."""
    intro = _("Automatic mail (%(reason)s); kept as a note so that it does not reopen the ticket.") % {
        "reason": robot.label
    }
    body = f"{intro}\n\n{message.text or message.quoted_text}"
    services.post_system_note(ticket=ticket, body=body, author_name=sender.display_name, source=Source.EMAIL)
    return Outcome(ticket=ticket)


def _new_ticket(message: InboundMessage, sender: User, mailbox: Mailbox) -> Outcome:
    try:
        ticket = services.open_ticket(
            requester=sender,
            subject=message.subject.strip() or _("(no subject)"),
            department=mailbox.department,
            help_topic=mailbox.help_topic,
            source=Source.EMAIL,
            cc=_cc_users(message, sender, None),
            autorespond=message.robot is None,
            mailbox=mailbox,
            **_entry_fields(message),
        )
    except services.Rejected as rejected:
        return Outcome(dropped=_("Rejected by the ticket filter %(name)s.") % {"name": rejected.by_filter})
    return Outcome(ticket=ticket)


class _EntryFields(TypedDict):
    body: str
    is_html: bool
    message_id: str
    attachments: list[NewAttachment]
    quoted: str


def _entry_fields(message: InboundMessage) -> _EntryFields:
    body = message.html or text_to_html(_("(The message has no text.)"))
    return {
        "body": body + _dropped_note(message),
        "is_html": True,
        "message_id": message.message_id,
        "attachments": [
            NewAttachment(
                name=item.name, content=item.content, content_type=item.content_type, content_id=item.content_id
            )
            for item in message.attachments
        ],
        # The quoted history below the reply, kept apart so that the thread can show it collapsed.
        "quoted": sanitize_html(message.quoted_html) if message.quoted_html else "",
    }


def _dropped_note(message: InboundMessage) -> str:
    """A line under the message naming the parts that were not kept, so nobody thinks they never existed."""
    if not message.dropped:
        return ""
    items = format_html_join(
        "",
        "<li>{} ({}, {})</li>",
        ((part.name, part.reason.label, filesizeformat(part.size)) for part in message.dropped),
    )
    return format_html("<p><em>{}</em></p><ul>{}</ul>", _("Not kept from this e-mail:"), items)
