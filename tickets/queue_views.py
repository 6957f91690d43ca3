"""The staff queues (the first page after sign-in), saved searches and bulk actions. All behind ``staff_required``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from helpdesk.accounts.models import Agent, User
from helpdesk.accounts.views import StaffRequest, staff_required
from tickets import services
from tickets.access import agent_of, remember_department_ids, ticket_for_agent, visible_tickets
from tickets.dates import TimeFormatter
from tickets.filters import DEFAULT_SORT, PAGE_PARAM, SORT_PARAM, SORTS, TicketFilter, clean_query, share_choices
from tickets.models import SavedSearch, Ticket
from tickets.queue_forms import Action, BulkForm, SavedSearchForm
from tickets.queues import (
    COUNT_CAP,
    DEFAULT_QUEUE,
    QUEUES,
    Queue,
    capped_count,
    for_listing,
    queue_counts,
    queue_for,
    queues_for,
)
from tickets.search import highlight

DEFAULT_PAGE_SIZE = 25
MAX_PAGE = 1_000_000  # deeper page numbers are read as this one
# Filters shown in the always-visible bar; the rest sit under "More filters".
QUICK_FILTERS = ("q", "status", "priority", "department", "assignee")
RANGE_FILTERS = ("created", "activity")
# Table columns that sort when their heading is clicked, with the direction of the first click.
SORTABLE_COLUMNS = {"number": "number", "subject": "subject", "priority": "-priority", "activity": "-activity"}


def page_size_for(user: User) -> int:
    agent = agent_of(user)
    return agent.page_size if agent is not None else DEFAULT_PAGE_SIZE


# --- queues -----------------------------------------------------------------------------------


@require_GET
@staff_required
def ticket_list(request: StaffRequest) -> HttpResponse:
    """The default queue: open tickets."""
    remember_department_ids(request.user)
    return _queue_response(request, QUEUES[DEFAULT_QUEUE])


@require_GET
@staff_required
def queue(request: StaffRequest, slug: str) -> HttpResponse:
    remember_department_ids(request.user)
    return _queue_response(request, queue_for(request.user, slug))


def _queue_response(request: StaffRequest, queue: Queue) -> HttpResponse:
    data = request.GET.copy()
    save_query = clean_query(data)
    save_query["queue"] = queue.slug
    return _render_list(
        request,
        tickets=queue.tickets(request.user),
        data=data,
        heading=str(queue.title),
        current=queue.slug,
        save_query=save_query,
    )


def _render_list(
    request: StaffRequest,
    *,
    tickets: QuerySet[Ticket],
    data: QueryDict,
    heading: str,
    current: str,
    save_query: QueryDict,
    search: SavedSearch | None = None,
) -> HttpResponse:
    user = request.user
    _warn_about_unknown_parameters(request)
    filters = TicketFilter(data, queryset=tickets.order_by(*SORTS[DEFAULT_SORT]), request=request)
    _warn_about_invalid_values(request, filters)
    agent = agent_of(user)
    menu = _menu(user, agent)
    per_page = page_size_for(user)
    known = menu["counts"].get(current) if search is None and not filters.active() else None
    found = filters.qs  # runs the search, which says whether it found every match
    paginator = CappedPaginator(
        found,
        per_page,
        number=data.get(PAGE_PARAM),
        count=known,
        exact=current != "closed",
        more=not filters.search_complete,
    )
    keys = paginator.deep_page_keys()
    page = paginator.get_page(data.get(PAGE_PARAM))
    start = (page.number - 1) * per_page
    if keys is None or page.number != paginator.wanted:
        # The keys first, as literals: handed over as a subquery, PostgreSQL planned a scan of every ticket.
        keys = list(found.values_list("pk", flat=True)[start : start + per_page])
    page.object_list = list(for_listing(found.filter(pk__in=keys))) if keys else []
    bulk_form = BulkForm(initial={"next": request.get_full_path()})
    share_choices(filters.form, bulk_form, user)
    _prepare_rows(page)
    sort = filters.form.cleaned_data.get(SORT_PARAM) or DEFAULT_SORT
    context: dict[str, Any] = {
        "heading": heading,
        "current": current,
        "search": search,
        "page": page,
        "filters": filters,
        "filtered": filters.active(),
        "more_fields": [
            filters.form[name] for name in filters.form.fields if name not in (*QUICK_FILTERS, *RANGE_FILTERS)
        ],
        "range_fields": [filters.form[name] for name in RANGE_FILTERS],
        "more_open": _more_filters_in_use(filters),
        "own_search": search is not None and agent is not None and search.owner_id == agent.pk,
        "sort_links": _sort_links(sort),
        "bulk_form": bulk_form,
        "save_form": SavedSearchForm(owner=agent, initial={"query": save_query.urlencode()}) if agent else None,
        **menu,
    }
    return render(request, "scp/queue.html", context)


def _prepare_rows(page: Page[Ticket]) -> None:
    """What each row shows beyond its fields, worked out once per page rather than once per row.

    The search snippet (if the search made one) as safe HTML, the ticket page's address (one ``reverse``
    for the page; numbers are digits), the priority's label (translated once per page) and the last
    activity's three renderings, without the template's filter lookups and time zone conversions.
    """
    head, _marker, tail = reverse("scp:ticket", args=["0"]).rpartition("0")
    labels = {value: str(label) for value, label in Ticket._meta.get_field("priority").flatchoices}
    shown_time = TimeFormatter()
    for ticket in page.object_list:
        ticket.last_activity_shown = shown_time(ticket.last_activity_at)
        ticket.search_highlight = highlight(getattr(ticket, "search_snippet", None))
        ticket.url = f"{head}{ticket.number}{tail}" if ticket.number.isdigit() else "#"
        ticket.priority_label = labels.get(ticket.priority, ticket.priority)


class CappedPaginator(Paginator):
    """Counts no further than it must: ``COUNT_CAP`` rows, or just past the requested page when that is deeper.

    The page's rows are then fetched by primary key, so the skipped rows of a deep page cost an index scan
    of their keys and not their joins and previews.
    """

    def __init__(
        self,
        tickets: QuerySet[Ticket],
        per_page: int,
        *,
        number: object,
        count: int | None,
        exact: bool,
        more: bool = False,
    ) -> None:
        """``count``, when known, is exact or (``exact`` false) itself counted up to ``COUNT_CAP + 1``.

        ``more``: the tickets are a search's candidates, and there are more matches than they hold.
        """
        super().__init__(tickets, per_page)
        self.tickets = tickets
        self.more = more
        try:
            wanted = min(max(int(str(number)), 1), MAX_PAGE)
        except ValueError:
            wanted = 1
        self.wanted = wanted
        self.reach = max(COUNT_CAP, (wanted + 1) * per_page) + 1
        self.exact = False
        if count is not None and (exact or count <= COUNT_CAP or self.reach == COUNT_CAP + 1):
            self.exact = exact or count <= COUNT_CAP
            self.__dict__["count"] = count

    @cached_property
    def count(self) -> int:
        return capped_count(self.tickets, self.reach)

    def deep_page_keys(self) -> list[int] | None:
        """The requested page's keys, when reading them also tells the count; else None (nothing read).

        A deep page counts only a page or two past itself: the keys from its first row up to ``reach`` hold
        its rows, and how many there are gives the same capped count, in one walk of the index instead of
        two. A page past the end reads nothing, and the count then finds the last page as usual.
        """
        start = (self.wanted - 1) * self.per_page
        if "count" in self.__dict__ or self.reach - start > 3 * self.per_page:
            return None
        keys = list(self.tickets.values_list("pk", flat=True)[start : self.reach])
        if not keys:
            return None
        self.__dict__["count"] = start + len(keys)
        return keys[: self.per_page]

    @property
    def capped(self) -> bool:
        """Whether there are more rows than were counted (the page shows "N+")."""
        return self.more or (not self.exact and self.count >= self.reach)

    @property
    def total_label(self) -> str:
        """The number of rows as shown: "10,000+" when capped."""
        if self.more:
            return f"{number_format(self.count, force_grouping=True)}+"
        if self.capped:
            return f"{number_format(self.reach - 1, force_grouping=True)}+"
        return number_format(self.count)

    @property
    def pages_label(self) -> str:
        if self.more:
            return f"{number_format(self.num_pages, force_grouping=True)}+"
        if self.capped:
            return f"{number_format(self.num_pages - 1, force_grouping=True)}+"
        return number_format(self.num_pages)


def _menu(user: User, agent: Agent | None) -> dict[str, Any]:
    queues = queues_for(user)
    counts = queue_counts(user, queues)
    searches = list(_searches_for(user).select_related("owner__user"))
    return {
        "counts": counts,
        "count_cap": COUNT_CAP,
        "menu_queues": [(queue, counts[queue.slug]) for queue in queues],
        "my_searches": [each for each in searches if agent is not None and each.owner_id == agent.pk],
        "shared_searches": [each for each in searches if agent is None or each.owner_id != agent.pk],
    }


def _more_filters_in_use(filters: TicketFilter) -> bool:
    cleaned = filters.form.cleaned_data
    hidden = [name for name in filters.form.fields if name not in QUICK_FILTERS and name != SORT_PARAM]
    return any(cleaned.get(name) not in (None, "") for name in hidden)


def _sort_links(current: str) -> dict[str, dict[str, str]]:
    """For each sortable column: the sort its heading link asks for and the direction it is sorted in now."""
    links = {}
    for column, first in SORTABLE_COLUMNS.items():
        if current == column:
            links[column] = {"next": f"-{column}", "direction": "ascending"}
        elif current == f"-{column}":
            links[column] = {"next": column, "direction": "descending"}
        else:
            links[column] = {"next": first, "direction": ""}
    return links


def _warn_about_unknown_parameters(request: StaffRequest) -> None:
    known = TicketFilter.parameter_names() | {PAGE_PARAM}
    unknown = sorted(key[:40] for key in request.GET if key not in known)
    if unknown:
        messages.warning(
            request,
            ngettext(
                "Ignored the unknown parameter %(names)s.", "Ignored the unknown parameters %(names)s.", len(unknown)
            )
            % {"names": ", ".join(f"“{name}”" for name in unknown)},
        )


def _warn_about_invalid_values(request: StaffRequest, filters: TicketFilter) -> None:
    for name in filters.errors:
        field = filters.form.fields.get(name)
        label = field.label if field is not None else name
        messages.warning(request, _("Ignored an invalid value for “%(filter)s”.") % {"filter": label})


# --- saved searches ---------------------------------------------------------------------------


def _searches_for(user: User) -> QuerySet[SavedSearch]:
    """The agent's own saved searches and those shared by anyone."""
    agent = agent_of(user)
    mine = Q(owner=agent) if agent is not None else Q(pk__in=[])
    return SavedSearch.objects.filter(mine | Q(is_shared=True)).order_by("name", "pk")


@require_GET
@staff_required
def saved_search(request: StaffRequest, pk: int) -> HttpResponse:
    """A saved search: its filters (the page's own parameters refine them) over the tickets this agent sees."""
    remember_department_ids(request.user)
    search = get_object_or_404(_searches_for(request.user), pk=pk)
    data = QueryDict(search.query, mutable=True)
    base = QUEUES.get(data.pop("queue", [""])[-1])
    for key in request.GET:
        data.setlist(key, request.GET.getlist(key))
    tickets = base.tickets(request.user) if base is not None else visible_tickets(request.user)
    save_query = clean_query(data)
    if base is not None:
        save_query["queue"] = base.slug
    return _render_list(
        request,
        tickets=tickets,
        data=data,
        heading=search.name,
        current=f"search-{search.pk}",
        save_query=save_query,
        search=search,
    )


@require_POST
@staff_required
def saved_search_create(request: StaffRequest) -> HttpResponse:
    agent = agent_of(request.user)
    if agent is None:
        messages.error(request, _("Only agents can save searches."))
        return _next_url(request)
    form = SavedSearchForm(request.POST, owner=agent)
    if not form.is_valid():
        errors = [str(error) for field_errors in form.errors.values() for error in field_errors]
        messages.error(request, _("The search was not saved: %(errors)s") % {"errors": " ".join(errors)})
        return _next_url(request)
    search = form.save(commit=False)
    search.owner = agent
    search.save()
    messages.success(request, _("Saved the search “%(name)s”.") % {"name": search.name})
    return redirect("scp:saved_search", pk=search.pk)


@require_POST
@staff_required
def saved_search_delete(request: StaffRequest, pk: int) -> HttpResponse:
    agent = agent_of(request.user)
    if agent is None:
        raise Http404("No such saved search.")
    search = get_object_or_404(SavedSearch, pk=pk, owner=agent)
    search.delete()
    messages.success(request, _("Deleted the saved search “%(name)s”.") % {"name": search.name})
    return redirect("scp:tickets")


# --- bulk actions -----------------------------------------------------------------------------


@require_POST
@staff_required
def bulk(request: StaffRequest) -> HttpResponse:
    """Apply one action to the selected tickets, each through its service; report what was refused and why."""
    back = _next_url(request)
    form = BulkForm(request.POST)
    if not form.is_valid():
        errors = [str(error) for field_errors in form.errors.values() for error in field_errors]
        messages.error(request, " ".join(errors))
        return back
    updated, refused = 0, []
    for number in form.cleaned_data["numbers"]:
        try:
            ticket = ticket_for_agent(request.user, number)
        except Http404:
            continue  # not this agent's to see: skipped without saying it exists
        try:
            _apply(form.cleaned_data, ticket, request.user)
        except services.TicketError as error:
            refused.append(f"#{number} ({error})")
        else:
            updated += 1
    _report(request, updated, refused)
    return back


def _apply(data: dict[str, Any], ticket: Ticket, actor: User) -> None:
    action = data["action"]
    if action == Action.ASSIGN:
        services.assign(ticket=ticket, actor=actor, agent=data["agent"], team=ticket.team)
    elif action == Action.TRANSFER:
        services.transfer(ticket=ticket, actor=actor, department=data["department"])
    elif action == Action.STATUS:
        services.set_status(ticket=ticket, actor=actor, status=data["status"])
    elif action == Action.PRIORITY:
        services.set_priority(ticket=ticket, actor=actor, priority=data["priority"])
    elif action == Action.CLOSE:
        services.close(ticket=ticket, actor=actor)


def _report(request: StaffRequest, updated: int, refused: list[str]) -> None:
    done = ngettext("%(count)d ticket updated", "%(count)d tickets updated", updated) % {"count": updated}
    if not refused:
        messages.success(request, f"{done}.")
        return
    not_done = ngettext("%(count)d refused", "%(count)d refused", len(refused)) % {"count": len(refused)}
    messages.error(request, f"{done}, {not_done}: {'; '.join(refused)}")


def _next_url(request: StaffRequest) -> HttpResponseRedirect:
    """Back to the queue the form was posted from (with its filters), if that address is on this site."""
    candidate = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return HttpResponseRedirect(candidate if safe and candidate.startswith("/") else reverse("scp:tickets"))
