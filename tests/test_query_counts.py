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
# A queue page: session, user (with agent and two-factor devices), departments, saved searches, the page's
# keys and its rows, and the filter and bulk lists. The session is saved once a minute and the two menu
# counts are cached (tests/test_queue_counts_cache.py), so they add 1 and 2 queries only now and then.
QUEUE_PAGE_QUERIES = 7
# The staff ticket page: the fixed ones of a staff page, the agent's departments, the ticket with its header,
# its CC, followers and related tickets, the thread's shown entries and their files, the agent's role, the
# requester's other open tickets, tasks, canned responses, statuses (action panel and reply box), the activity,
# departments, assignable agents and teams, and the time spent.
TICKET_PAGE_QUERIES = 19


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


# Counting the matches, and on PostgreSQL gathering the candidates (tickets/search.py): subjects, the recent
# tickets' keys, which of them match, and the rare-word lookup with its settings in a savepoint (five
# statements; two outside a test's transaction).
SEARCH_QUERIES = 9


@pytest.mark.parametrize(
    "path", ["/scp/", "/scp/queues/mine/", "/scp/queues/unassigned/", "/scp/queues/closed/", "/scp/?q=printer"]
)
def test_staff_queue_pages_run_constant_queries(client, alice, carol, support, path):
    signed_in(client, alice)

    count = assert_constant(client, lambda: path, lambda count: open_tickets(carol, support, count, alice))

    assert count <= QUEUE_PAGE_QUERIES + SEARCH_QUERIES * ("q=" in path)


def test_a_saved_search_runs_constant_queries(client, alice, carol, support):
    search = SavedSearch.objects.create(owner=alice, name="Printers", query="q=printer")
    signed_in(client, alice)

    count = assert_constant(
        client, lambda: f"/scp/searches/{search.pk}/", lambda n: open_tickets(carol, support, n, alice)
    )

    assert count <= QUEUE_PAGE_QUERIES + 1 + SEARCH_QUERIES  # the saved search itself, and searching


def test_the_staff_ticket_page_runs_constant_queries_as_the_thread_grows(client, alice, ticket):
    signed_in(client, alice)

    count = assert_constant(
        client, lambda: f"/scp/tickets/{ticket.number}/", lambda count: grow_thread(ticket, alice, count)
    )

    assert count <= TICKET_PAGE_QUERIES, count


def test_a_long_staff_ticket_thread_runs_as_many_queries_as_a_short_one(client, alice, ticket):
    signed_in(client, alice)
    page = f"/scp/tickets/{ticket.number}/"
    short = queries(client, page)

    grow_thread(ticket, alice, 150)  # more than LONG_THREAD: only the two ends, and the newest message in the middle

    assert queries(client, page) == short


def test_the_portal_ticket_list_runs_constant_queries(client, alice, carol, support):
    signed_in(client, carol)

    assert_constant(client, lambda: "/account/tickets/", lambda count: open_tickets(carol, support, count, alice))


def test_the_portal_ticket_page_runs_constant_queries_as_the_thread_grows(client, alice, carol, ticket):
    signed_in(client, carol)

    assert_constant(client, lambda: f"/tickets/{ticket.number}/", lambda count: grow_thread(ticket, alice, count))
