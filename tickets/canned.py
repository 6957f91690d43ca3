"""Canned responses on the ticket page: which ones an agent may pick, and their text with the variables filled.

A canned body is a small Django template (``Dear {{ requester.name }}, ...``). It is rendered by a sandboxed
engine: no loaders (so no ``{% include %}`` or ``{% extends %}``), no tag libraries to ``{% load %}``, only
``{% if %}`` and the harmless default filters, and a context of plain strings, so no template can reach a
model, a method or a setting. The output is plain text for the reply textarea, hence no autoescaping.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.template import Context, Engine, Library, Template, TemplateSyntaxError, defaultfilters, defaulttags
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from faq.models import CannedResponse
from helpdesk.accounts.models import Agent, Department, User
from tickets.models import Attachment, Status, Ticket
from tickets.services import NewAttachment

# Every variable a canned body can use, with what it holds: listed next to the editor.
VARIABLES: tuple[tuple[str, Promise], ...] = (
    ("ticket.number", _("the ticket's number")),
    ("ticket.subject", _("the ticket's subject")),
    ("ticket.status", _("the ticket's status")),
    ("ticket.priority", _("the ticket's priority")),
    ("ticket.due", _("the ticket's due date, if any")),
    ("requester.name", _("the requester's name (or e-mail address)")),
    ("requester.first_name", _("the requester's first name")),
    ("requester.email", _("the requester's e-mail address")),
    ("requester.organization", _("the requester's organization")),
    ("agent.name", _("your name")),
    ("agent.first_name", _("your first name")),
    ("agent.email", _("your e-mail address")),
    ("agent.signature", _("your signature")),
    ("department.name", _("the ticket's department")),
    ("department.signature", _("the department's signature")),
)

# Filters that pad to a width (or round to a precision) the template chooses could build strings of any size.
_UNSAFE_FILTERS = frozenset({"center", "ljust", "rjust", "pprint", "stringformat", "floatformat"})

register = Library()
register.tag("if", defaulttags.do_if)
for _name, _filter in defaultfilters.register.filters.items():
    if _name not in _UNSAFE_FILTERS:
        register.filter(_name, _filter)


class _SandboxEngine(Engine):
    # Engine() always adds these (with {% load %}, {% include %}, {% debug %} ...); this engine has only ours.
    default_builtins: list[str] = []


ENGINE = _SandboxEngine(loaders=[], libraries={}, builtins=["tickets.canned"], autoescape=False)


def canned_for(ticket: Ticket) -> QuerySet[CannedResponse]:
    """Active canned responses usable on the ticket: global ones and those of its department."""
    return CannedResponse.objects.filter(is_active=True).filter(
        Q(department__isnull=True) | Q(department_id=ticket.department_id)
    )


def variables(ticket: Ticket, agent_user: User) -> dict[str, dict[str, str]]:
    """The only values a canned body can reach, all plain strings."""
    requester = ticket.requester
    try:
        signature = agent_user.agent.signature
    except Agent.DoesNotExist:
        signature = ""
    due = formats.date_format(timezone.localtime(ticket.due_at), "SHORT_DATETIME_FORMAT") if ticket.due_at else ""
    return {
        "ticket": {
            "number": ticket.number,
            "subject": ticket.subject,
            "status": ticket.status.name,
            "priority": str(ticket.get_priority_display()),
            "due": due,
        },
        "requester": {
            "name": requester.display_name,
            "first_name": requester.get_short_name(),
            "email": requester.email,
            "organization": requester.organization.name if requester.organization else "",
        },
        "agent": {
            "name": agent_user.display_name,
            "first_name": agent_user.get_short_name(),
            "email": agent_user.email,
            "signature": signature,
        },
        "department": {"name": ticket.department.name, "signature": ticket.department.signature},
    }


def sample_variables(agent_user: User) -> dict[str, dict[str, str]]:
    """Example values for the live preview while a canned response is written (no ticket at hand)."""
    ticket = Ticket(number="123456", subject=str(_("My printer does not print")), priority=2)
    ticket.status = Status(name=str(_("Open")))
    ticket.department = Department(name=str(_("Support")), signature=str(_("The Support team")))
    ticket.requester = User(name="Maria Rossi", email="maria.rossi@example.com")
    return variables(ticket, agent_user)


def render_body(body: str, context: dict[str, dict[str, str]]) -> str:
    """The body with its variables filled; a body that is not a valid template comes back as written."""
    try:
        template = Template(body, engine=ENGINE)
        rendered = template.render(Context(context, autoescape=False))
    except (TemplateSyntaxError, ValueError, TypeError, AttributeError):
        return body
    # A plain str, not the SafeString the engine returns: this is text, to be escaped wherever it is shown.
    return str.__str__(rendered)


def render_canned(canned: CannedResponse, *, ticket: Ticket, agent_user: User) -> str:
    return render_body(canned.body, variables(ticket, agent_user))


def canned_files(ticket: Ticket, ids: list[int]) -> list[NewAttachment]:
    """Copies of the chosen files of canned responses usable on the ticket, to send with a reply.

    Ids of files that belong to no such response are ignored: the reply box only offers those.
    """
    chosen = Attachment.objects.filter(pk__in=ids, cannedresponse__in=canned_for(ticket)).distinct().order_by("pk")
    copies = []
    for item in chosen:
        with item.file.open("rb") as handle:
            copies.append(NewAttachment(name=item.name, content=handle.read(), content_type=item.content_type))
    return copies
