"""Notifications: in-app ones for agents, and every mail Sportello sends about a ticket.

Services call these inside their transaction. In-app notifications are rows written with the change; mail is
a job per recipient (``helpdesk.mail.jobs.send_notification``) queued once the transaction commits, so a
rolled-back change sends nothing and a failing mail server never undoes a change.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from helpdesk.accounts.models import Agent, Department, Notification, Team, User
from tickets.models import ThreadEntry, Ticket

# "@alice" mentions the agent whose e-mail address starts with "alice@".
MENTION = re.compile(r"(?<![\w@])@([\w.+-]+)")
_muted: ContextVar[bool] = ContextVar("mail_muted", default=False)


@contextmanager
def muted() -> Iterator[None]:
    """Queue no mail for changes made inside the block (demo data, imports of old tickets)."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def mentioned_agents(text: str, ticket: Ticket) -> list[Agent]:
    """Agents named with @local-part in ``text`` who may see the ticket."""
    from tickets.access import visible_tickets

    names = {name.lower().rstrip(".") for name in MENTION.findall(text)}
    if not names:
        return []
    candidates = Agent.objects.select_related("user").filter(user__is_active=True, user__is_staff=True)
    found = [agent for agent in candidates if agent.user.email.split("@")[0].lower() in names]
    return [agent for agent in found if visible_tickets(agent.user).filter(pk=ticket.pk).exists()]


def notify_opened(ticket: Ticket, actor: User, *, autorespond: bool, alert: bool = True) -> None:
    """A new ticket: the auto-response to its requester, and the new-ticket alert to its department's agents.

    No auto-response when the caller says so (robots), the help topic turns it off, or staff opened the
    ticket for someone else without ticking "Send the customer a notice" (``custom_fields["notify_customer"]``).
    Both go out through one job (``helpdesk.mail.jobs.ticket_opened``) that finds the agents to alert on the
    worker, so that opening a ticket (a mail import above all) pays one trip to the broker and no query for them.
    """
    from helpdesk.mail.jobs import ticket_opened

    topic_allows = ticket.help_topic is None or ticket.help_topic.auto_respond
    opened_by_staff = actor.pk != ticket.requester_id and actor.is_staff
    staff_asked = opened_by_staff and ticket.custom_fields.get("notify_customer") is True
    respond = autorespond and topic_allows and (staff_asked or not opened_by_staff)
    if (respond or alert) and not _muted.get():
        ticket_id, actor_id = ticket.pk, actor.pk
        transaction.on_commit(lambda: ticket_opened.delay(ticket_id, actor_id, respond, alert), robust=True)


def new_ticket_watchers(ticket: Ticket, actor_id: int) -> list[User]:
    """The agents of the ticket's department who want the new-ticket alert, less the one who opened it."""
    agents = _mail_wanted("notify_on_new_ticket").filter(access__department=ticket.department_id)
    return _users(agents, exclude={actor_id})


def notify_assigned(ticket: Ticket, agent: Agent, actor: User | None) -> None:
    """Tell the agent a ticket was assigned to them (in the panel, and by mail if they take mail)."""
    if agent.notify_on_assignment and agent.user_id != (actor.pk if actor else None):
        text = _("Ticket #%(number)s was assigned to you") % {"number": ticket.number}
        _create(agent.user, Notification.Kind.ASSIGNED, ticket, text)
        if agent.notify_by_email:
            _mail("assigned_alert", ticket.pk, [agent.user])


def notify_team_assigned(ticket: Ticket, team: Team, actor: User | None) -> None:
    """Mail the members of the team the ticket was given to (not the one who gave it, nor its new assignee)."""
    members = _mail_wanted("notify_on_assignment").filter(teams=team)
    _mail("assigned_alert", ticket.pk, _users(members, exclude={actor.pk if actor else None, _assignee_user(ticket)}))


def notify_message(ticket: Ticket, entry: ThreadEntry | None = None) -> None:
    """Tell the assignee the customer wrote again (the mail quotes ``entry``)."""
    agent = ticket.assignee
    if agent is not None and agent.notify_on_message:
        text = _("New customer message in #%(number)s") % {"number": ticket.number}
        _create(agent.user, Notification.Kind.MESSAGE, ticket, text)
        if entry is not None and agent.notify_by_email and agent.user_id != entry.author_id:
            _mail("message_alert", entry.pk, [agent.user])


def notify_mentions(ticket: Ticket, text: str, actor: User, entry: ThreadEntry | None = None) -> list[Agent]:
    """Tell each agent named with @ in a note; returns the agents mentioned (whatever their preferences)."""
    agents = [agent for agent in mentioned_agents(text, ticket) if agent.user_id != actor.pk]
    for agent in agents:
        if agent.notify_on_mention:
            text = _("%(name)s mentioned you in #%(number)s") % {"name": actor.display_name, "number": ticket.number}
            _create(agent.user, Notification.Kind.MENTION, ticket, text)
            if entry is not None and agent.notify_by_email:
                _mail("mention_alert", entry.pk, [agent.user])
    return agents


def notify_reply(entry: ThreadEntry) -> None:
    """An agent's public reply goes by mail to the requester and the people in CC. A note goes to no one."""
    if not entry.is_public:
        return
    ticket = entry.ticket
    people = [ticket.requester, *ticket.collaborators.all()]
    _mail("reply", entry.pk, [person for person in people if person.pk != entry.author_id])


def notify_overdue(tickets: Iterable[Ticket]) -> None:
    """Mail each overdue ticket's assignee and its department's manager, when they want it."""
    watchers = overdue_watchers(tickets)
    wanting = {agent.pk: agent.user for agent in _mail_wanted("notify_on_overdue").filter(pk__in=watchers.agents)}
    for ticket_id, agent_ids in watchers.by_ticket.items():
        recipients = [wanting[pk] for pk in sorted(agent_ids) if pk in wanting]
        _mail("overdue_alert", ticket_id, recipients)


@dataclass(frozen=True)
class Watchers:
    by_ticket: dict[int, set[int]]  # ticket id -> the agent ids to alert

    @property
    def agents(self) -> set[int]:
        return set().union(*self.by_ticket.values())


def overdue_watchers(tickets: Iterable[Ticket]) -> Watchers:
    """Who hears of each overdue ticket: its assignee and its department's manager (agent ids, once each)."""
    tickets = list(tickets)
    departments = {ticket.department_id for ticket in tickets}
    managers = dict(Department.objects.filter(pk__in=departments).values_list("pk", "manager_id"))
    return Watchers(
        {
            ticket.pk: {pk for pk in (ticket.assignee_id, managers.get(ticket.department_id)) if pk is not None}
            for ticket in tickets
        }
    )


def _mail_wanted(preference: str) -> QuerySet[Agent]:
    """Active agents who take mail and turned ``preference`` on."""
    wanted = Agent.objects.filter(notify_by_email=True, user__is_active=True, user__is_staff=True)
    return wanted.filter(**{preference: True}).select_related("user").distinct()


def _users(agents: QuerySet[Agent], *, exclude: set[int | None] | None = None) -> list[User]:
    return [agent.user for agent in agents if agent.user_id not in (exclude or set())]


def _assignee_user(ticket: Ticket) -> int | None:
    return ticket.assignee.user_id if ticket.assignee else None


def _mail(key: str, object_id: int, recipients: Iterable[User]) -> None:
    """Queue the mail to every recipient once the transaction commits; a failure to queue never breaks the change.

    Several recipients go in one job that queues a job per recipient on the worker, so that the change
    (a mail import, a reply) pays one trip to the broker rather than one per agent.
    """
    from helpdesk.mail.jobs import send_notification, send_notifications

    recipient_ids = [user.pk for user in recipients]
    if _muted.get() or not recipient_ids:
        return
    if len(recipient_ids) == 1:
        transaction.on_commit(lambda: send_notification.delay(key, recipient_ids[0], object_id), robust=True)
    else:
        transaction.on_commit(lambda: send_notifications.delay(key, recipient_ids, object_id), robust=True)


def _create(recipient: User, kind: str, ticket: Ticket, text: str) -> Notification:
    return Notification.objects.create(recipient=recipient, kind=kind, ticket=ticket, text=text[:255])


OVERDUE_KIND = Notification.Kind.OVERDUE


def alert_overdue_in_app(tickets: Iterable[Ticket]) -> list[Notification]:
    """An in-app alert for each overdue ticket's assignee and its department's manager (once each, if active)."""
    tickets = list(tickets)
    watchers = overdue_watchers(tickets)
    active = Agent.objects.filter(pk__in=watchers.agents, user__is_active=True)
    user_of = dict(active.values_list("pk", "user_id"))
    alerts = []
    for ticket in tickets:
        users = sorted({user_of[pk] for pk in watchers.by_ticket[ticket.pk] if pk in user_of})
        text = _("Ticket #%(number)s is overdue") % {"number": ticket.number}
        alerts += [Notification(recipient_id=pk, kind=OVERDUE_KIND, ticket=ticket, text=text) for pk in users]
    return Notification.objects.bulk_create(alerts)
