"""The operator's home page: their tickets, unread messages, waiting and overdue tickets, the manager's view."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpdesk.accounts.models import Department
from tests.conftest import signed_in
from tickets import services
from tickets.models import Ticket

URL = "/scp/home/"


def test_customers_are_refused(client, carol):
    assert signed_in(client, carol).get(URL).status_code == 403


def test_my_unresolved_tickets_are_the_open_ones_assigned_to_me(client, ticket, alice, admin_user):
    services.assign(ticket=ticket, actor=admin_user, agent=alice)
    home = signed_in(client, alice).get(URL).context["home"]
    assert (home.mine.count, [t.pk for t in home.mine.tickets]) == (1, [ticket.pk])


def test_unread_customer_messages_count_every_unread_message_on_my_tickets(client, ticket, alice, carol, admin_user):
    services.assign(ticket=ticket, actor=admin_user, agent=alice)
    services.post_message(ticket=ticket, author=carol, body="Still smoking")
    home = signed_in(client, alice).get(URL).context["home"]
    assert (home.unread_messages, home.unread.count) == (2, 1)


def test_unassigned_tickets_are_those_of_my_departments_only(client, ticket, billing_ticket, alice):
    home = signed_in(client, alice).get(URL).context["home"]
    assert [t.pk for t in home.unassigned.tickets] == [ticket.pk]


def test_overdue_lists_flagged_open_tickets(client, ticket, alice):
    Ticket.objects.filter(pk=ticket.pk).update(is_overdue=True)
    home = signed_in(client, alice).get(URL).context["home"]
    assert home.overdue.count == 1


def test_the_overview_counts_open_tickets_by_status(client, ticket, billing_ticket, admin_user):
    home = signed_in(client, admin_user).get(URL).context["home"]
    assert home.by_status == [("Open", 2)]


def test_an_agent_who_manages_nothing_has_no_manager_view(client, ticket, alice):
    assert signed_in(client, alice).get(URL).context["home"].members is None


def test_a_department_manager_sees_each_member_s_open_work(client, ticket, alice, support, admin_user):
    Department.objects.filter(pk=support.pk).update(manager=alice)
    services.assign(ticket=ticket, actor=admin_user, agent=alice)
    home = signed_in(client, alice).get(URL).context["home"]
    assert [(m.agent.pk, m.unresolved) for m in home.members] == [(alice.pk, 1)]
    assert home.unassigned_by_department == [("Support", 0)]


def test_the_home_page_query_count_does_not_grow_with_tickets(
    client, carol, support, alice, admin_user, django_assert_num_queries
):
    Department.objects.filter(pk=support.pk).update(manager=alice)
    signed_in(client, alice)
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for n in range(5):
        opened = services.open_ticket(requester=carol, subject=f"T{n}", body="x", department=support)
        services.assign(ticket=opened, actor=admin_user, agent=alice)
    with django_assert_num_queries(len(few)):
        client.get(URL)


def test_the_manager_view_counts_overdue_and_unread_work_and_lists_idle_members(
    client, ticket, alice, support, carol, admin_user, agent_role
):
    from tests.conftest import make_agent

    idle = make_agent("ivo@example.com", "Ivo Idle", support, role=agent_role)
    Department.objects.filter(pk=support.pk).update(manager=alice)
    services.assign(ticket=ticket, actor=admin_user, agent=alice)
    Ticket.objects.filter(pk=ticket.pk).update(is_overdue=True)
    home = signed_in(client, alice).get(URL).context["home"]
    loads = {m.agent.pk: (m.unresolved, m.overdue, m.unread) for m in home.members}
    assert loads == {alice.pk: (1, 1, 1), idle.pk: (0, 0, 0)}


def test_a_manager_sees_no_one_outside_the_departments_they_manage(client, ticket, alice, bob, support):
    Department.objects.filter(pk=support.pk).update(manager=alice)
    home = signed_in(client, alice).get(URL).context["home"]
    assert bob.pk not in {m.agent.pk for m in home.members}
