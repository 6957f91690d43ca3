"""The JSON API for integrations: an agent's bearer token, the staff panel's permissions, an OpenAPI document.

Built on django-ninja: typed schemas become the OpenAPI document at ``/api/schema`` and the docs at
``/api/docs`` (served from ninja's bundled static files, so the strict CSP holds). Every read goes through
``tickets.access`` and every change through ``tickets.services``: a token can do exactly what its agent can.
Internal notes are returned only with ``?notes=true``: any agent who may open a ticket reads its notes in
the staff panel, so the API allows the same, but integrations get the public thread unless they ask.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Schema
from ninja.openapi.docs import Swagger
from ninja.responses import Status as WithStatus
from ninja.security import HttpBearer

from helpdesk.accounts.models import Agent, Team, User
from helpdesk.api import limits
from helpdesk.api.models import AgentToken
from helpdesk.api.schemas import (
    AssignIn,
    AttachmentOut,
    EntryOut,
    NoteIn,
    Person,
    Problem,
    ReplyIn,
    StatusIn,
    StatusOut,
    TicketDetail,
    TicketOut,
    TicketPage,
)
from helpdesk.api.tokens import digest
from tickets import access, services
from tickets.models import Source, Status, ThreadEntry, Ticket

MAX_PAGE_SIZE = 100
_Found = TypeVar("_Found", Agent, Team)


class RateLimited(Exception):
    """The token made more requests this minute than API_RATE_LIMIT allows."""


class AgentBearer(HttpBearer):
    """``Authorization: Bearer spt_...``: an active token of an active agent. The request acts as that agent."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = AgentToken.objects.select_related("user").filter(token_hash=digest(token), is_active=True).first()
        if found is None or not (found.user.is_active and found.user.is_staff):
            return None
        if limits.over_limit(found.token_hash):
            raise RateLimited
        AgentToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        return found.user


api = NinjaAPI(
    title="Sportello API",
    version="1",
    description="Tickets for integrations. Authenticate with an agent's token: `Authorization: Bearer spt_...`.",
    auth=AgentBearer(),
    urls_namespace="api",
    openapi_url="/schema",
    docs_url="/docs",
    docs=Swagger(settings={"validatorUrl": None}),
)


@api.exception_handler(RateLimited)
def _rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = api.create_response(request, {"detail": "Too many requests"}, status=429)
    response["Retry-After"] = str(limits.seconds_to_next_window())
    return response


@api.exception_handler(services.NotAllowed)
def _not_allowed(request: HttpRequest, exc: services.NotAllowed) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=403)


@api.exception_handler(services.TicketError)
def _refused(request: HttpRequest, exc: services.TicketError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=400)


def _agent(request: HttpRequest) -> User:
    user: User = request.auth  # type: ignore[attr-defined]  # set by AgentBearer
    return user


# --- reading ----------------------------------------------------------------------------------


class TicketFilters(Schema):
    state: str | None = None
    status_id: int | None = None
    department_id: int | None = None
    priority: int | None = None
    mine: bool = False
    unassigned: bool = False
    q: str | None = None
    updated_since: datetime | None = None
    page: int = 1
    page_size: int = 25


def _filtered(tickets: QuerySet[Ticket], filters: TicketFilters, user: User) -> QuerySet[Ticket]:
    exact = {
        "state": filters.state,
        "status_id": filters.status_id,
        "department_id": filters.department_id,
        "priority": filters.priority,
    }
    tickets = tickets.filter(**{field: value for field, value in exact.items() if value is not None})
    if filters.mine:
        tickets = tickets.filter(assignee__user=user)
    if filters.unassigned:
        tickets = tickets.filter(assignee__isnull=True)
    if filters.q:
        tickets = tickets.filter(Q(subject__icontains=filters.q) | Q(number=filters.q.strip()))
    if filters.updated_since:
        tickets = tickets.filter(updated_at__gte=filters.updated_since)
    return tickets


def _with_relations(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    return tickets.select_related("status", "department", "help_topic", "requester", "assignee__user", "team")


@api.get("/v1/tickets", response=TicketPage, tags=["tickets"])
def list_tickets(request: HttpRequest, filters: Query[TicketFilters]) -> TicketPage:
    """Tickets the agent may see in the staff panel, most recently updated first."""
    user = _agent(request)
    tickets = _filtered(access.visible_tickets(user), filters, user)
    page_size = min(max(filters.page_size, 1), MAX_PAGE_SIZE)
    page = max(filters.page, 1)
    start = (page - 1) * page_size
    rows = _with_relations(tickets.order_by("-updated_at", "-pk"))[start : start + page_size]
    return TicketPage(count=tickets.count(), page=page, page_size=page_size, results=[_ticket(t) for t in rows])


@api.get("/v1/tickets/{number}", response=TicketDetail, tags=["tickets"])
def read_ticket(request: HttpRequest, number: str, notes: bool = False) -> TicketDetail:
    """One ticket with its thread: the public messages and replies, and internal notes with ``notes=true``."""
    ticket = access.ticket_for_agent(_agent(request), number)
    entries = ThreadEntry.objects.filter(ticket=ticket).prefetch_related("attachments")
    if not notes:
        entries = entries.exclude(kind=ThreadEntry.Kind.NOTE)
    ticket = (
        _with_relations(Ticket.objects.filter(pk=ticket.pk))
        .prefetch_related("collaborators", Prefetch("entries", queryset=entries, to_attr="thread"))
        .get()
    )
    return TicketDetail(
        **_ticket(ticket).model_dump(),
        collaborators=[_person(user) for user in ticket.collaborators.all()],
        thread=[_entry(entry) for entry in ticket.thread],  # to_attr of the Prefetch above
    )


@api.get("/v1/statuses", response=list[StatusOut], tags=["tickets"])
def list_statuses(request: HttpRequest) -> list[StatusOut]:
    """Every ticket status, for ``status_id``."""
    return [StatusOut(id=s.pk, name=s.name, state=s.state) for s in Status.objects.order_by("sort_order", "pk")]


# --- changing ---------------------------------------------------------------------------------

_CHANGE_RESPONSES: dict[int, type[Schema]] = {400: Problem, 403: Problem, 404: Problem}


@api.post("/v1/tickets/{number}/reply", response={201: EntryOut, **_CHANGE_RESPONSES}, tags=["tickets"])
def reply(request: HttpRequest, number: str, data: ReplyIn) -> WithStatus[EntryOut]:
    """A public reply to the customer, optionally setting a status in the same step."""
    user = _agent(request)
    ticket = access.ticket_for_agent(user, number)
    status = _status(data.status_id) if data.status_id is not None else None
    entry = services.post_reply(
        ticket=ticket, actor=user, body=data.body, is_html=data.is_html, status=status, source=Source.API
    )
    return WithStatus(201, _entry(entry))


@api.post("/v1/tickets/{number}/notes", response={201: EntryOut, **_CHANGE_RESPONSES}, tags=["tickets"])
def add_note(request: HttpRequest, number: str, data: NoteIn) -> WithStatus[EntryOut]:
    """An internal note, never shown to the customer."""
    user = _agent(request)
    ticket = access.ticket_for_agent(user, number)
    entry = services.post_note(ticket=ticket, actor=user, body=data.body, is_html=data.is_html)
    return WithStatus(201, _entry(entry))


@api.post("/v1/tickets/{number}/status", response={200: TicketOut, **_CHANGE_RESPONSES}, tags=["tickets"])
def change_status(request: HttpRequest, number: str, data: StatusIn) -> TicketOut:
    """Set the status; closing and reopening follow the staff panel's rules (open tasks block closing)."""
    user = _agent(request)
    ticket = access.ticket_for_agent(user, number)
    services.set_status(ticket=ticket, actor=user, status=_status(data.status_id))
    return _reloaded(ticket)


@api.post("/v1/tickets/{number}/assign", response={200: TicketOut, **_CHANGE_RESPONSES}, tags=["tickets"])
def assign(request: HttpRequest, number: str, data: AssignIn) -> TicketOut:
    """Give the ticket to an agent and/or a team; null clears either."""
    user = _agent(request)
    ticket = access.ticket_for_agent(user, number)
    agent = _found(Agent.objects.filter(user__is_active=True), data.agent_id, _("agent"))
    team = _found(Team.objects.all(), data.team_id, _("team"))
    services.assign(ticket=ticket, actor=user, agent=agent, team=team)
    return _reloaded(ticket)


def _status(status_id: int) -> Status:
    status = Status.objects.filter(pk=status_id).first()
    if status is None:
        raise services.TicketError(_("No status with id %(id)s.") % {"id": status_id})
    return status


def _found(queryset: QuerySet[_Found], pk: int | None, what: str) -> _Found | None:
    if pk is None:
        return None
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise services.TicketError(_("No %(what)s with id %(id)s.") % {"what": what, "id": pk})
    return found


def _reloaded(ticket: Ticket) -> TicketOut:
    return _ticket(get_object_or_404(_with_relations(Ticket.objects.all()), pk=ticket.pk))


# --- shaping ----------------------------------------------------------------------------------


def _person(user: User) -> Person:
    return Person(email=user.email, name=user.name)


def _ticket(ticket: Ticket) -> TicketOut:
    return TicketOut(
        number=ticket.number,
        subject=ticket.subject,
        status_id=ticket.status_id,
        status=ticket.status.name,
        state=ticket.state,
        priority=ticket.priority,
        type=ticket.type,
        source=ticket.source,
        department_id=ticket.department_id,
        department=ticket.department.name,
        help_topic=ticket.help_topic.name if ticket.help_topic else None,
        requester=_person(ticket.requester),
        assignee_id=ticket.assignee_id,
        assignee=ticket.assignee.name if ticket.assignee else None,
        team_id=ticket.team_id,
        team=ticket.team.name if ticket.team else None,
        is_overdue=ticket.is_overdue,
        is_answered=ticket.is_answered,
        due_at=ticket.due_at,
        created_at=ticket.created_at,
        updated_at=ticket.updated_at,
        last_message_at=ticket.last_message_at,
        last_response_at=ticket.last_response_at,
        closed_at=ticket.closed_at,
    )


def _entry(entry: ThreadEntry) -> EntryOut:
    return EntryOut(
        id=entry.pk,
        kind=entry.kind,
        author=entry.author_name,
        body_html=entry.body,
        body_text=entry.body_text,
        source=entry.source,
        created_at=entry.created_at,
        attachments=[
            AttachmentOut(name=a.name, size=a.size, content_type=a.content_type) for a in entry.attachments.all()
        ],
    )
