"""The Tasks section of the staff panel: queues, the task page, new tasks and every action on a task.

Every view finds its task through ``tasks.access.task_for_agent``; every change is a POST that calls one
service in ``tasks.services`` and goes back to the task page saying how it went.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F, Prefetch
from django.forms import Form
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from helpdesk.accounts.views import StaffRequest, staff_required
from tasks import files, services
from tasks.access import task_for_agent
from tasks.filters import DEFAULT_SORT, PAGE_PARAM, SORTS, TaskFilter
from tasks.forms import AssignFields, NewTaskForm, NoteForm, TaskEditForm, task_departments
from tasks.models import Task, TaskEvent, TaskNote
from tasks.queues import DEFAULT_TASK_QUEUE, TASK_QUEUES, TaskQueue, for_listing, task_queue_counts, task_queue_for
from tickets.access import ticket_for_agent, visible_tickets
from tickets.html import html_to_text
from tickets.models import Attachment, Ticket
from tickets.queue_views import page_size_for
from tickets.services import TicketError


def task_url(task: Task) -> str:
    return reverse("scp:task", args=[task.pk])


def _first_error(form: Form) -> str:
    return next((str(error) for errors in form.errors.values() for error in errors), _("Check the form."))


# --- queues -----------------------------------------------------------------------------------


@require_GET
@staff_required
def task_list(request: StaffRequest) -> HttpResponse:
    """The default task queue: open tasks."""
    return _queue_response(request, TASK_QUEUES[DEFAULT_TASK_QUEUE])


@require_GET
@staff_required
def task_queue(request: StaffRequest, slug: str) -> HttpResponse:
    return _queue_response(request, task_queue_for(slug))


def _queue_response(request: StaffRequest, queue: TaskQueue) -> HttpResponse:
    tasks = queue.tasks(request.user).order_by(*SORTS[DEFAULT_SORT])
    filters = TaskFilter(request.GET, queryset=tasks, request=request)
    page = Paginator(for_listing(filters.qs), page_size_for(request.user)).get_page(request.GET.get(PAGE_PARAM))
    counts = task_queue_counts(request.user)
    context: dict[str, Any] = {
        "queue": queue,
        "page": page,
        "filters": filters,
        "filtered": filters.active(),
        "menu": [(each, counts[slug]) for slug, each in TASK_QUEUES.items()],
        "may_create": task_departments(request.user).exists(),
    }
    return render(request, "scp/tasks/list.html", context)


# --- a new task -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_required
def task_new(request: StaffRequest) -> HttpResponse:
    """A task on its own, or for the ticket named by ``?ticket=<number>`` (which the agent must see)."""
    number = request.GET.get("ticket", "")
    ticket = ticket_for_agent(request.user, number) if number else None
    initial = {"department": ticket.department_id} if ticket else {}
    form = NewTaskForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            task = services.create_task(actor=request.user, ticket=ticket, **form.cleaned_data)
        except TicketError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Task #%(id)s created.") % {"id": task.pk})
            return redirect(task_url(task))
    status = 400 if request.method == "POST" else 200
    return render(request, "scp/tasks/new.html", {"form": form, "ticket": ticket}, status=status)


# --- the task page ----------------------------------------------------------------------------


@require_GET
@staff_required
def task_page(request: StaffRequest, pk: int) -> HttpResponse:
    task = _task_for_page(request, pk)
    context: dict[str, Any] = {
        "task": task,
        "ticket_visible": task.ticket_id is not None
        and visible_tickets(request.user).filter(pk=task.ticket_id).exists(),
        "may_manage": services.may_manage(request.user, task),
        "may_work": services.may_work(request.user, task),
        "edit_form": TaskEditForm(
            initial={"title": task.title, "body": html_to_text(task.body), "due_at": task.due_at}
        ),
        "assign_form": AssignFields(initial={"assignee": task.assignee_id, "team": task.team_id}),
        "note_form": NoteForm(),
    }
    return render(request, "scp/tasks/page.html", context)


def _task_for_page(request: StaffRequest, pk: int) -> Task:
    """The task (404 unless visible) with its ticket's metadata, notes, files and log joined in."""
    task = task_for_agent(request.user, pk)
    notes = TaskNote.objects.select_related("author").prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.order_by("id"))
    )
    return (
        Task.objects.select_related(
            "ticket__status", "ticket__department", "ticket__requester", "department", "assignee__user", "team"
        )
        .prefetch_related(
            Prefetch("notes", queryset=notes), Prefetch("events", queryset=TaskEvent.objects.select_related("actor"))
        )
        .get(pk=task.pk)
    )


@require_GET
@staff_required
def task_attachment(request: StaffRequest, pk: int, attachment: int) -> FileResponse:
    """A file of one of the task's notes, for whoever may see the task."""
    task = task_for_agent(request.user, pk)
    item = Attachment.objects.filter(pk=attachment, tasknote__task=task).first()
    if item is None:
        raise Http404("No such attachment.")
    return files.serve(item)


# --- actions ----------------------------------------------------------------------------------


def _apply(request: StaffRequest, task: Task, change: Callable[[], object], success: str) -> HttpResponseRedirect:
    """Run one change in a transaction and go back to the task page, saying how it went."""
    try:
        with transaction.atomic():
            change()
    except TicketError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)
    return redirect(task_url(task))


def _refuse(request: StaffRequest, task: Task, form: Form) -> HttpResponseRedirect:
    messages.error(request, _first_error(form))
    return redirect(task_url(task))


@require_POST
@staff_required
def task_assign(request: StaffRequest, pk: int) -> HttpResponse:
    task = task_for_agent(request.user, pk)
    form = AssignFields(request.POST)
    if not form.is_valid():
        return _refuse(request, task, form)
    agent, team = form.cleaned_data["assignee"], form.cleaned_data["team"]
    done = _("Assigned to %(name)s.") % {"name": agent or team} if agent or team else _("The task is now unassigned.")
    return _apply(
        request, task, lambda: services.assign_task(task=task, actor=request.user, assignee=agent, team=team), done
    )


@require_POST
@staff_required
def task_edit(request: StaffRequest, pk: int) -> HttpResponse:
    task = task_for_agent(request.user, pk)
    form = TaskEditForm(request.POST)
    if not form.is_valid():
        return _refuse(request, task, form)
    return _apply(
        request, task, lambda: services.update_task(task=task, actor=request.user, **form.cleaned_data), _("Saved.")
    )


@require_POST
@staff_required
def task_complete(request: StaffRequest, pk: int) -> HttpResponse:
    task = task_for_agent(request.user, pk)
    return _apply(
        request, task, lambda: services.complete_task(task=task, actor=request.user), _("The task is completed.")
    )


@require_POST
@staff_required
def task_reopen(request: StaffRequest, pk: int) -> HttpResponse:
    task = task_for_agent(request.user, pk)
    return _apply(
        request, task, lambda: services.reopen_task(task=task, actor=request.user), _("The task is open again.")
    )


@require_POST
@staff_required
def task_note(request: StaffRequest, pk: int) -> HttpResponse:
    task = task_for_agent(request.user, pk)
    form = NoteForm(request.POST, request.FILES)
    if not form.is_valid():
        return _refuse(request, task, form)
    return _apply(
        request,
        task,
        lambda: services.add_task_note(
            task=task, actor=request.user, body=form.cleaned_data["body"], attachments=form.new_attachments()
        ),
        _("Note added."),
    )


def tasks_of_ticket(ticket: Ticket) -> list[Task]:
    """The ticket's tasks for its page's task panel, open ones first (one query)."""
    return list(
        Task.objects.filter(ticket=ticket)
        .select_related("assignee__user", "team")
        .order_by(F("completed_at").asc(nulls_first=True), "-created_at")
    )
