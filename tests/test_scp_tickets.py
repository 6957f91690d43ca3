"""The staff ticket list at /scp/: what each agent sees, in which order, and at what query cost."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from helpdesk.accounts.models import Department, User
from tickets.models import Priority, State, Status, Ticket

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def make_ticket(number: str, department: Department, requester: User, **fields) -> Ticket:
    fields.setdefault("subject", f"Ticket {number}")
    return Ticket.objects.create(
        number=number, requester=requester, department=department, status=Status.default_for("open"), **fields
    )


def close(ticket: Ticket) -> None:
    ticket.status = Status.default_for("closed")
    ticket.state = State.CLOSED
    ticket.closed_at = timezone.now()
    ticket.save(update_fields=["status", "state", "closed_at"])


def test_alice_sees_support_tickets_but_not_billing_ones(client, alice, support, billing, carol):
    make_ticket("100001", support, carol, subject="Printer on fire")
    make_ticket("100002", billing, carol, subject="Invoice twice")
    client.force_login(alice.user, backend=MODEL_BACKEND)

    response = client.get("/scp/")

    assert response.status_code == 200
    assert "Printer on fire" in response.text
    assert "Invoice twice" not in response.text


def test_bob_sees_billing_tickets_but_not_support_ones(client, bob, support, billing, carol):
    make_ticket("100001", support, carol, subject="Printer on fire")
    make_ticket("100002", billing, carol, subject="Invoice twice")
    client.force_login(bob.user, backend=MODEL_BACKEND)

    response = client.get("/scp/")

    assert "Invoice twice" in response.text
    assert "Printer on fire" not in response.text


def test_a_ticket_assigned_to_alice_shows_even_outside_her_departments(client, alice, billing, carol):
    make_ticket("100002", billing, carol, subject="Invoice twice", assignee=alice)
    client.force_login(alice.user, backend=MODEL_BACKEND)

    assert "Invoice twice" in client.get("/scp/").text


def test_admin_sees_every_department(client, admin_user, support, billing, carol):
    make_ticket("100001", support, carol, subject="Printer on fire")
    make_ticket("100002", billing, carol, subject="Invoice twice")
    client.force_login(admin_user, backend=MODEL_BACKEND)

    response = client.get("/scp/")

    assert "Printer on fire" in response.text
    assert "Invoice twice" in response.text


def test_closed_tickets_are_not_listed(client, alice, support, carol):
    close(make_ticket("100001", support, carol, subject="Done and dusted"))
    make_ticket("100002", support, carol, subject="Still open")
    client.force_login(alice.user, backend=MODEL_BACKEND)

    response = client.get("/scp/")

    assert "Still open" in response.text
    assert "Done and dusted" not in response.text


def test_newest_activity_comes_first(client, alice, support, carol):
    now = timezone.now()
    make_ticket("100001", support, carol, subject="Old news", last_activity_at=now - timedelta(days=2))
    make_ticket("100002", support, carol, subject="Hot off the press", last_activity_at=now)
    client.force_login(alice.user, backend=MODEL_BACKEND)

    text = client.get("/scp/").text

    assert text.index("Hot off the press") < text.index("Old news")


def test_row_shows_every_column(client, alice, support, carol):
    make_ticket("123456", support, carol, subject="Printer on fire", priority=Priority.URGENT, assignee=alice)
    client.force_login(alice.user, backend=MODEL_BACKEND)

    text = client.get("/scp/").text

    for shown in ["#123456", "Printer on fire", "Carol Customer", "Support", "Urgent", "Alice Agent", "now"]:
        assert shown in text
    assert 'status-badge">Open</span>' in text


def test_list_is_paginated_by_the_agent_page_size(client, alice, support, carol):
    alice.page_size = 5
    alice.save(update_fields=["page_size"])
    for n in range(7):
        make_ticket(f"1000{n:02d}", support, carol)
    client.force_login(alice.user, backend=MODEL_BACKEND)

    first = client.get("/scp/")
    second = client.get("/scp/?page=2")

    assert len(first.context["page"].object_list) == 5
    assert len(second.context["page"].object_list) == 2
    assert 'href="?page=2"' in first.text


def test_superuser_without_agent_profile_gets_25_per_page(client, admin_user, support, carol):
    for n in range(26):
        make_ticket(f"2000{n:02d}", support, carol)
    client.force_login(admin_user, backend=MODEL_BACKEND)

    response = client.get("/scp/")

    assert len(response.context["page"].object_list) == 25
    assert response.context["page"].paginator.num_pages == 2


def test_a_page_number_out_of_range_shows_the_last_page(client, alice, support, carol):
    make_ticket("100001", support, carol, subject="Only one")
    client.force_login(alice.user, backend=MODEL_BACKEND)

    response = client.get("/scp/?page=99")

    assert response.status_code == 200
    assert "Only one" in response.text


def test_empty_list_says_so(client, alice):
    client.force_login(alice.user, backend=MODEL_BACKEND)

    response = client.get("/scp/")

    assert "No open tickets" in response.text
    assert "<table" not in response.text


def test_ticket_list_query_count_is_the_same_for_3_and_30_tickets(client, alice, bob, support, carol, dave):
    client.force_login(alice.user, backend=MODEL_BACKEND)

    def queries_for_list() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get("/scp/").status_code == 200
        return len(context.captured_queries)

    for n in range(3):
        make_ticket(f"3000{n:02d}", support, carol if n % 2 else dave, assignee=bob)
    with_3 = queries_for_list()
    for n in range(3, 30):
        make_ticket(f"3000{n:02d}", support, carol if n % 2 else dave, assignee=bob)
    with_30 = queries_for_list()

    assert with_3 == with_30


def test_listing_refuses_post(client, alice):
    client.force_login(alice.user, backend=MODEL_BACKEND)

    assert client.post("/scp/").status_code == 405
