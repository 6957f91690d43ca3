"""In-app notifications for agents: assignments, customer messages on their tickets, @mentions in notes."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from helpdesk.accounts.models import Agent, Notification, User
from tickets.models import Ticket

# "@alice" mentions the agent whose e-mail address starts with "alice@".
MENTION = re.compile(r"(?<![\w@])@([\w.+-]+)")


def mentioned_agents(text: str, ticket: Ticket) -> list[Agent]:
    """Agents named with @local-part in ``text`` who may see the ticket."""
    from tickets.access import visible_tickets

    names = {name.lower().rstrip(".") for name in MENTION.findall(text)}
    if not names:
        return []
    candidates = Agent.objects.select_related("user").filter(user__is_active=True, user__is_staff=True)
    found = [agent for agent in candidates if agent.user.email.split("@")[0].lower() in names]
    return [agent for agent in found if visible_tickets(agent.user).filter(pk=ticket.pk).exists()]


def notify_assigned(ticket: Ticket, agent: Agent, actor: User | None) -> None:
    if agent.notify_on_assignment and agent.user_id != (actor.pk if actor else None):
        text = _("Ticket #%(number)s was assigned to you") % {"number": ticket.number}
        _create(agent.user, Notification.Kind.ASSIGNED, ticket, text)


def notify_message(ticket: Ticket) -> None:
    agent = ticket.assignee
    if agent is not None and agent.notify_on_message:
        text = _("New customer message in #%(number)s") % {"number": ticket.number}
        _create(agent.user, Notification.Kind.MESSAGE, ticket, text)


def notify_mentions(ticket: Ticket, text: str, actor: User) -> list[Agent]:
    agents = [agent for agent in mentioned_agents(text, ticket) if agent.user_id != actor.pk]
    for agent in agents:
        if agent.notify_on_mention:
            text = _("%(name)s mentioned you in #%(number)s") % {"name": actor.display_name, "number": ticket.number}
            _create(agent.user, Notification.Kind.MENTION, ticket, text)
    return agents


def _create(recipient: User, kind: str, ticket: Ticket, text: str) -> Notification:
    return Notification.objects.create(recipient=recipient, kind=kind, ticket=ticket, text=text[:255])
