"""The menu's queue counts are cached per user, follow ticket changes at once and never cross scopes."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from helpdesk.accounts.models import DepartmentAccess, Team
from tests.conftest import signed_in
from tickets import services
from tickets.models import Ticket


def counts(client) -> dict[str, int]:
    response = client.get("/scp/")
    assert response.status_code == 200
    return response.context["counts"]


def open_ticket(requester, department, subject="Printer on fire"):
    return services.open_ticket(requester=requester, subject=subject, body="It burns.", department=department)


def test_a_second_page_view_does_not_count_again(client, alice, carol, support):
    open_ticket(carol, support)
    signed_in(client, alice)
    counts(client)

    with CaptureQueriesContext(connection) as captured:
        assert counts(client)["open"] == 1

    assert not [query for query in captured if "COUNT(" in query["sql"]]


def test_a_new_ticket_shows_in_the_counts_at_once(client, alice, carol, support):
    signed_in(client, alice)
    assert counts(client)["open"] == 0

    open_ticket(carol, support)

    assert counts(client)["open"] == 1
    assert counts(client)["unassigned"] == 1


def test_a_closed_ticket_leaves_the_open_count_at_once(client, alice, carol, support):
    ticket = open_ticket(carol, support)
    signed_in(client, alice)
    assert counts(client)["open"] == 1

    services.close(ticket=ticket, actor=alice.user)

    assert (counts(client)["open"], counts(client)["closed"]) == (0, 1)


def test_agents_of_other_departments_never_see_each_others_counts(client, alice, bob, carol, support, billing):
    open_ticket(carol, support)
    open_ticket(carol, billing, "Refund")
    open_ticket(carol, billing, "Invoice")

    assert counts(signed_in(client, alice))["open"] == 1
    assert counts(signed_in(client, bob))["open"] == 2
    assert counts(signed_in(client, alice))["open"] == 1


def test_a_new_department_role_shows_in_the_counts_at_once(client, alice, carol, support, billing, agent_role):
    open_ticket(carol, billing, "Refund")
    signed_in(client, alice)
    assert counts(client)["open"] == 0

    DepartmentAccess.objects.create(agent=alice, department=billing, role=agent_role)

    assert counts(client)["open"] == 1


def test_a_superuser_and_an_agent_keep_their_own_counts(client, admin_user, alice, carol, support, billing):
    open_ticket(carol, support)
    open_ticket(carol, billing, "Refund")

    assert counts(signed_in(client, admin_user))["open"] == 2
    assert counts(signed_in(client, alice))["open"] == 1


def test_joining_a_team_shows_its_tickets_in_mine_at_once(client, alice, carol, support):
    team = Team.objects.create(name="Printers")
    ticket = open_ticket(carol, support)
    services.assign(ticket=ticket, actor=alice.user, team=team)
    signed_in(client, alice)
    assert counts(client)["mine"] == 0

    team.members.add(alice)

    assert counts(client)["mine"] == 1


def test_tickets_the_overdue_job_flags_show_in_the_overdue_count_at_once(client, alice, carol, support):
    ticket = open_ticket(carol, support)
    Ticket.objects.filter(pk=ticket.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    signed_in(client, alice)
    assert counts(client)["overdue"] == 0

    assert services.mark_overdue() == 1

    assert counts(client)["overdue"] == 1
