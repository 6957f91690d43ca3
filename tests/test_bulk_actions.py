"""Bulk actions from a queue: one action on the selected tickets, each through its service, refusals reported."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from helpdesk.accounts.models import Department, Role, Team, User
from tasks.services import create_task
from tests.conftest import make_agent, signed_in
from tickets import services
from tickets.models import Priority, State, Status, Ticket

BULK = "/scp/bulk"


def make_ticket(requester: User, department: Department, subject: str) -> Ticket:
    return services.open_ticket(requester=requester, subject=subject, body=f"About {subject}.", department=department)


def post(client, action: str, *tickets: Ticket, **fields):
    data = {"action": action, "numbers": [t.number for t in tickets], **fields}
    return client.post(BULK, data)


def notes(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def fresh(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_related("status", "assignee", "department").get(pk=ticket.pk)


@pytest.fixture
def two(carol, support):
    return make_ticket(carol, support, "Printer on fire"), make_ticket(carol, support, "Scanner jammed")


@pytest.fixture
def as_alice(client, alice):
    return signed_in(client, alice)


# --- permission matrix ----------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, two):
    response = post(client, "close", *two)

    assert response.status_code == 302
    assert response.url.startswith("/scp/login")
    assert not fresh(two[0]).is_closed


def test_customers_are_refused(client, carol, two):
    signed_in(client, carol)

    assert post(client, "close", *two).status_code == 403
    assert not fresh(two[0]).is_closed


def test_bulk_refuses_get(as_alice):
    assert as_alice.get(BULK).status_code == 405


def test_an_agent_of_another_department_changes_nothing_and_learns_nothing(client, bob, two):
    signed_in(client, bob)

    response = post(client, "close", *two)

    assert response.status_code == 302
    assert not fresh(two[0]).is_closed
    assert not fresh(two[1]).is_closed
    assert notes(response) == ["0 tickets updated."]


# --- each action --------------------------------------------------------------------------------


def test_assign_gives_every_selected_ticket_to_the_agent(as_alice, two, alice):
    response = post(as_alice, "assign", *two, agent=alice.pk)

    assert response.status_code == 302
    assert [fresh(t).assignee for t in two] == [alice, alice]
    assert notes(response) == ["2 tickets updated."]


def test_assign_keeps_the_tickets_team(as_alice, two, alice, admin_user):
    team = Team.objects.create(name="Hardware crew")
    services.assign(ticket=two[0], actor=admin_user, team=team)

    post(as_alice, "assign", two[0], agent=alice.pk)

    assert fresh(two[0]).team == team
    assert fresh(two[0]).assignee == alice


def test_assign_to_an_agent_without_access_is_refused_per_ticket(as_alice, two, bob):
    response = post(as_alice, "assign", *two, agent=bob.pk)

    assert fresh(two[0]).assignee is None
    [message] = notes(response)
    assert message.startswith("0 tickets updated, 2 refused: ")
    assert f"#{two[0].number} (Bob Billing has no access to the department Support.)" in message


def test_transfer_moves_every_selected_ticket(as_alice, two, billing):
    response = post(as_alice, "transfer", *two, department=billing.pk)

    assert [fresh(t).department for t in two] == [billing, billing]
    assert notes(response) == ["2 tickets updated."]


def test_status_sets_every_selected_ticket(as_alice, two):
    in_progress = Status.objects.get(name="In progress")

    post(as_alice, "status", *two, status=in_progress.pk)

    assert [fresh(t).status for t in two] == [in_progress, in_progress]


def test_priority_sets_every_selected_ticket(as_alice, two):
    post(as_alice, "priority", *two, priority=Priority.URGENT)

    assert [fresh(t).priority for t in two] == [Priority.URGENT, Priority.URGENT]


def test_close_closes_every_selected_ticket(as_alice, two):
    response = post(as_alice, "close", *two)

    assert [fresh(t).state for t in two] == [State.CLOSED, State.CLOSED]
    assert notes(response) == ["2 tickets updated."]


# --- refusals -------------------------------------------------------------------------------------


def test_close_honours_the_task_rule_ticket_by_ticket(as_alice, two, alice):
    task = create_task(actor=alice.user, title="Order a new fuser", ticket=two[0])

    response = post(as_alice, "close", *two)

    assert not fresh(two[0]).is_closed
    assert fresh(two[1]).is_closed
    assert notes(response) == [
        f"1 ticket updated, 1 refused: #{two[0].number} (The ticket cannot be closed while it has open tasks: "
        f"#{task.pk} Order a new fuser. Complete them first.)"
    ]


def test_a_closed_status_honours_the_task_rule_too(as_alice, two, alice):
    create_task(actor=alice.user, title="Order a new fuser", ticket=two[0])

    response = post(as_alice, "status", two[0], status=Status.default_for("closed").pk)

    assert not fresh(two[0]).is_closed
    assert "refused" in notes(response)[0]


def test_a_role_without_the_permission_is_refused_with_the_services_reason(client, carol, support):
    viewer = make_agent(
        "vic@example.com", "Vic Viewer", support, role=Role.objects.create(name="Viewer", can_close=False)
    )
    ticket = make_ticket(carol, support, "Printer on fire")
    signed_in(client, viewer)

    response = post(client, "close", ticket)

    assert not fresh(ticket).is_closed
    assert notes(response) == [
        f"0 tickets updated, 1 refused: #{ticket.number} (You may not close or reopen tickets of this department.)"
    ]


def test_tickets_the_agent_cannot_see_are_skipped_silently(as_alice, two, carol, billing):
    hidden = make_ticket(carol, billing, "Invoice twice")

    response = post(as_alice, "close", two[0], hidden)

    assert fresh(two[0]).is_closed
    assert not fresh(hidden).is_closed
    assert notes(response) == ["1 ticket updated."]
    assert hidden.number not in notes(response)[0]


def test_unknown_numbers_are_skipped(as_alice, two):
    response = as_alice.post(BULK, {"action": "close", "numbers": [two[0].number, "999999999"]})

    assert notes(response) == ["1 ticket updated."]


# --- form validation ------------------------------------------------------------------------------


def test_nothing_selected_says_so(as_alice):
    response = as_alice.post(BULK, {"action": "close"})

    assert response.status_code == 302
    assert notes(response) == ["Select at least one ticket."]


def test_an_action_without_its_value_changes_nothing(as_alice, two):
    response = post(as_alice, "assign", *two)

    assert fresh(two[0]).assignee is None
    assert notes(response) == ["Choose the agent to assign the tickets to."]


def test_an_unknown_action_changes_nothing(as_alice, two):
    response = post(as_alice, "delete", *two)

    assert Ticket.objects.filter(pk=two[0].pk).exists()
    assert "Select a valid choice" in notes(response)[0]


def test_numbers_must_be_numbers(as_alice):
    response = as_alice.post(BULK, {"action": "close", "numbers": ["1 OR 1=1"]})

    assert notes(response) == ["That is not a list of ticket numbers."]


def test_an_unknown_priority_changes_nothing(as_alice, two):
    response = post(as_alice, "priority", *two, priority=9)

    assert fresh(two[0]).priority == Priority.NORMAL
    assert "Select a valid choice" in notes(response)[0]


# --- back to the queue ----------------------------------------------------------------------------


def test_it_goes_back_to_the_queue_with_its_filters(as_alice, two):
    response = post(as_alice, "close", *two, next="/scp/queues/mine/?priority=4&sort=number")

    assert response.url == "/scp/queues/mine/?priority=4&sort=number"


@pytest.mark.parametrize("target", ["https://evil.example/scp/", "//evil.example/", "javascript:alert(1)", ""])
def test_it_never_goes_back_to_another_site(as_alice, two, target):
    response = post(as_alice, "close", *two, next=target)

    assert response.url == "/scp/"


def test_the_queue_page_has_the_bulk_form_and_row_checkboxes(as_alice, two):
    text = as_alice.get("/scp/?priority=2").text

    assert 'id="bulk-form" method="post" action="/scp/bulk"' in text
    assert f'name="numbers" value="{two[0].number}" form="bulk-form"' in text
    assert 'name="next" value="/scp/?priority=2"' in text
    for action in ("assign", "transfer", "status", "priority", "close"):
        assert f'<option value="{action}"' in text
