"""Canned responses on the ticket page: which ones an agent may pick, and their text with the variables filled.

A canned body is a small Django template (``Dear {{ requester.name }}, ...``). It is rendered by a sandboxed
engine: no loaders (so no ``{% include %}`` or ``{% extends %}``), no tag libraries to ``{% load %}``, only
``{% if %}`` and the harmless default filters, and a context of plain strings, so no template can reach a
model, a method or a setting. The output is plain text for the reply textarea, hence no autoescaping.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.template import Context, Engine, Library, Template, TemplateSyntaxError, defaultfilters, defaulttags

from faq.models import CannedResponse
from helpdesk.accounts.models import Agent, User
from tickets.models import Ticket

# Filters that pad to a width the template chooses could build strings of any size.
_UNSAFE_FILTERS = frozenset({"center", "ljust", "rjust", "pprint"})

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
    return {
        "ticket": {"number": ticket.number, "subject": ticket.subject},
        "requester": {"name": requester.display_name, "email": requester.email},
        "agent": {"name": agent_user.display_name, "signature": signature},
        "department": {"name": ticket.department.name},
    }


def render_body(body: str, context: dict[str, dict[str, str]]) -> str:
    """The body with its variables filled; a body that is not a valid template comes back as written."""
    try:
        template = Template(body, engine=ENGINE)
        return template.render(Context(context, autoescape=False))
    except (TemplateSyntaxError, ValueError, TypeError, AttributeError):
        return body


def render_canned(canned: CannedResponse, *, ticket: Ticket, agent_user: User) -> str:
    return render_body(canned.body, variables(ticket, agent_user))
