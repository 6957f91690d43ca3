"""Every notification Sportello sends by mail: one short function per kind, each returning a ready message.

Each kind ``KEY`` has three templates, ``templates/mail/KEY_subject.txt``, ``KEY.txt`` and ``KEY.html``,
rendered in the recipient's language; an active ``MailTemplate`` for (key, language) replaces them. Both see
the same context of plain strings, and overrides run in the canned-response sandbox, so an admin's template
reaches no model, method or setting.

Every message is stamped with a Message-ID signed for its one recipient (inbound mail trusts an agent's reply
only when it answers such an id), threads under the ticket with In-Reply-To/References, carries ``[#NUMBER]``
in the subject and the department's address as Reply-To. Jobs in ``helpdesk/mail/jobs.py`` send them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from email import encoders
from email.mime.base import MIMEBase
from email.utils import formataddr, parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context, Template, TemplateSyntaxError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import linebreaks
from django.utils.safestring import SafeString

from helpdesk.accounts.models import Department, User
from helpdesk.mail.models import Mailbox, MailTemplate
from helpdesk.mail.signing import new_message_id
from tickets.canned import ENGINE
from tickets.inbound import own_addresses
from tickets.links import customer_link
from tickets.models import Attachment, Priority, ThreadEntry, Ticket

# RFC 3834: "auto-replied" answers a message (the auto-response), "auto-generated" is sent on its own (alerts).
AUTO_REPLIED = "auto-replied"
AUTO_GENERATED = "auto-generated"

Strings = dict[str, Any]


# --- the notifications --------------------------------------------------------------------------------


def auto_response(ticket: Ticket, recipient: User) -> EmailMultiAlternatives:
    """To the requester of a new ticket: we have it, here is its number and a link to follow it."""
    first = first_message(ticket)
    context = _context(ticket, recipient, link=customer_link(ticket=ticket, user=recipient), entry=first)
    return _compose("auto_response", ticket, recipient, context, answering=first, auto=AUTO_REPLIED)


def reply(entry: ThreadEntry, recipient: User) -> EmailMultiAlternatives:
    """An agent's public reply, to the requester or a CC'd person, with its attachments. Never a note."""
    if not entry.is_public:
        raise ValueError("internal notes are never mailed to customers")
    ticket = entry.ticket
    context = _context(ticket, recipient, link=customer_link(ticket=ticket, user=recipient), entry=entry)
    # A response no person wrote (a filter's canned answer) is automatic mail, and says so.
    auto = None if entry.author_id else AUTO_REPLIED
    message = _compose("reply", ticket, recipient, context, answering=_answered_by(entry), auto=auto)
    _attach(message, entry.attachments.all())
    return message


def new_ticket_alert(ticket: Ticket, recipient: User) -> EmailMultiAlternatives:
    """To the agents of the ticket's department: a new ticket arrived."""
    first = first_message(ticket)
    context = _context(ticket, recipient, link=staff_link(ticket), entry=first)
    message = _compose("new_ticket_alert", ticket, recipient, context, answering=first, auto=AUTO_GENERATED)
    return _with_inline_images(message, first)


def assigned_alert(ticket: Ticket, recipient: User) -> EmailMultiAlternatives:
    """To the agent (or the team's members) the ticket was just assigned to."""
    context = _context(ticket, recipient, link=staff_link(ticket))
    assignee = ticket.assignee
    personal = assignee is not None and assignee.user_id == recipient.pk
    context["via_team"] = ticket.team.name if ticket.team and not personal else ""
    return _compose("assigned_alert", ticket, recipient, context, answering=None, auto=AUTO_GENERATED)


def message_alert(entry: ThreadEntry, recipient: User) -> EmailMultiAlternatives:
    """To the assignee: the customer wrote again in their ticket."""
    context = _context(entry.ticket, recipient, link=staff_link(entry.ticket), entry=entry)
    message = _compose("message_alert", entry.ticket, recipient, context, answering=entry, auto=AUTO_GENERATED)
    return _with_inline_images(message, entry)


def mention_alert(entry: ThreadEntry, recipient: User) -> EmailMultiAlternatives:
    """To an agent named with @ in an internal note (agents only: the note is quoted)."""
    if not recipient.is_staff:
        raise ValueError("internal notes are mailed to staff only")
    context = _context(entry.ticket, recipient, link=staff_link(entry.ticket), entry=entry)
    return _compose("mention_alert", entry.ticket, recipient, context, answering=None, auto=AUTO_GENERATED)


def overdue_alert(ticket: Ticket, recipient: User) -> EmailMultiAlternatives:
    """To the assignee and the department's manager: the ticket passed its due date."""
    context = _context(ticket, recipient, link=staff_link(ticket))
    return _compose("overdue_alert", ticket, recipient, context, answering=None, auto=AUTO_GENERATED)


TicketMail = Callable[[Ticket, User], EmailMultiAlternatives]
EntryMail = Callable[[ThreadEntry, User], EmailMultiAlternatives]
TICKET_MAILS: dict[str, TicketMail] = {
    "auto_response": auto_response,
    "new_ticket_alert": new_ticket_alert,
    "assigned_alert": assigned_alert,
    "overdue_alert": overdue_alert,
}
ENTRY_MAILS: dict[str, EntryMail] = {"reply": reply, "message_alert": message_alert, "mention_alert": mention_alert}
KEYS = sorted([*TICKET_MAILS, *ENTRY_MAILS])


# --- who may receive mail -----------------------------------------------------------------------------


def may_receive(user: User) -> bool:
    """An active user with an address that is not one of the helpdesk's own (so no mail loops)."""
    return user.is_active and bool(user.email) and user.email.lower() not in own_addresses()


# --- links and threading ------------------------------------------------------------------------------


def staff_link(ticket: Ticket) -> str:
    """The ticket's page in the staff panel, as an absolute URL."""
    return settings.SITE_URL + reverse("scp:ticket", kwargs={"number": ticket.number})


def first_message(ticket: Ticket) -> ThreadEntry | None:
    """The customer's message that opened the ticket."""
    return ticket.entries.filter(kind=ThreadEntry.Kind.MESSAGE).order_by("created_at", "id").first()


def thread_root(ticket: Ticket) -> str:
    """The Message-ID every mail of the ticket refers to: the opening mail's, else a fixed one of ours."""
    first = first_message(ticket)
    if first is not None and first.message_id:
        return first.message_id
    return f"<ticket.{ticket.pk}.{ticket.number}@{settings.MAIL_MESSAGE_ID_DOMAIN}>"


def _answered_by(entry: ThreadEntry) -> ThreadEntry | None:
    """The last customer message before ``entry``: what an agent's reply answers."""
    earlier = entry.ticket.entries.filter(kind=ThreadEntry.Kind.MESSAGE, created_at__lte=entry.created_at)
    return earlier.exclude(pk=entry.pk).order_by("created_at", "id").last()


def _threading(ticket: Ticket, answering: ThreadEntry | None) -> dict[str, str]:
    references = [thread_root(ticket)]
    if answering is not None and answering.message_id and answering.message_id not in references:
        references.append(answering.message_id)
    return {"In-Reply-To": references[-1], "References": " ".join(references)}


def _reply_to(department: Department) -> str:
    """The department's own address, else the address of a mailbox feeding it; empty when it has neither."""
    if department.email:
        return department.email
    mailbox = Mailbox.objects.filter(department=department, is_active=True).order_by("pk").first()
    return mailbox.email if mailbox else ""


# --- rendering ----------------------------------------------------------------------------------------


def _context(ticket: Ticket, recipient: User, *, link: str, entry: ThreadEntry | None = None) -> Strings:
    """The only values a mail template sees: plain strings (and the entry's already sanitised HTML)."""
    assignee = ticket.assignee
    return {
        "ticket": {
            "number": ticket.number,
            "subject": ticket.subject,
            "status": ticket.status.public_name,
            "priority": Priority(ticket.priority).label,  # lazy: rendered in the recipient's language
            "department": ticket.department.name,
            "assignee": assignee.name if assignee else "",
            "team": ticket.team.name if ticket.team else "",
            "due_at": f"{timezone.localtime(ticket.due_at):%Y-%m-%d %H:%M %Z}" if ticket.due_at else "",
        },
        "recipient": {"name": recipient.display_name, "email": recipient.email},
        "department": {"name": ticket.department.name, "signature": ticket.department.signature},
        "entry": _entry_strings(entry),
        "link": link,
        "site_url": settings.SITE_URL,
    }


def _entry_strings(entry: ThreadEntry | None) -> Strings:
    if entry is None:
        return {"author": "", "text": "", "html": ""}
    # The body was sanitised when it was stored (tickets.html.to_safe_body).
    return {"author": entry.author_name, "text": entry.body_text, "html": SafeString(entry.body)}


def render(key: str, language: str, context: Strings) -> tuple[str, str, str]:
    """Subject, text and HTML of notification ``key`` in ``language``: the admin's override, else the files."""
    override = MailTemplate.objects.filter(key=key, language=language, is_active=True).first()
    with translation.override(language):
        if override is not None:
            try:
                return render_override(override, context)
            except (TemplateSyntaxError, ValueError, TypeError, AttributeError):
                pass  # saved before validation, or broken since: the defaults still reach the person
        subject = render_to_string(f"mail/{key}_subject.txt", context)
        return subject, render_to_string(f"mail/{key}.txt", context), render_to_string(f"mail/{key}.html", context)


def render_override(template: MailTemplate, context: Strings) -> tuple[str, str, str]:
    """An admin's template rendered in the sandbox; an empty HTML version is made from the text one."""
    subject = Template(template.subject, engine=ENGINE).render(Context(context, autoescape=False))
    text = Template(template.text, engine=ENGINE).render(Context(context, autoescape=False))
    if not template.html.strip():
        return subject, text, linebreaks(text, autoescape=True)
    return subject, text, Template(template.html, engine=ENGINE).render(Context(context, autoescape=True))


def _subject(rendered: str, number: str) -> str:
    subject = re.sub(r"\s+", " ", rendered).strip()
    tag = f"[#{number}]"
    return subject if tag in subject else f"{tag} {subject}"


def language_of(user: User) -> str:
    """The language mail to ``user`` is written in."""
    return user.language or settings.LANGUAGE_CODE


# --- attachments --------------------------------------------------------------------------------------


def _with_inline_images(message: EmailMultiAlternatives, entry: ThreadEntry | None) -> EmailMultiAlternatives:
    """Attach the images the quoted HTML shows by ``cid:``, and no other file (alerts stay small)."""
    if entry is not None:
        _attach(message, entry.attachments.exclude(content_id=""))
    return message


def _attach(message: EmailMultiAlternatives, attachments: Iterable[Attachment]) -> None:
    """Add each file; one with a content-id goes inline under it, so ``<img src="cid:...">`` shows it."""
    for attachment in attachments:
        with attachment.file.open("rb") as handle:
            content = handle.read()
        if not attachment.content_id:
            message.attach(attachment.safe_name, content, attachment.content_type)
            continue
        maintype, _slash, subtype = attachment.content_type.partition("/")
        part = MIMEBase(maintype or "application", subtype or "octet-stream")
        part.set_payload(content)
        encoders.encode_base64(part)
        part.add_header("Content-Disposition", "inline", filename=attachment.safe_name)
        part.add_header("Content-ID", f"<{attachment.content_id.strip('<>')}>")
        message.attach(part)


# --- the message --------------------------------------------------------------------------------------


def _compose(
    key: str,
    ticket: Ticket,
    recipient: User,
    context: Strings,
    *,
    answering: ThreadEntry | None,
    auto: str | None,
) -> EmailMultiAlternatives:
    subject, text, html = render(key, language_of(recipient), context)
    headers = {
        "Message-ID": new_message_id(ticket_id=ticket.pk, recipient_id=recipient.pk),
        **_threading(ticket, answering),
    }
    if auto:
        # Ask out-of-office responders not to answer automatic mail.
        headers.update({"Auto-Submitted": auto, "X-Auto-Response-Suppress": "All"})
    reply_to = _reply_to(ticket.department)
    message = EmailMultiAlternatives(
        subject=_subject(subject, ticket.number),
        body=text,
        from_email=formataddr((ticket.department.name, parseaddr(settings.DEFAULT_FROM_EMAIL)[1])),
        to=[formataddr((recipient.name, recipient.email))],
        reply_to=[reply_to] if reply_to else None,
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    return message
