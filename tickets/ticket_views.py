"""The staff ticket page: header, thread, reply box, presence of other agents, canned responses and downloads.

The action panel and the activity log on the same page come from tickets/action_views.py; this module only
renders them with tickets.ticket_context.action_context.
"""

from __future__ import annotations

import json
from typing import Any, cast

from django.contrib import messages
from django.db import transaction
from django.forms import ModelChoiceField
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from helpdesk.accounts.models import Agent, User
from helpdesk.accounts.views import StaffRequest, staff_required
from tasks import files
from tasks.views import tasks_of_ticket
from tickets import presence, services
from tickets.access import agent_of, ticket_for_agent, visible_tickets
from tickets.canned import canned_files, canned_for, render_canned
from tickets.models import Activity, Attachment, State, Status, ThreadEntry, Ticket
from tickets.reply_forms import ReplyForm, ReplyType
from tickets.thread import latest_message_id, thread_for
from tickets.ticket_context import action_context, ticket_for_page

DRAFT_KEY = "sportello_reply_draft_{}"
OTHER_TICKETS_SHOWN = 5


def ticket_url(number: str) -> str:
    return reverse("scp:ticket", args=[number])


# --- the page ---------------------------------------------------------------------------------


@require_GET
@staff_required
def ticket_page(request: StaffRequest, number: str) -> HttpResponse:
    ticket = ticket_for_page(request.user, number)
    _mark_seen(request.user, ticket)
    presence.touch(ticket.pk, request.user, typing=False)
    draft = request.session.pop(DRAFT_KEY.format(ticket.pk), None)
    form = ReplyForm(initial={"reply_type": _default_reply_type(request.user), **(draft or {})})
    return _render_page(request, ticket, form)


def _mark_seen(user: User, ticket: Ticket) -> None:
    """Opening the ticket reads its customer messages (the service ignores non-agents and writes no event)."""
    if ticket.merged_into_id:
        return  # read-only now; the service refuses to touch it
    if ticket.unread_count or ticket.activity == Activity.UNREAD:
        seen = services.mark_seen(ticket=ticket, actor=user)
        ticket.unread_count, ticket.activity = seen.unread_count, seen.activity


def _default_reply_type(user: User) -> str:
    agent = agent_of(user)
    return agent.default_reply_type if agent else ReplyType.PUBLIC


def _render_page(request: StaffRequest, ticket: Ticket, form: ReplyForm, status: int = 200) -> HttpResponse:
    thread = thread_for(ticket, everything=request.GET.get("all") == "1")
    actions = action_context(request.user, ticket)
    statuses = actions["statuses"] = list(actions["statuses"])
    _offer_statuses(form, statuses)
    context: dict[str, Any] = {
        **actions,
        "thread": thread,
        "other_tickets": _other_open_tickets(request.user, ticket),
        "present": [p.as_json() for p in presence.others(ticket.pk, request.user)],
        "canned_responses": canned_for(ticket).only("pk", "title"),
        "form": form,
        # Always the newest message, also when a refused form is shown again: the agent sees it now.
        "last_message_id": thread.latest_message_id,
        "has_signature": bool(getattr(agent_of(request.user), "signature", "")),
        "ticket_tasks": tasks_of_ticket(ticket),
    }
    return render(request, "scp/ticket.html", context, status=status)


def _offer_statuses(form: ReplyForm, statuses: list[Status]) -> None:
    """The reply box offers the statuses the action panel has loaded, instead of reading them again."""
    field = cast(ModelChoiceField, form.fields["status"])
    field.choices = [("", field.empty_label), *((status.pk, field.label_from_instance(status)) for status in statuses)]


def _other_open_tickets(user: User, ticket: Ticket) -> list[Ticket]:
    """Up to five more open tickets of the requester that this agent may open."""
    return list(
        visible_tickets(user)
        .filter(requester_id=ticket.requester_id, state=State.OPEN)
        .exclude(pk=ticket.pk)
        .only("pk", "number", "subject")
        .order_by("-last_activity_at")[:OTHER_TICKETS_SHOWN]
    )


# --- replying ---------------------------------------------------------------------------------


@require_POST
@staff_required
def ticket_reply(request: StaffRequest, number: str) -> HttpResponse:
    ticket = ticket_for_page(request.user, number)
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_page(request, ticket, form, status=400)
    if form.cleaned_data["last_message_id"] != latest_message_id(ticket):
        crossing = _("A new customer message arrived while you were writing; review it and send again.")
        return _keep_draft(request, ticket, form, crossing, level=messages.WARNING)
    try:
        with transaction.atomic():
            entry = _send(form, ticket=ticket, actor=request.user)
    except services.TicketError as error:
        return _keep_draft(request, ticket, form, str(error), level=messages.ERROR)
    messages.success(request, _("Internal note posted.") if form.is_note else _("Reply sent."))
    return redirect(f"{ticket_url(ticket.number)}#entry-{entry.pk}")


def _send(form: ReplyForm, *, ticket: Ticket, actor: User) -> ThreadEntry:
    """Add the CCs, then post the reply or note and set the status, all or nothing."""
    for address in form.cleaned_data["cc"]:
        person = User.objects.customer(address)
        if person.pk != ticket.requester_id:
            services.add_collaborator(ticket=ticket, actor=actor, user=person)
    status = form.cleaned_data["status"]
    body = form.cleaned_data["body"]
    files = form.new_attachments() + canned_files(ticket, form.cleaned_data["canned_attachment"])
    if form.is_note:
        entry = services.post_note(ticket=ticket, actor=actor, body=body, attachments=files)
        if status is not None:
            services.set_status(ticket=ticket, actor=actor, status=status)
        return entry
    if form.cleaned_data["append_signature"]:
        body = _with_signature(body, agent_of(actor))
    return services.post_reply(ticket=ticket, actor=actor, body=body, status=status, attachments=files)


def _with_signature(body: str, agent: Agent | None) -> str:
    signature = agent.signature.strip() if agent else ""
    if not signature:
        return body
    return f"{body.rstrip()}\n\n{signature}" if body.strip() else signature


def _keep_draft(request: StaffRequest, ticket: Ticket, form: ReplyForm, text: str, *, level: int) -> HttpResponse:
    """Nothing was sent: back to the ticket with the message, the draft waiting in the reply box."""
    request.session[DRAFT_KEY.format(ticket.pk)] = form.draft()
    if form.cleaned_data.get("attachments"):
        again = _("Attach your files again.")
        text = f"{text} {again}"
    messages.add_message(request, level, text)
    return HttpResponseRedirect(f"{ticket_url(ticket.number)}#reply")


# --- presence, canned responses, attachments ------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_required
def ticket_presence(request: StaffRequest, number: str) -> JsonResponse:
    """POST reports that this agent has the page open (and whether typing); both answer who else is there."""
    ticket = ticket_for_agent(request.user, number)
    if request.method == "POST":
        presence.touch(ticket.pk, request.user, typing=_truthy(_presence_report(request).get("typing")))
    return JsonResponse(
        {
            "others": [p.as_json() for p in presence.others(ticket.pk, request.user)],
            "latest_message_id": latest_message_id(ticket),
        }
    )


def _presence_report(request: StaffRequest) -> dict[str, Any]:
    if request.content_type == "application/json":
        try:
            report = json.loads(request.body or b"{}")
        except ValueError:
            return {}
        return report if isinstance(report, dict) else {}
    return request.POST.dict()


def _truthy(value: object) -> bool:
    return value is True or str(value).lower() in {"1", "true", "on", "yes"}


@require_GET
@staff_required
def canned_render(request: StaffRequest, number: str, pk: str) -> JsonResponse:
    ticket = ticket_for_agent(request.user, number)
    canned = get_object_or_404(canned_for(ticket), pk=pk)
    files = [{"id": item.pk, "name": item.safe_name} for item in canned.attachments.order_by("pk")]
    return JsonResponse({"body": render_canned(canned, ticket=ticket, agent_user=request.user), "attachments": files})


@require_GET
@staff_required
def attachment(request: StaffRequest, pk: int) -> FileResponse:
    """A thread attachment, for agents who may open its ticket; only plain raster images open in the browser."""
    item = get_object_or_404(Attachment.objects.select_related("entry"), pk=pk, entry__isnull=False)
    if item.entry is None or not visible_tickets(request.user).filter(pk=item.entry.ticket_id).exists():
        raise Http404("No such attachment.")
    return files.serve(item)
