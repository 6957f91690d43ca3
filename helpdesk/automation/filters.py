"""Running the ticket filters on a new ticket: ``route`` decides before the insert, ``Routing`` carries it out.

``tickets.services.open_ticket`` calls ``route`` for tickets people open themselves (mail, portal, API), raises
``Rejected`` when a filter rejects, applies the routing to the unsaved ticket, and after the insert lets the
routing post its canned replies. Filters run in order; later matching filters override earlier settings.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db.models import Prefetch

from faq.models import CannedResponse
from helpdesk.accounts.models import Agent, Department, Team, User
from helpdesk.automation.matching import Sample, condition_matches
from helpdesk.automation.models import FilterAction, FilterCondition, TicketFilter
from helpdesk.mail.models import Mailbox
from tickets import access, reference
from tickets.canned import render_body, variables
from tickets.models import HelpTopic, Ticket

log = logging.getLogger(__name__)
Action = FilterAction.Kind


@dataclass
class Routing:
    """What the matching filters decided for one new ticket."""

    matched: list[str] = field(default_factory=list)
    department: Department | None = None
    priority: int | None = None
    ticket_type: str = ""
    team: Team | None = None
    agent: Agent | None = None
    canned: list[CannedResponse] = field(default_factory=list)
    cc_emails: list[str] = field(default_factory=list)
    rejected_by: str = ""

    def apply_to(self, ticket: Ticket) -> bool:
        """Set priority, type, team and agent on the ticket (unsaved); True when there was anything to set.

        An agent without access to the ticket's department, or an inactive team, is skipped.
        """
        if not (self.priority or self.ticket_type or self.assigns):
            return False
        if self.priority:
            ticket.priority = self.priority
        if self.ticket_type:
            ticket.type = self.ticket_type
        if self.team is not None and self.team.is_active:
            ticket.team = self.team
        if self.agent is not None:
            if self.agent.user.is_active and access.may_work_in(self.agent, ticket.department_id):
                ticket.assignee = self.agent
            else:
                log.warning("Filter skipped assigning %s: no access to %s", self.agent, ticket.department)
        return True

    @property
    def assigns(self) -> bool:
        return self.team is not None or self.agent is not None

    def cc_users(self, requester: User) -> list[User]:
        """The people filters put in CC, as users (new addresses become customers without a password)."""
        return [user for user in map(User.objects.customer, self.cc_emails) if user.pk != requester.pk]

    def post_replies(self, ticket: Ticket) -> None:
        """Send each canned response the filters chose, filled in for this ticket, as an automatic reply."""
        from tickets.services import post_auto_reply

        # The sender is the department, so "{{ agent.name }}" reads as the department's name.
        sender = User(name=ticket.department.name, email=ticket.department.email)
        for canned in self.canned:
            body = render_body(canned.body, variables(ticket, sender))
            post_auto_reply(ticket=ticket, body=body, author_name=ticket.department.name)


def active_filters() -> list[TicketFilter]:
    """Enabled filters in their order, with their conditions and actions (three queries, once per batch of mail)."""
    return reference.remembered("ticket_filters", _read_filters)


def _read_filters() -> list[TicketFilter]:
    actions = FilterAction.objects.select_related("department", "team", "agent__user", "canned_response")
    return list(
        TicketFilter.objects.filter(is_active=True)
        .order_by("order", "pk")
        .prefetch_related(
            Prefetch("conditions", queryset=FilterCondition.objects.order_by("pk")),
            Prefetch("actions", queryset=actions.order_by("pk")),
        )
    )


def matches(ticket_filter: TicketFilter, sample: Sample) -> bool:
    """Whether the filter's conditions hold (all or any of them). A filter without conditions matches nothing."""
    conditions = list(ticket_filter.conditions.all())
    if not conditions:
        return False
    results = (condition_matches(condition, sample) for condition in conditions)
    return all(results) if ticket_filter.match == TicketFilter.Match.ALL else any(results)


def decide(sample: Sample, filters: list[TicketFilter] | None = None) -> Routing:
    """Run the filters in order on the sample and collect what the matching ones do."""
    routing = Routing()
    for ticket_filter in active_filters() if filters is None else filters:
        if not matches(ticket_filter, sample):
            continue
        routing.matched.append(ticket_filter.name)
        stop = _collect(ticket_filter, routing)
        if routing.rejected_by or stop or ticket_filter.stop_processing:
            break
    return routing


def sample_for(
    *, email: str, subject: str, body_text: str, help_topic: HelpTopic | None, mailbox: Mailbox | None, source: str
) -> Sample:
    """The sample filters see for a new ticket."""
    return Sample(
        email=email.strip().lower(),
        subject=subject,
        body=body_text,
        help_topic=help_topic.name if help_topic else "",
        mailbox=(mailbox.name, mailbox.email) if mailbox else (),
        source=source,
    )


def route(sample: Sample) -> Routing:
    """``decide`` for a real new ticket, logging what happened."""
    routing = decide(sample)
    if routing.rejected_by:
        log.info("Filter %r rejected a ticket from %s: %r", routing.rejected_by, sample.email, sample.subject[:80])
    elif routing.matched:
        log.info("Filters %s matched a ticket from %s", ", ".join(routing.matched), sample.email)
    return routing


def _collect(ticket_filter: TicketFilter, routing: Routing) -> bool:
    """Add the filter's actions to the routing; True when one of them says stop (after the filter's others)."""
    stop = False
    for action in ticket_filter.actions.all():
        if action.kind == Action.REJECT:
            routing.rejected_by = ticket_filter.name
            return True
        stop = stop or action.kind == Action.STOP
        _set(action, routing)
    return stop


def _set(action: FilterAction, routing: Routing) -> None:
    if action.kind == Action.DEPARTMENT:
        if action.department is not None and action.department.is_active:
            routing.department = action.department
    elif action.kind == Action.PRIORITY:
        routing.priority = action.priority
    elif action.kind == Action.TYPE:
        routing.ticket_type = action.ticket_type
    elif action.kind == Action.TEAM:
        routing.team = action.team
    elif action.kind == Action.AGENT:
        routing.agent = action.agent
    elif action.kind == Action.CANNED_REPLY and action.canned_response is not None:
        routing.canned.append(action.canned_response)
    elif action.kind == Action.COLLABORATORS:
        routing.cc_emails += [email for email in action.email_list() if email not in routing.cc_emails]
