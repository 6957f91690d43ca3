"""Every change to a ticket goes through these functions, whatever the channel (staff panel, portal, mail, API).

Each one runs in a single transaction, locks the ticket row when two people may race, checks the
actor's permission and the state rules, writes the change and its TicketEvent, and raises
``TicketError`` (with a message fit to show the person) when the move is not allowed.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.accounts.models import Agent, Department, Team, User
from tasks.models import Task
from tickets import access, notifications, queues, reference
from tickets.html import to_safe_body
from tickets.models import (
    Activity,
    Attachment,
    HelpTopic,
    Priority,
    Source,
    State,
    Status,
    ThreadEntry,
    Ticket,
    TicketEvent,
    TicketType,
)

if TYPE_CHECKING:
    from helpdesk.automation import filters
    from helpdesk.mail.models import Mailbox

Kind = TicketEvent.Kind
log = logging.getLogger(__name__)


class TicketError(Exception):
    """A move the rules do not allow. The message is written for the person who tried it."""


class NotAllowed(TicketError):
    """The actor lacks the permission for this move."""


class Rejected(TicketError):
    """A ticket filter rejected the new ticket: nothing is saved and the sender gets no reply.

    Channels translate it: the API answers 403, the portal a polite refusal, mail drops the message.
    """

    def __init__(self, message: str, *, by_filter: str) -> None:
        super().__init__(message)
        self.by_filter = by_filter


@dataclass(frozen=True)
class NewAttachment:
    """A file arriving with a message, from any channel."""

    name: str
    content: bytes
    content_type: str = "application/octet-stream"
    content_id: str = ""


# --- opening a ticket -------------------------------------------------------------------------


@transaction.atomic
def open_ticket(
    *,
    requester: User,
    subject: str,
    body: str,
    is_html: bool = False,
    actor: User | None = None,
    department: Department | None = None,
    help_topic: HelpTopic | None = None,
    source: str = Source.WEB,
    priority: int | None = None,
    ticket_type: str = TicketType.REQUEST,
    cc: Iterable[User] = (),
    message_id: str = "",
    attachments: Sequence[NewAttachment] = (),
    quoted: str = "",
    custom_fields: dict[str, Any] | None = None,
    at: datetime | None = None,
    autorespond: bool = True,
    alert: bool = True,
    mailbox: Mailbox | None = None,
) -> Ticket:
    """Open a ticket for ``requester`` with their first message, routed by the help topic.

    ``actor`` is who opened it (an agent on the phone, say); it defaults to the requester.
    ``autorespond=False`` sends the requester no acknowledgement (mail from robots, bounces, bulk);
    ``alert=False`` sends the department's agents no new-ticket alert (osTicket's API flag).
    A ticket the requester opens (mail, portal, API) first goes through the ticket filters, which may route
    it (over the topic's choices), put people in CC, answer with canned responses, or raise ``Rejected``;
    ``mailbox`` is the one the mail arrived in, for their conditions.
    """
    subject = subject.strip()
    if not subject:
        raise TicketError(_("A ticket needs a subject."))
    routing = None
    if actor is None or actor.pk == requester.pk:
        routing = _filter(requester, subject, body, is_html, help_topic=help_topic, mailbox=mailbox, source=source)
        department = routing.department or department
        cc = [*cc, *routing.cc_users(requester)]
    actor = actor or requester
    department = department or (help_topic.department if help_topic else None)
    if department is None:
        raise TicketError(_("Choose a help topic or a department."))
    if actor.is_staff and actor != requester and not _may_work_in(actor, department):
        raise NotAllowed(_("You have no access to the department %(department)s.") % {"department": department})
    now = at or timezone.now()
    sla = (help_topic.sla if help_topic else None) or department.sla
    status = _initial_status(help_topic)
    ticket = _insert_with_number(
        Ticket(
            subject=subject[:255],
            requester=requester,
            department=department,
            help_topic=help_topic,
            status=status,
            state=State.OPEN,
            priority=priority or (help_topic.priority if help_topic else Priority.NORMAL),
            type=ticket_type,
            source=source,
            sla=sla,
            due_at=sla.due_after(now) if sla else None,
            team=help_topic.team if help_topic else None,
            assignee=_topic_assignee(help_topic, department),
            activity=Activity.UNREAD,
            unread_count=1,
            custom_fields=custom_fields or {},
            created_at=now,
            last_message_at=now,
            last_activity_at=now,
        )
    )
    if routing is not None and routing.apply_to(ticket):
        ticket.save(update_fields=["priority", "type", "team", "assignee"])
    ccs = list({user.pk: user for user in cc if user.pk != requester.pk}.values())
    ticket.collaborators.add(*ccs)
    _add_entry(
        ticket,
        kind=ThreadEntry.Kind.MESSAGE,
        author=requester,
        body=body,
        is_html=is_html,
        source=source,
        message_id=message_id,
        attachments=attachments,
        quoted=quoted,
        at=now,
    )
    created = {"source": source, "department": department.name, "status": status.name, "cc": [u.email for u in ccs]}
    if routing is not None and routing.matched:
        created["filters"] = routing.matched
    _event(ticket, actor, Kind.CREATED, at=now, **created)
    if ticket.assignee_id or ticket.team_id:
        by_filter = routing is not None and routing.assigns
        _event(ticket, None, Kind.ASSIGNED, at=now, before=None, after=_assignment(ticket), by_topic=not by_filter)
    # A filter's canned reply answers the requester in place of the generic auto-response: one mail, not two.
    answered_by_filter = routing is not None and bool(routing.canned)
    notifications.notify_opened(ticket, actor, autorespond=autorespond and not answered_by_filter, alert=alert)
    if routing is not None and autorespond:  # a robot gets no canned answer either: that is how loops start
        routing.post_replies(ticket)
    return ticket


def _filter(requester: User, subject: str, body: str, is_html: bool, **sample: Any) -> filters.Routing:
    """What the ticket filters do with a ticket the requester opens; raises ``Rejected`` for a rejected one."""
    from helpdesk.automation import filters

    text = to_safe_body(body, is_html=is_html)[1]
    routing = filters.route(filters.sample_for(email=requester.email, subject=subject, body_text=text, **sample))
    if routing.rejected_by:
        raise Rejected(_("This request was not accepted."), by_filter=routing.rejected_by)
    return routing


def _initial_status(help_topic: HelpTopic | None) -> Status:
    if help_topic and help_topic.initial_status and help_topic.initial_status.state == State.OPEN:
        return help_topic.initial_status
    return Status.default_for(State.OPEN)


def _topic_assignee(help_topic: HelpTopic | None, department: Department) -> Agent | None:
    # A topic's auto-assignee who has since lost access to the department is not given the ticket.
    if help_topic and help_topic.assignee and access.may_work_in(help_topic.assignee, department.pk):
        return help_topic.assignee
    return None


def _insert_with_number(ticket: Ticket) -> Ticket:
    """Save a new ticket under a fresh random number, widening the number when the space gets crowded."""
    digits = settings.TICKET_NUMBER_DIGITS
    for attempt in range(30):
        if attempt and attempt % 5 == 0:
            digits += 1
        ticket.number = str(10 ** (digits - 1) + secrets.randbelow(9 * 10 ** (digits - 1)))
        if Ticket.objects.filter(number=ticket.number).exists():
            continue
        try:
            with transaction.atomic():
                ticket.save()
            return ticket
        except IntegrityError:
            # Another process took the same number between our check and insert: draw again.
            continue
    raise TicketError(_("Could not draw a free ticket number; try again."))


# --- the thread -------------------------------------------------------------------------------


@transaction.atomic
def post_message(
    *,
    ticket: Ticket,
    author: User,
    body: str,
    is_html: bool = False,
    source: str = Source.WEB,
    message_id: str = "",
    attachments: Sequence[NewAttachment] = (),
    quoted: str = "",
    at: datetime | None = None,
) -> ThreadEntry:
    """A customer (the requester or a CC'd person) writes in the ticket. A closed ticket reopens."""
    ticket = _lock(ticket)
    if author.pk != ticket.requester_id and not ticket.collaborators.filter(pk=author.pk).exists():
        raise NotAllowed(_("Only the requester and the people in CC can write in this ticket."))
    now = at or timezone.now()
    if ticket.is_closed:
        _change_status(ticket, author, Status.default_for(State.OPEN), now)
    elif settings.AUTOMATION_REOPEN_ON_CUSTOMER_REPLY and ticket.status.name == settings.AUTOMATION_AWAITING_STATUS:
        _change_status(ticket, author, Status.default_for(State.OPEN), now, automatic=True)
    entry = _add_entry(
        ticket,
        kind=ThreadEntry.Kind.MESSAGE,
        author=author,
        body=body,
        is_html=is_html,
        source=source,
        message_id=message_id,
        attachments=attachments,
        quoted=quoted,
        at=now,
    )
    ticket.last_message_at = now
    ticket.is_answered = False
    ticket.activity = Activity.UNREAD
    ticket.unread_count += 1
    _save(ticket, now, "last_message_at", "is_answered", "activity", "unread_count")
    _event(ticket, author, Kind.MESSAGE, at=now, entry=entry.pk)
    notifications.notify_message(ticket, entry)
    return entry


@transaction.atomic
def post_reply(
    *,
    ticket: Ticket,
    actor: User,
    body: str,
    is_html: bool = False,
    status: Status | None = None,
    source: str = Source.STAFF,
    message_id: str = "",
    attachments: Sequence[NewAttachment] = (),
    quoted: str = "",
    at: datetime | None = None,
) -> ThreadEntry:
    """An agent answers the customer, optionally setting a status in the same step."""
    ticket = _lock(ticket)
    _require(actor, ticket, "reply", _("You may not reply to tickets of this department."))
    now = at or timezone.now()
    if status is not None and status.pk != ticket.status_id:
        _check_status_move(ticket, actor, status)
    entry = _add_entry(
        ticket,
        kind=ThreadEntry.Kind.RESPONSE,
        author=actor,
        body=body,
        is_html=is_html,
        source=source,
        message_id=message_id,
        attachments=attachments,
        quoted=quoted,
        at=now,
    )
    ticket.is_answered = True
    ticket.last_response_at = now
    ticket.activity = Activity.AWAITING_CUSTOMER
    ticket.unread_count = 0
    _save(ticket, now, "is_answered", "last_response_at", "activity", "unread_count")
    _event(ticket, actor, Kind.RESPONSE, at=now, entry=entry.pk)
    if status is not None and status.pk != ticket.status_id:
        _change_status(ticket, actor, status, now)
    elif status is None:
        _await_customer(ticket, actor, now)
    notifications.notify_reply(entry)
    return entry


def _await_customer(ticket: Ticket, actor: User, now: datetime) -> None:
    """Status automation: a public reply on a ticket in the default open status now waits for the customer.

    Only when the agent chose no status, AUTOMATION_AWAIT_CUSTOMER_ON_REPLY is on and the status exists.
    """
    if not (settings.AUTOMATION_AWAIT_CUSTOMER_ON_REPLY and ticket.status.is_default and not ticket.is_closed):
        return
    name = settings.AUTOMATION_AWAITING_STATUS
    awaiting = reference.remembered(
        ("status_named", name), lambda: Status.objects.filter(name=name, state=State.OPEN).first()
    )
    if awaiting is not None and awaiting.pk != ticket.status_id:
        _change_status(ticket, actor, awaiting, now, automatic=True)


@transaction.atomic
def post_note(
    *,
    ticket: Ticket,
    actor: User,
    body: str,
    is_html: bool = False,
    attachments: Sequence[NewAttachment] = (),
    at: datetime | None = None,
) -> ThreadEntry:
    """An internal note: agents only, never shown to customers."""
    ticket = _lock(ticket)
    _require(actor, ticket, "reply", _("You may not write notes in tickets of this department."))
    now = at or timezone.now()
    entry = _add_entry(
        ticket,
        kind=ThreadEntry.Kind.NOTE,
        author=actor,
        body=body,
        is_html=is_html,
        source=Source.STAFF,
        attachments=attachments,
        at=now,
    )
    _save(ticket, now)
    _event(ticket, actor, Kind.NOTE, at=now, entry=entry.pk)
    notifications.notify_mentions(ticket, entry.body_text, actor, entry)
    return entry


@transaction.atomic
def post_system_note(*, ticket: Ticket, body: str, author_name: str, source: str = Source.API) -> ThreadEntry:
    """An internal note written by a channel, not a person: the API's ``notes``, the files it refused.

    No permission check: the caller is the channel that has just accepted the ticket, acting for nobody.
    """
    ticket = _lock(ticket)
    now = timezone.now()
    safe_html, text = to_safe_body(body, is_html=False)
    entry = ThreadEntry.objects.create(
        ticket=ticket,
        kind=ThreadEntry.Kind.NOTE,
        author_name=author_name[:200],
        body=safe_html,
        body_text=text,
        source=source,
        created_at=now,
    )
    _save(ticket, now)
    _event(ticket, None, Kind.NOTE, at=now, entry=entry.pk)
    return entry


@transaction.atomic
def post_auto_reply(*, ticket: Ticket, body: str, author_name: str) -> ThreadEntry:
    """A public reply written by an automation rule (a filter's canned response), mailed like an agent's.

    It is not an agent's answer: the ticket stays unanswered and in the agents' open queues.
    """
    ticket = _lock(ticket)
    now = timezone.now()
    entry = _automatic_entry(ticket, ThreadEntry.Kind.RESPONSE, body, author_name=author_name, at=now)
    _event(ticket, None, Kind.RESPONSE, at=now, entry=entry.pk, automatic=True)
    notifications.notify_reply(entry)
    return entry


def _automatic_entry(ticket: Ticket, kind: str, body: str, *, author_name: str, at: datetime) -> ThreadEntry:
    safe_html, text = to_safe_body(body, is_html=False)
    entry = ThreadEntry.objects.create(
        ticket=ticket, kind=kind, author_name=author_name[:200], body=safe_html, body_text=text, created_at=at
    )
    _save(ticket, at)
    return entry


@transaction.atomic
def mark_seen(*, ticket: Ticket, actor: User) -> Ticket:
    """An agent opened the ticket: its customer messages are no longer unread. Writes no event."""
    ticket = _lock(ticket)
    if ticket.unread_count == 0 and ticket.activity != Activity.UNREAD:
        return ticket
    if access.agent_of(actor) is None and not actor.is_superuser:
        return ticket
    ticket.unread_count = 0
    if ticket.activity == Activity.UNREAD:
        ticket.activity = Activity.AWAITING_AGENT
    ticket.save(update_fields=["unread_count", "activity", "updated_at"])
    return ticket


def _add_entry(
    ticket: Ticket,
    *,
    kind: str,
    author: User,
    body: str,
    is_html: bool,
    source: str,
    at: datetime,
    message_id: str = "",
    attachments: Sequence[NewAttachment] = (),
    quoted: str = "",
) -> ThreadEntry:
    """A new entry with its files. ``quoted`` is the (sanitized) history a mail quoted, shown collapsed."""
    if not body.strip() and not attachments:
        raise TicketError(_("The message is empty."))
    safe_html, text = to_safe_body(body, is_html=is_html)
    entry = ThreadEntry.objects.create(
        ticket=ticket,
        kind=kind,
        author=author,
        author_name=author.display_name,
        body=safe_html,
        body_text=text,
        source=source,
        message_id=message_id[:255],
        quoted=quoted,
        created_at=at,
    )
    for item in attachments:
        save_attachment(item, entry=entry)
    return entry


def save_attachment(item: NewAttachment, *, entry: ThreadEntry | None = None) -> Attachment:
    """Store a file under a generated name, refusing one over ATTACHMENT_MAX_BYTES."""
    if len(item.content) > settings.ATTACHMENT_MAX_BYTES:
        raise TicketError(
            _("%(name)s is larger than the %(limit)s MB allowed.")
            % {"name": item.name, "limit": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)}
        )
    attachment = Attachment(
        entry=entry,
        name=item.name[:255] or "attachment",
        size=len(item.content),
        content_type=item.content_type[:120],
        content_id=item.content_id[:255],
    )
    attachment.file.save("upload", ContentFile(item.content), save=False)
    attachment.save()
    return attachment


# --- assignment and routing -------------------------------------------------------------------


@transaction.atomic
def assign(*, ticket: Ticket, actor: User, agent: Agent | None = None, team: Team | None = None) -> Ticket:
    """Give the ticket to an agent and/or a team (``None`` clears). The agent needs access to its department."""
    ticket = _lock(ticket)
    claiming = agent is not None and agent.user_id == actor.pk and team is None
    if not (access.may(actor, ticket, "assign") or (claiming and _may_work_in(actor, ticket.department))):
        raise NotAllowed(_("You may not assign tickets of this department."))
    if agent is not None and not access.may_work_in(agent, ticket.department_id):
        raise NotAllowed(
            _("%(agent)s has no access to the department %(department)s.")
            % {"agent": agent, "department": ticket.department}
        )
    if team is not None and not team.is_active:
        raise TicketError(_("The team %(team)s is not active.") % {"team": team})
    if (agent and agent.pk) == ticket.assignee_id and (team and team.pk) == ticket.team_id:
        return ticket
    before = _assignment(ticket)
    new_team = team is not None and team.pk != ticket.team_id
    now = timezone.now()
    ticket.assignee = agent
    ticket.team = team
    _save(ticket, now, "assignee", "team")
    _event(ticket, actor, Kind.ASSIGNED, at=now, before=before, after=_assignment(ticket))
    if agent is not None:
        notifications.notify_assigned(ticket, agent, actor)
    if team is not None and new_team:
        notifications.notify_team_assigned(ticket, team, actor)
    return ticket


def _assignment(ticket: Ticket) -> dict[str, str | None]:
    return {
        "agent": ticket.assignee.name if ticket.assignee else None,
        "team": ticket.team.name if ticket.team else None,
    }


@transaction.atomic
def transfer(*, ticket: Ticket, actor: User, department: Department) -> Ticket:
    """Move the ticket to another department. An assignee without access there is unassigned."""
    ticket = _lock(ticket)
    _require(actor, ticket, "transfer", _("You may not transfer tickets of this department."))
    if department.pk == ticket.department_id:
        raise TicketError(_("The ticket is already in %(department)s.") % {"department": department})
    if not department.is_active:
        raise TicketError(_("The department %(department)s is not active.") % {"department": department})
    now = timezone.now()
    before = ticket.department.name
    ticket.department = department
    fields = ["department"]
    unassigned = None
    if ticket.assignee and not access.may_work_in(ticket.assignee, department.pk):
        unassigned = ticket.assignee.name
        ticket.assignee = None
        fields.append("assignee")
    _save(ticket, now, *fields)
    _event(ticket, actor, Kind.TRANSFERRED, at=now, before=before, after=department.name, unassigned=unassigned)
    return ticket


# --- status, priority, type -------------------------------------------------------------------


@transaction.atomic
def set_status(*, ticket: Ticket, actor: User, status: Status) -> Ticket:
    """Change the status; moving between open and closed follows the close and reopen rules."""
    ticket = _lock(ticket)
    if status.pk == ticket.status_id:
        return ticket
    _check_status_move(ticket, actor, status)
    _change_status(ticket, actor, status, timezone.now())
    return ticket


@transaction.atomic
def close(*, ticket: Ticket, actor: User, status: Status | None = None) -> Ticket:
    """Close the ticket. Refused while any of its tasks is open."""
    ticket = _lock(ticket)
    if ticket.is_closed:
        raise TicketError(_("The ticket is already closed."))
    status = status or Status.default_for(State.CLOSED)
    if not status.is_closed:
        raise TicketError(_("%(status)s is not a closed status.") % {"status": status})
    _check_status_move(ticket, actor, status)
    _change_status(ticket, actor, status, timezone.now())
    return ticket


@transaction.atomic
def reopen(*, ticket: Ticket, actor: User, status: Status | None = None) -> Ticket:
    """Reopen a closed ticket."""
    ticket = _lock(ticket)
    if not ticket.is_closed:
        raise TicketError(_("The ticket is already open."))
    status = status or Status.default_for(State.OPEN)
    if status.is_closed:
        raise TicketError(_("%(status)s is not an open status.") % {"status": status})
    _check_status_move(ticket, actor, status)
    _change_status(ticket, actor, status, timezone.now())
    return ticket


@transaction.atomic
def close_by_customer(*, ticket: Ticket, customer: User) -> Ticket:
    """The requester or a CC'd person closes the ticket from the portal; refused while tasks are open."""
    ticket = _lock(ticket)
    _require_customer_may_close(ticket, customer)
    if ticket.is_closed:
        raise TicketError(_("The ticket is already closed."))
    _refuse_open_tasks(ticket)
    _change_status(ticket, customer, Status.default_for(State.CLOSED), timezone.now())
    return ticket


@transaction.atomic
def reopen_by_customer(*, ticket: Ticket, customer: User) -> Ticket:
    """The requester or a CC'd person reopens their closed ticket from the portal."""
    ticket = _lock(ticket)
    _require_customer_may_close(ticket, customer)
    if not ticket.is_closed:
        raise TicketError(_("The ticket is already open."))
    _change_status(ticket, customer, Status.default_for(State.OPEN), timezone.now())
    return ticket


def _require_customer_may_close(ticket: Ticket, customer: User) -> None:
    if not settings.PORTAL_CUSTOMER_CAN_CLOSE:
        raise NotAllowed(_("Tickets are closed and reopened by our staff."))
    if customer.pk != ticket.requester_id and not ticket.collaborators.filter(pk=customer.pk).exists():
        raise NotAllowed(_("Only the requester and the people in CC can close or reopen this ticket."))


def _check_status_move(ticket: Ticket, actor: User, status: Status) -> None:
    if status.state != ticket.state:
        _require(actor, ticket, "close", _("You may not close or reopen tickets of this department."))
    else:
        _require(actor, ticket, "edit", _("You may not change tickets of this department."))
    if status.is_closed and not ticket.is_closed:
        _refuse_open_tasks(ticket)


def _refuse_open_tasks(ticket: Ticket) -> None:
    blocking = list(Task.objects.open().filter(ticket=ticket).order_by("pk").values_list("pk", "title"))
    if blocking:
        names = ", ".join(f"#{pk} {title}" for pk, title in blocking)
        raise TicketError(
            _("The ticket cannot be closed while it has open tasks: %(tasks)s. Complete them first.") % {"tasks": names}
        )


def _change_status(ticket: Ticket, actor: User | None, status: Status, now: datetime, **data: Any) -> None:
    """Write a status change whose permission and rules were already checked; ``data`` joins the event's."""
    before = ticket.status.name
    state_before = ticket.state
    ticket.status = status
    ticket.state = status.state
    fields = ["status", "state"]
    if status.is_closed and state_before == State.OPEN:
        ticket.closed_at = now
        ticket.activity = Activity.READ
        ticket.unread_count = 0
        fields += ["closed_at", "activity", "unread_count"]
        kind = Kind.CLOSED
    elif not status.is_closed and state_before == State.CLOSED:
        ticket.closed_at = None
        fields.append("closed_at")
        kind = Kind.REOPENED
    else:
        kind = Kind.STATUS
    _save(ticket, now, *fields)
    _event(ticket, actor, kind, at=now, before=before, after=status.name, **data)


def set_priority(*, ticket: Ticket, actor: User, priority: int) -> Ticket:
    if priority not in Priority.values:
        raise TicketError(_("Unknown priority."))
    return _set_field(ticket, actor, "priority", priority, Kind.PRIORITY)


def set_type(*, ticket: Ticket, actor: User, ticket_type: str) -> Ticket:
    if ticket_type not in TicketType.values:
        raise TicketError(_("Unknown ticket type."))
    return _set_field(ticket, actor, "type", ticket_type, Kind.TYPE)


def set_subject(*, ticket: Ticket, actor: User, subject: str) -> Ticket:
    subject = subject.strip()
    if not subject:
        raise TicketError(_("A ticket needs a subject."))
    return _set_field(ticket, actor, "subject", subject[:255], Kind.TITLE)


def set_published(*, ticket: Ticket, actor: User, published: bool) -> Ticket:
    """List the ticket in (or withdraw it from) the public reports."""
    return _set_field(ticket, actor, "published", published, Kind.PUBLISHED)


@transaction.atomic
def set_publication(*, ticket: Ticket, actor: User, published: bool, title: str = "", summary: str = "") -> Ticket:
    """Publish the ticket in the public reports under an edited title and summary, or withdraw it."""
    ticket = _lock(ticket)
    _require(actor, ticket, "edit", _("You may not change tickets of this department."))
    title, summary = title.strip()[:255], summary.strip()
    if published and not title:
        raise TicketError(_("A published report needs a public title."))
    before = {"published": ticket.published, "title": ticket.public_title, "summary": ticket.public_summary}
    after = {"published": published, "title": title, "summary": summary}
    if after == before:
        return ticket
    now = timezone.now()
    ticket.published, ticket.public_title, ticket.public_summary = published, title, summary
    _save(ticket, now, "published", "public_title", "public_summary")
    _event(ticket, actor, Kind.PUBLISHED, at=now, before=before["published"], after=published, title=title)
    return ticket


@transaction.atomic
def _set_field(ticket: Ticket, actor: User, field: str, value: object, kind: str) -> Ticket:
    """Change one plain field (already validated) with an event holding the old and new value."""
    ticket = _lock(ticket)
    _require(actor, ticket, "edit", _("You may not change tickets of this department."))
    before = getattr(ticket, field)
    if value == before:
        return ticket
    now = timezone.now()
    setattr(ticket, field, value)
    _save(ticket, now, field)
    _event(ticket, actor, kind, at=now, before=before, after=value)
    return ticket


# --- collaborators ----------------------------------------------------------------------------


@transaction.atomic
def add_collaborator(*, ticket: Ticket, actor: User, user: User) -> Ticket:
    """Put someone in CC: they receive the public thread and may write in it."""
    ticket = _lock(ticket)
    _require(actor, ticket, "edit", _("You may not change tickets of this department."))
    if user.pk == ticket.requester_id:
        raise TicketError(_("The requester already receives every public message."))
    if ticket.collaborators.filter(pk=user.pk).exists():
        return ticket
    ticket.collaborators.add(user)
    now = timezone.now()
    _save(ticket, now)
    _event(ticket, actor, Kind.CC, at=now, added=user.email)
    return ticket


@transaction.atomic
def add_collaborators_by_mail(*, ticket: Ticket, author: User, users: Iterable[User]) -> list[User]:
    """People a customer copied on their mail to the ticket join it in CC; returns those newly added.

    No staff permission is checked: the author already writes in this ticket, and whom they copy on
    their own mail is theirs to choose (the inbound mail channel calls this after their message).
    """
    ticket = _lock(ticket)
    if author.pk != ticket.requester_id and not ticket.collaborators.filter(pk=author.pk).exists():
        raise NotAllowed(_("Only the requester and the people in CC can write in this ticket."))
    present = set(ticket.collaborators.values_list("pk", flat=True)) | {ticket.requester_id}
    added = list({user.pk: user for user in users if user.pk not in present}.values())
    if not added:
        return []
    ticket.collaborators.add(*added)
    now = timezone.now()
    _save(ticket, now)
    for user in added:
        _event(ticket, author, Kind.CC, at=now, added=user.email, by_mail=True)
    return added


@transaction.atomic
def remove_collaborator(*, ticket: Ticket, actor: User, user: User) -> Ticket:
    ticket = _lock(ticket)
    _require(actor, ticket, "edit", _("You may not change tickets of this department."))
    if not ticket.collaborators.filter(pk=user.pk).exists():
        raise TicketError(_("%(user)s is not in CC.") % {"user": user.email})
    ticket.collaborators.remove(user)
    now = timezone.now()
    _save(ticket, now)
    _event(ticket, actor, Kind.CC, at=now, removed=user.email)
    return ticket


@transaction.atomic
def set_requester(*, ticket: Ticket, actor: User, requester: User) -> Ticket:
    """Make someone else the requester; the previous one stays in CC so they keep receiving the thread."""
    ticket = _lock(ticket)
    _require(actor, ticket, "edit", _("You may not change tickets of this department."))
    if requester.pk == ticket.requester_id:
        return ticket
    before = ticket.requester
    ticket.requester = requester
    now = timezone.now()
    _save(ticket, now, "requester")
    ticket.collaborators.remove(requester)
    ticket.collaborators.add(before)
    _event(ticket, actor, Kind.REQUESTER, at=now, before=before.email, after=requester.email)
    return ticket


# --- related tickets and merging ------------------------------------------------------------


@transaction.atomic
def link_tickets(*, ticket: Ticket, other: Ticket, actor: User) -> Ticket:
    """Mark two tickets as related (both ways); the actor must be able to change both."""
    if ticket.pk == other.pk:
        raise TicketError(_("A ticket cannot be related to itself."))
    ticket, other = _lock_pair(ticket, other)
    for each in (ticket, other):
        _require(actor, each, "edit", _("You may not change tickets of this department."))
    if ticket.related.filter(pk=other.pk).exists():
        return ticket
    ticket.related.add(other)
    now = timezone.now()
    _event(ticket, actor, Kind.LINKED, at=now, added=other.number)
    _event(other, actor, Kind.LINKED, at=now, added=ticket.number)
    return ticket


@transaction.atomic
def unlink_tickets(*, ticket: Ticket, other: Ticket, actor: User) -> Ticket:
    ticket, other = _lock_pair(ticket, other)
    _require(actor, ticket, "edit", _("You may not change tickets of this department."))
    if not ticket.related.filter(pk=other.pk).exists():
        raise TicketError(_("#%(number)s is not related to this ticket.") % {"number": other.number})
    ticket.related.remove(other)
    now = timezone.now()
    _event(ticket, actor, Kind.LINKED, at=now, removed=other.number)
    _event(other, actor, Kind.LINKED, at=now, removed=ticket.number)
    return ticket


def _lock_pair(one: Ticket, two: Ticket) -> tuple[Ticket, Ticket]:
    """Lock two tickets in a fixed order, so two agents acting on the same pair cannot deadlock."""
    locked = {t.pk: _lock(t) for t in sorted([one, two], key=lambda t: t.pk)}
    return locked[one.pk], locked[two.pk]


# --- merging ----------------------------------------------------------------------------------


@transaction.atomic
def merge(*, ticket: Ticket, into: Ticket, actor: User) -> Ticket:
    """Fold ``ticket`` into ``into``: its thread, tasks and people move there, and it is closed as merged."""
    if ticket.pk == into.pk:
        raise TicketError(_("A ticket cannot be merged into itself."))
    ticket, into = _lock_pair(ticket, into)
    for each in (ticket, into):
        _require(actor, each, "merge", _("You may not merge tickets of this department."))
    if into.is_closed:
        _refuse_open_tasks(ticket)  # they would move into a closed ticket
    now = timezone.now()
    ThreadEntry.objects.filter(ticket=ticket).update(ticket=into)
    Task.objects.filter(ticket=ticket).update(ticket=into)
    people = {ticket.requester_id, *ticket.collaborators.values_list("pk", flat=True)} - {into.requester_id}
    into.collaborators.add(*people)
    ticket.merged_into = into
    _save(ticket, now, "merged_into")
    if not ticket.is_closed:
        _change_status(ticket, actor, Status.default_for(State.CLOSED), now)
    _save(into, now)
    _event(ticket, actor, Kind.MERGED, at=now, into=into.number)
    _event(into, actor, Kind.MERGED, at=now, merged=ticket.number)
    return into


# --- deletion -------------------------------------------------------------------------------


@transaction.atomic
def delete_ticket(*, ticket: Ticket, actor: User) -> None:
    """Delete the ticket and everything hanging off it; the stored files go once the deletion commits.

    Refused while other tickets were merged into it: they point here and would lose their target.
    """
    if not (actor.is_active and actor.is_superuser):
        raise NotAllowed(_("Only administrators may delete tickets."))
    ticket = Ticket.objects.select_for_update(of=("self",)).get(pk=ticket.pk)
    merged = list(Ticket.objects.filter(merged_into=ticket).order_by("pk").values_list("number", flat=True))
    if merged:
        numbers = ", ".join(f"#{number}" for number in merged)
        raise TicketError(_("Tickets %(numbers)s were merged into this one; delete them first.") % {"numbers": numbers})
    stored = dict(
        Attachment.objects.filter(Q(entry__ticket=ticket) | Q(tasknote__task__ticket=ticket)).values_list("pk", "file")
    )
    Attachment.objects.filter(pk__in=stored).delete()
    files = [name for name in stored.values() if name]
    number = ticket.number
    ticket.delete()
    log.info("Ticket #%s deleted by %s", number, actor.email)
    transaction.on_commit(lambda: _remove_files(files))


def _remove_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            # The row is gone either way; a file left behind is only disk space.
            log.warning("Could not remove attachment file %s", name)


# --- SLA --------------------------------------------------------------------------------------


def mark_overdue(*, now: datetime | None = None, batch: int = 500) -> int:
    """Flag open tickets whose due date has passed, one event each. Returns how many were flagged."""
    now = now or timezone.now()
    flagged = 0
    while True:
        with transaction.atomic():
            due = list(
                Ticket.objects.select_for_update(skip_locked=True)
                .filter(state=State.OPEN, is_overdue=False, due_at__lt=now)
                .order_by("due_at")[:batch]
            )
            if not due:
                return flagged
            Ticket.objects.filter(pk__in=[t.pk for t in due]).update(is_overdue=True)
            queues.tickets_changed()  # update() sends no post_save: the menu's counts must follow anyway
            TicketEvent.objects.bulk_create(
                TicketEvent(ticket=t, kind=Kind.OVERDUE, at=now, data={"due_at": str(t.due_at)}) for t in due
            )
            notifications.notify_overdue(due)
            notifications.alert_overdue_in_app(due)
            flagged += len(due)


# The due-date change event, named for the tests and the activity log that read it.
DUE_EVENT = Kind.DUE


@transaction.atomic
def set_due_date(*, ticket: Ticket, actor: User, due_at: datetime | None) -> Ticket:
    """Override the ticket's due date; ``None`` goes back to the one its SLA plan gives.

    A due date in the future clears the overdue flag, so the sweep flags (and alerts) again when it passes.
    """
    ticket = _lock(ticket)
    _require(actor, ticket, "edit", _("You may not change tickets of this department."))
    if due_at is None and ticket.sla is not None:
        due_at = ticket.sla.due_after(ticket.created_at)
    if due_at == ticket.due_at:
        return ticket
    now = timezone.now()
    before = ticket.due_at
    ticket.due_at = due_at
    if due_at is None or due_at > now:
        ticket.is_overdue = False
    _save(ticket, now, "due_at", "is_overdue")
    _event(ticket, actor, DUE_EVENT, at=now, before=_iso(before), after=_iso(due_at))
    return ticket


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


@transaction.atomic
def close_automatically(*, ticket: Ticket, days: int, now: datetime | None = None) -> Ticket:
    """Close a ticket left waiting ``days`` days, with an event and an internal notice saying why.

    Refused (``TicketError``, nothing written) while the ticket has open tasks.
    """
    ticket = _lock(ticket)
    now = now or timezone.now()
    closed = Status.default_for(State.CLOSED)
    if ticket.status_id == closed.pk:
        return ticket
    if not ticket.is_closed:
        _refuse_open_tasks(ticket)
    waited_in = ticket.status.name
    _change_status(ticket, None, closed, now, automatic=True, days=days)
    notice = _("Closed automatically after %(days)s days in %(status)s with no activity.")
    _automatic_entry(
        ticket, ThreadEntry.Kind.NOTE, notice % {"days": days, "status": waited_in}, author_name="Sportello", at=now
    )
    return ticket


# --- helpers ----------------------------------------------------------------------------------


def _lock(ticket: Ticket) -> Ticket:
    """The ticket's row, locked until the transaction ends, refusing merged tickets."""
    # of=self: lock the ticket row only, not the status and department rows every ticket shares.
    locked = Ticket.objects.select_for_update(of=("self",)).select_related("status", "department").get(pk=ticket.pk)
    if locked.merged_into_id:
        raise TicketError(_("This ticket was merged into another one; work there instead."))
    return locked


def _require(actor: User, ticket: Ticket, permission: access.Permission, message: str) -> None:
    if not access.may(actor, ticket, permission):
        raise NotAllowed(message)


def _may_work_in(user: User, department: Department) -> bool:
    agent = access.agent_of(user)
    return user.is_superuser or (agent is not None and access.may_work_in(agent, department.pk))


def _save(ticket: Ticket, now: datetime, *fields: str) -> None:
    ticket.last_activity_at = now
    ticket.save(update_fields=[*fields, "last_activity_at", "updated_at"])


def _event(ticket: Ticket, actor: User | None, kind: str, *, at: datetime, **data: Any) -> TicketEvent:
    return TicketEvent.objects.create(ticket=ticket, actor=actor, kind=kind, data=data, at=at)
