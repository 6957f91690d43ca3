"""The staff directory: customers and organizations, and the people search behind e-mail pickers.

An agent sees the customers of tickets they may see (``helpdesk.accounts.people``) and, on every page,
only those tickets; superusers see everyone. Editing an organization is for superusers.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from helpdesk.accounts.directory_forms import CustomerForm, OrganizationForm, SearchForm
from helpdesk.accounts.models import Organization, User
from helpdesk.accounts.people import (
    search_people,
    visible_customers,
    with_organization_counts,
    with_ticket_counts,
)
from helpdesk.accounts.views import StaffRequest, staff_required
from tickets.access import agent_of, visible_tickets
from tickets.models import Ticket

DEFAULT_PAGE_SIZE = 25
MEMBERS_SHOWN = 50


def _page_size(user: User) -> int:
    agent = agent_of(user)
    return agent.page_size if agent else DEFAULT_PAGE_SIZE


def _page(request: StaffRequest, items: QuerySet[Any], parameter: str = "page") -> Page[Any]:
    return Paginator(items, _page_size(request.user)).get_page(request.GET.get(parameter))


def _ticket_rows(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    return tickets.select_related("status", "department", "assignee__user", "requester").order_by("-created_at", "-pk")


# --- users ------------------------------------------------------------------------------------


@require_GET
@staff_required
def users(request: StaffRequest) -> HttpResponse:
    """Customers the agent may see, with their organization and ticket counts, searchable."""
    search = SearchForm(request.GET)
    text = search.cleaned_data["q"].strip() if search.is_valid() else ""
    people = visible_customers(request.user).select_related("organization")
    if text:
        people = people.filter(
            Q(name__icontains=text) | Q(email__icontains=text) | Q(organization__name__icontains=text)
        )
    organization = _organization_filter(request)
    if organization is not None:
        people = people.filter(organization=organization)
    people = with_ticket_counts(people, request.user).order_by("name", "email")
    context = {"page": _page(request, people), "search": search, "q": text, "organization_filter": organization}
    return render(request, "scp/directory/users.html", context)


def _organization_filter(request: StaffRequest) -> Organization | None:
    value = request.GET.get("organization", "")
    return Organization.objects.filter(pk=value).first() if value.isdigit() else None


def _customer(viewer: User, pk: int) -> User:
    """The customer if ``viewer`` may see them, with ticket counts; 404 otherwise (staff included)."""
    people = with_ticket_counts(visible_customers(viewer), viewer).select_related("organization")
    return get_object_or_404(people, pk=pk)


@require_GET
@staff_required
def user_detail(request: StaffRequest, pk: int) -> HttpResponse:
    customer = _customer(request.user, pk)
    form = CustomerForm(instance=customer, editor=request.user)
    return _render_user(request, customer, form)


@require_POST
@staff_required
def user_edit(request: StaffRequest, pk: int) -> HttpResponse:
    customer = _customer(request.user, pk)
    # The form writes into its own copy, so a refused change never shows up in the page's header.
    form = CustomerForm(request.POST, instance=User.objects.get(pk=customer.pk), editor=request.user)
    if not form.is_valid():
        return _render_user(request, customer, form)
    form.save()
    messages.success(request, _("%(user)s was saved.") % {"user": form.instance.display_name})
    return redirect("scp:user", pk=customer.pk)


def _render_user(request: StaffRequest, customer: User, form: CustomerForm) -> HttpResponse:
    in_cc = Ticket.collaborators.through.objects.filter(user=customer).values("ticket_id")
    tickets = visible_tickets(request.user).filter(Q(requester=customer) | Q(pk__in=in_cc))
    context = {"customer": customer, "form": form, "tickets": _page(request, _ticket_rows(tickets))}
    return render(request, "scp/directory/user.html", context)


# --- organizations ----------------------------------------------------------------------------


@require_GET
@staff_required
def organizations(request: StaffRequest) -> HttpResponse:
    """Every organization with the members and tickets the agent may see; superusers may add one."""
    search = SearchForm(request.GET)
    text = search.cleaned_data["q"].strip() if search.is_valid() else ""
    found = Organization.objects.all()
    if text:
        found = found.filter(Q(name__icontains=text) | Q(domains__icontains=text))
    found = with_organization_counts(found, request.user).order_by("name")
    form = OrganizationForm() if request.user.is_superuser else None
    return _render_organizations(request, _page(request, found), search, text, form)


def _render_organizations(
    request: StaffRequest, page: Page[Any], search: SearchForm, text: str, form: OrganizationForm | None
) -> HttpResponse:
    context = {"page": page, "search": search, "q": text, "form": form}
    return render(request, "scp/directory/organizations.html", context)


@require_POST
@staff_required
def organization_create(request: StaffRequest) -> HttpResponse:
    if not request.user.is_superuser:
        raise PermissionDenied
    form = OrganizationForm(request.POST)
    if not form.is_valid():
        found = with_organization_counts(Organization.objects.order_by("name"), request.user)
        return _render_organizations(request, _page(request, found), SearchForm(), "", form)
    organization = form.save()
    messages.success(request, _("%(organization)s was added.") % {"organization": organization})
    return redirect("scp:organization", pk=organization.pk)


def _organization(viewer: User, pk: int) -> Organization:
    return get_object_or_404(with_organization_counts(Organization.objects.all(), viewer), pk=pk)


@require_GET
@staff_required
def organization_detail(request: StaffRequest, pk: int) -> HttpResponse:
    organization = _organization(request.user, pk)
    form = OrganizationForm(instance=organization) if request.user.is_superuser else None
    return _render_organization(request, organization, form)


@require_POST
@staff_required
def organization_edit(request: StaffRequest, pk: int) -> HttpResponse:
    if not request.user.is_superuser:
        raise PermissionDenied
    organization = _organization(request.user, pk)
    form = OrganizationForm(request.POST, instance=Organization.objects.get(pk=organization.pk))
    if not form.is_valid():
        return _render_organization(request, organization, form)
    form.save()
    messages.success(request, _("%(organization)s was saved.") % {"organization": form.instance})
    return redirect("scp:organization", pk=organization.pk)


def _render_organization(
    request: StaffRequest, organization: Organization, form: OrganizationForm | None
) -> HttpResponse:
    members = visible_customers(request.user).filter(organization=organization)
    members = with_ticket_counts(members, request.user).order_by("name", "email")[:MEMBERS_SHOWN]
    tickets = visible_tickets(request.user).filter(requester__organization=organization)
    context = {
        "organization": organization,
        "members": members,
        "members_shown": MEMBERS_SHOWN,
        "tickets": _page(request, _ticket_rows(tickets)),
        "form": form,
    }
    return render(request, "scp/directory/organization.html", context)


# --- people search ----------------------------------------------------------------------------


@require_GET
@never_cache
@staff_required
def people_search(request: StaffRequest) -> JsonResponse:
    """JSON for e-mail pickers: ``[{"id", "email", "name", "is_agent"}]``, at most 20, for ``?q=`` of 2+ characters."""
    return JsonResponse(search_people(request.user, request.GET.get("q", "")), safe=False)
