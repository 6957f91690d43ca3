"""Every staff and portal page runs the same number of queries with 3 rows as with 30 (no query per row)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpdesk.accounts.models import Agent, Department, User
from tests.conftest import signed_in
from tickets import services
from tickets.models import SavedSearch, Ticket

SMALL, LARGE = 3, 30
# A queue page: session, user, two-factor devices (2), agent, departments, the two menu counts, saved
# searches, the page's keys and its rows, six filter and bulk lists, and the session's save (3, with the
# test's savepoints).
QUEUE_PAGE_QUERIES = 20


def queries(client, url: str) -> int:
    client.get(url)  # warm: sessions, caches and lazy settings settle on the first request
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def open_tickets(requester: User, department: Department, count: int, agent: Agent) -> list[Ticket]:
    tickets = []
    for index in range(count):
        ticket = services.open_ticket(
            requester=requester, subject=f"Printer {index}", body="The printer jams.", department=department
        )
        services.assign(ticket=ticket, actor=agent.user, agent=agent, team=None)
        tickets.append(ticket)
    return tickets


def grow_thread(ticket: Ticket, agent: Agent, count: int) -> None:
    for index in range(count):
        services.post_reply(ticket=ticket, actor=agent.user, body=f"Reply {index} about the printer.")


def assert_constant(client, url: Callable[[], str], grow: Callable[[int], object]) -> int:
    grow(SMALL)
    few = queries(client, url())
    grow(LARGE - SMALL)
    assert queries(client, url()) == few
    return few


@pytest.mark.parametrize(
    "path", ["/scp/", "/scp/queues/mine/", "/scp/queues/unassigned/", "/scp/queues/closed/", "/scp/?q=printer"]
)
def test_staff_queue_pages_run_constant_queries(client, alice, carol, support, path):
    signed_in(client, alice)

    count = assert_constant(client, lambda: path, lambda count: open_tickets(carol, support, count, alice))

    assert count <= QUEUE_PAGE_QUERIES + ("q=" in path)  # a search counts its matches


def test_a_saved_search_runs_constant_queries(client, alice, carol, support):
    search = SavedSearch.objects.create(owner=alice, name="Printers", query="q=printer")
    signed_in(client, alice)

    count = assert_constant(
        client, lambda: f"/scp/searches/{search.pk}/", lambda n: open_tickets(carol, support, n, alice)
    )

    assert count <= QUEUE_PAGE_QUERIES + 2  # the search itself, and counting its matches


def test_the_staff_ticket_page_runs_constant_queries_as_the_thread_grows(client, alice, ticket):
    signed_in(client, alice)

    assert_constant(client, lambda: f"/scp/tickets/{ticket.number}/", lambda count: grow_thread(ticket, alice, count))


def test_the_portal_ticket_list_runs_constant_queries(client, alice, carol, support):
    signed_in(client, carol)

    assert_constant(client, lambda: "/account/tickets/", lambda count: open_tickets(carol, support, count, alice))


def test_the_portal_ticket_page_runs_constant_queries_as_the_thread_grows(client, alice, carol, ticket):
    signed_in(client, carol)

    assert_constant(client, lambda: f"/tickets/{ticket.number}/", lambda count: grow_thread(ticket, alice, count))
